/** Editing the config of a running gateway: token rotation in place, bad edits kept out, modes, editors. */
import { describe, expect, test } from "bun:test";
import { rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Condition } from "../helpers/condition.ts";
import { TEST_TOKEN, startTestGateway, type TestGateway } from "../helpers/gateway.ts";
import { connectClient } from "../helpers/ws-client.ts";

const NEW_TOKEN = "rotated-token-abcdef0123456789";
const config = (token: string, extra: Record<string, unknown> = {}, reload: Record<string, unknown> = { debounceMs: 20 }) =>
  JSON.stringify({ gateway: { mode: "local", auth: { token }, reload }, ...extra }, null, 2);
const configPath = (gw: TestGateway) => join(gw.stateDir, "openclaw.json");
const fast = { config: { gateway: { reload: { debounceMs: 20 } } } };
const currentToken = (gw: TestGateway) => gw.gateway.services.auth.current.token;
const RELOADED = /config reloaded \(/;
/** An edit that does not parse or validate is logged at error level: expected where a test makes one. */
const IGNORED = /config change ignored/;

/** Records `onRestart` calls and lets a test wait for them. */
function restartRecorder() {
  const reasons: string[] = [];
  const changed = new Condition();
  return {
    reasons,
    onRestart: (reason: string) => {
      reasons.push(reason);
      changed.wake();
    },
    next: () => changed.waitFor("a restart", () => reasons[0]),
  };
}

describe("hybrid (default)", () => {
  test("a token rotation applies to new connections at once, without a restart, and open sockets stay", async () => {
    const restarts = restartRecorder();
    await using gw = await startTestGateway({ ...fast, onRestart: restarts.onRestart });
    const { client: open } = await connectClient(gw.url);
    await writeFile(configPath(gw), config(NEW_TOKEN));
    // Logged after the new options are in place, and in the same turn a restart would be requested.
    await gw.waitForLog("config reloaded (gateway.auth.token)");
    expect(currentToken(gw)).toBe(NEW_TOKEN);
    expect((await connectClient(gw.url, { token: TEST_TOKEN, device: null })).res.error.message).toStartWith("unauthorized: gateway token mismatch");
    expect((await connectClient(gw.url, { token: NEW_TOKEN })).res.ok).toBe(true);
    expect((await open.rpc("status")).ok).toBe(true);
    expect(restarts.reasons).toEqual([]);
    expect(gw.logLines.join("\n")).not.toContain(NEW_TOKEN);
    open.close();
  });

  test("an edit that does not parse or validate is logged with its key path and the running config stays; fixing it applies", async () => {
    await using gw = await startTestGateway({ ...fast, expectErrors: [IGNORED] });
    await writeFile(configPath(gw), "{ gateway: { mode: 'local', port: 'high', auth: { token: 'x' } } }");
    await gw.waitForLog(/config change ignored.*gateway\.port: must be integer/);
    expect(currentToken(gw)).toBe(TEST_TOKEN);
    await writeFile(configPath(gw), "{ gateway: { mode: 'local', auth: { token: 'x'  ");
    await gw.waitForLog(/config change ignored.*not valid JSON5/);
    expect(currentToken(gw)).toBe(TEST_TOKEN);
    await writeFile(configPath(gw), config(NEW_TOKEN));
    await gw.waitForLog("config reloaded (gateway.auth.token)");
    expect(currentToken(gw)).toBe(NEW_TOKEN);
    expect(gw.logLines.filter((l) => RELOADED.test(l))).toHaveLength(1);
  });

  test("a change that needs a restart restarts in-process", async () => {
    const restarts = restartRecorder();
    await using gw = await startTestGateway({ ...fast, onRestart: restarts.onRestart });
    await writeFile(configPath(gw), config(TEST_TOKEN, { canvasHost: { enabled: false } }));
    expect(await restarts.next()).toBe("config change: canvasHost.enabled");
    expect(restarts.reasons).toEqual(["config change: canvasHost.enabled"]);
    expect(gw.logLines.filter((l) => RELOADED.test(l))).toEqual([]);
  });

  test("editors that replace the file by rename, and delete-then-create, are followed", async () => {
    const restarts = restartRecorder();
    await using gw = await startTestGateway({ ...fast, onRestart: restarts.onRestart });
    const temp = join(gw.stateDir, ".openclaw.json.swp");
    await writeFile(temp, config(NEW_TOKEN));
    await rename(temp, configPath(gw));
    await gw.waitForLog(RELOADED);
    expect(currentToken(gw)).toBe(NEW_TOKEN);
    await rm(configPath(gw));
    // The watcher looks at the missing file on its own (not merged with the next write).
    await gw.waitForLog("is gone; the running config stays until it is back");
    await writeFile(configPath(gw), config("third-token-0123456789abcdef"));
    await gw.waitForLog(RELOADED, { count: 2 });
    expect(currentToken(gw)).toBe("third-token-0123456789abcdef");
    // Had the deletion counted as an edit (an empty config: new auth, a restart-class change),
    // it would show here before the recreated file's reload: nothing but the two reloads.
    expect(gw.logLines.filter((l) => /config (reloaded|changed|change ignored)/.test(l))).toEqual([
      expect.stringContaining("config reloaded (gateway.auth.token)"),
      expect.stringContaining("config reloaded (gateway.auth.token)"),
    ]);
    expect(restarts.reasons).toEqual([]);
  });

  test("bursts of writes are debounced into one reload", async () => {
    const reload = { debounceMs: 150 };
    await using gw = await startTestGateway({ config: { gateway: { reload } } });
    for (let i = 0; i < 5; i++) await writeFile(configPath(gw), config(`burst-token-${i}-0123456789abcdef`, {}, reload));
    await gw.waitForLog(RELOADED);
    expect(currentToken(gw)).toBe("burst-token-4-0123456789abcdef");
    // Barrier: one more edit, of another key. Any further reload of the burst would be logged
    // before this one's, so once it is there the burst's count is final.
    const barrier = { gateway: { mode: "local", auth: { token: "burst-token-4-0123456789abcdef" }, reload, nodes: { allowCommands: ["barrier.cmd"] } } };
    await writeFile(configPath(gw), JSON.stringify(barrier));
    await gw.waitForLog("config reloaded (gateway.nodes.allowCommands)");
    expect(gw.logLines.filter((l) => RELOADED.test(l))).toEqual([
      expect.stringContaining("config reloaded (gateway.auth.token)"),
      expect.stringContaining("config reloaded (gateway.nodes.allowCommands)"),
    ]);
  });
});

describe("other modes", () => {
  test("hot: safe changes apply, restart-class ones only warn", async () => {
    const restarts = restartRecorder();
    const reload = { mode: "hot", debounceMs: 20 };
    await using gw = await startTestGateway({ config: { gateway: { reload } }, onRestart: restarts.onRestart });
    await writeFile(configPath(gw), config(NEW_TOKEN, { canvasHost: { enabled: false } }, reload));
    // The warning comes after the reload, in the same turn that would have requested a restart.
    await gw.waitForLog(/apply after a restart.*canvasHost\.enabled/);
    expect(currentToken(gw)).toBe(NEW_TOKEN);
    expect(restarts.reasons).toEqual([]);
  });

  test("restart: any change restarts", async () => {
    const restarts = restartRecorder();
    const reload = { mode: "restart", debounceMs: 20 };
    await using gw = await startTestGateway({ config: { gateway: { reload } }, onRestart: restarts.onRestart });
    await writeFile(configPath(gw), config(TEST_TOKEN, { logging: { level: "debug" } }, reload));
    expect(await restarts.next()).toBe("config change: logging.level");
  });

  test("off: edits are not watched at all", async () => {
    const reload = { mode: "off", debounceMs: 20 };
    await using gw = await startTestGateway({ config: { gateway: { reload } } });
    // Barrier: a watching gateway in this process with a longer debounce (100 ms) gets the same
    // kind of edit at the same time; had the "off" one been watching, it would have applied its
    // edit before this one does.
    const watchingReload = { debounceMs: 100 };
    await using control = await startTestGateway({ config: { gateway: { reload: watchingReload } } });
    await Promise.all([writeFile(configPath(gw), config(NEW_TOKEN, {}, reload)), writeFile(configPath(control), config(NEW_TOKEN, {}, watchingReload))]);
    await control.waitForLog(RELOADED);
    expect(currentToken(control)).toBe(NEW_TOKEN);
    expect(currentToken(gw)).toBe(TEST_TOKEN);
    expect(gw.logLines.filter((l) => RELOADED.test(l))).toEqual([]);
  });
});
