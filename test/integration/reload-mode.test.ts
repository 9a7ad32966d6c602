/**
 * `gateway.reload.*` follows the running config: turning hot reload off stops it at once (later
 * edits are not applied), turning it back on through `config.set` watches again, and a new
 * debounce takes effect without a restart.
 */
import { expect, test } from "bun:test";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { startTestGateway, TEST_TOKEN, type TestGateway } from "../helpers/gateway.ts";
import { eventually } from "../helpers/condition.ts";
import { connectClient } from "../helpers/ws-client.ts";

const NEW_TOKEN = "rotated-token-abcdef0123456789";
const configText = (token: string, reload: Record<string, unknown>) => JSON.stringify({ gateway: { mode: "local", auth: { token }, reload } }, null, 2);
const reloadStatus = (gw: TestGateway) => gw.gateway.services.parts.status("config-reload");

test("mode off in the running config stops the watcher at once; config.set turning it on again resumes it", async () => {
  await using gw = await startTestGateway({ config: { gateway: { reload: { debounceMs: 20 } } } });
  const path = join(gw.stateDir, "openclaw.json");
  expect(reloadStatus(gw)).toMatchObject({ state: "running", info: { mode: "hybrid", watching: true } });

  // The edit that turns it off is itself applied (gateway.reload.* needs no restart) ...
  await writeFile(path, configText(TEST_TOKEN, { mode: "off", debounceMs: 20 }));
  await gw.waitForLog("hot reload is off (gateway.reload.mode=off)");
  expect(reloadStatus(gw)).toMatchObject({ state: "disabled", info: { mode: "off", watching: false } });
  // ... and from then on nothing watches the file: with no watcher left, this edit can never apply.
  await writeFile(path, configText(NEW_TOKEN, { mode: "off", debounceMs: 20 }));
  expect((await connectClient(gw.url, { token: NEW_TOKEN, device: null })).res.ok).toBe(false);
  expect(gw.gateway.services.auth.current.token).toBe(TEST_TOKEN);

  // config.set writes and applies a config with hot reload on: the watcher starts again.
  const { client } = await connectClient(gw.url);
  const snap = (await client.rpc("config.get")).payload;
  const on = { ...snap.config, gateway: { ...snap.config.gateway, auth: { token: NEW_TOKEN }, reload: { mode: "hybrid", debounceMs: 20 } } };
  expect((await client.rpc("config.set", { raw: JSON.stringify(on), baseHash: snap.hash })).ok).toBe(true);
  expect(reloadStatus(gw)).toMatchObject({ state: "running", info: { mode: "hybrid", watching: true } });
  const ROTATED = "rotated-again-0123456789abcdef";
  await writeFile(path, configText(ROTATED, { mode: "hybrid", debounceMs: 20 }));
  // The hand-written file also drops the `meta` stamp config.set added.
  await gw.waitForLog(/config reloaded \(gateway\.auth\.token, meta\./);
  expect((await connectClient(gw.url, { token: ROTATED, device: null })).res.ok).toBe(true);
  client.close();
});

test("a new debounce applies without a restart", async () => {
  await using gw = await startTestGateway({ config: { gateway: { reload: { debounceMs: 20 } } } });
  const path = join(gw.stateDir, "openclaw.json");
  await writeFile(path, configText(TEST_TOKEN, { debounceMs: 45 }));
  await eventually("the watcher to follow the new debounce", () => reloadStatus(gw)?.info?.debounceMs === 45 || undefined);
  expect(reloadStatus(gw)).toMatchObject({ state: "running", info: { mode: "hybrid", watching: true } });
  // Still watching with the new settings: a later edit applies.
  await writeFile(path, configText(NEW_TOKEN, { debounceMs: 45 }));
  await gw.waitForLog("config reloaded (gateway.auth.token)");
  expect(gw.gateway.services.auth.current.token).toBe(NEW_TOKEN);
});
