/** config.* over the control plane: redaction, base hashes, merge patches, validation, the write budget, restarts. */
import { describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { TEST_TOKEN, startTestGateway } from "../helpers/gateway.ts";
import { connectClient } from "../helpers/ws-client.ts";

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

describe("config.get / config.schema", () => {
  test("a snapshot with the file's hash and every secret redacted", async () => {
    await using gw = await startTestGateway({ config: { channels: { telegram: { botToken: "123456:secret-bot-token-value" } } } });
    const { client } = await connectClient(gw.url);
    const raw = await readFile(join(gw.stateDir, "openclaw.json"), "utf8");
    const snap = (await client.rpc("config.get")).payload;
    expect(snap.hash).toBe(sha256(raw));
    expect(snap).toMatchObject({ path: join(gw.stateDir, "openclaw.json"), exists: true, valid: true, issues: [], warnings: [] });
    expect(snap.config.gateway.auth.token).toBe("__OPENCLAW_REDACTED__");
    expect(snap.config.channels.telegram.botToken).toBe("__OPENCLAW_REDACTED__");
    expect(JSON.stringify(snap)).not.toContain(TEST_TOKEN);
    expect(JSON.stringify(snap)).not.toContain("secret-bot-token-value");
    const schema = (await client.rpc("config.schema")).payload;
    expect(schema.schema.properties.gateway.properties.port.type).toBe("integer");
    client.close();
  });

  test("read-only operators may read the redacted config but not write it", async () => {
    await using gw = await startTestGateway();
    const { client } = await connectClient(gw.url, { scopes: ["operator.read"] });
    const snap = (await client.rpc("config.get")).payload;
    expect(snap.config.gateway.auth.token).toBe("__OPENCLAW_REDACTED__");
    expect((await client.rpc("config.set", { raw: "{}", baseHash: snap.hash })).error.message).toBe("missing scope: operator.admin");
    client.close();
  });
});

describe("writes", () => {
  test("set needs the current base hash; a redacted secret written back keeps its value; a .bak is kept", async () => {
    await using gw = await startTestGateway();
    const { client } = await connectClient(gw.url);
    const path = join(gw.stateDir, "openclaw.json");
    const before = await readFile(path, "utf8");
    const snap = (await client.rpc("config.get")).payload;
    const next = { ...snap.config, logging: { level: "debug" } };
    expect((await client.rpc("config.set", { raw: JSON.stringify(next) })).error.message).toBe("config base hash required; re-run config.get and retry");
    const conflict = (await client.rpc("config.set", { raw: JSON.stringify(next), baseHash: "0".repeat(64) })).error;
    expect(conflict.message).toContain("base hash mismatch");
    expect(conflict.details).toEqual({ reason: "base-hash-mismatch" });
    const res = await client.rpc("config.set", { raw: JSON.stringify(next), baseHash: snap.hash });
    expect(res.payload).toMatchObject({ ok: true, path, config: { logging: { level: "debug" }, gateway: { auth: { token: "__OPENCLAW_REDACTED__" } } } });
    const written = JSON.parse(await readFile(path, "utf8"));
    expect(written.gateway.auth.token).toBe(TEST_TOKEN);
    expect(written.logging.level).toBe("debug");
    expect(await readFile(`${path}.bak`, "utf8")).toBe(before);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    client.close();
  });

  test("patch merges (null deletes), applies in place and schedules one coalesced restart", async () => {
    const restarts: string[] = [];
    await using gw = await startTestGateway({ onRestart: (reason) => restarts.push(reason) });
    const { client } = await connectClient(gw.url);
    let snap = (await client.rpc("config.get")).payload;
    const patched = await client.rpc("config.patch", { raw: '{ logging: { level: "warn" }, gateway: { nodes: { denyCommands: ["system.run"] } } }', baseHash: snap.hash, restartDelayMs: 50, note: "tighten" });
    expect(patched.payload.restart).toMatchObject({ ok: true, signal: "SIGUSR1", mode: "emit", coalesced: false, reason: "config.patch", pid: process.pid });
    expect(patched.payload.sentinel.payload).toMatchObject({ kind: "config.patch", note: "tighten" });
    expect(gw.gateway.services.options.config.gateway?.nodes?.denyCommands).toEqual(["system.run"]);
    snap = (await client.rpc("config.get")).payload;
    const removed = await client.rpc("config.patch", { raw: "{ logging: null }", baseHash: snap.hash, restartDelayMs: 50 });
    expect(removed.payload.restart.coalesced).toBe(true);
    expect(removed.payload.config.logging).toBeUndefined();
    await client.waitFor("the restart", () => (restarts.length > 0 ? true : undefined), 3000);
    // The second patch joined the first restart: nothing is left scheduled that could run again.
    expect(gw.gateway.services.restart.pending).toBe(false);
    expect(restarts).toEqual(["config.patch"]);
    client.close();
  });

  test("an invalid config is refused with its key paths and nothing is written", async () => {
    await using gw = await startTestGateway();
    const { client } = await connectClient(gw.url);
    const path = join(gw.stateDir, "openclaw.json");
    const before = await readFile(path, "utf8");
    const snap = (await client.rpc("config.get")).payload;
    const res = await client.rpc("config.apply", { raw: '{ gateway: { mode: "local", port: "high" } }', baseHash: snap.hash });
    expect(res.error).toEqual({ code: "INVALID_REQUEST", message: "invalid config", details: { issues: ["gateway.port: must be integer"] } });
    const broken = await client.rpc("config.apply", { raw: "{ nope", baseHash: snap.hash });
    expect(broken.error.message).toBe("invalid config");
    expect(await readFile(path, "utf8")).toBe(before);
    client.close();
  });

  test("at most 3 writes per minute per client", async () => {
    await using gw = await startTestGateway();
    const { client } = await connectClient(gw.url);
    for (let i = 0; i < 3; i++) {
      const snap = (await client.rpc("config.get")).payload;
      expect((await client.rpc("config.set", { raw: JSON.stringify({ ...snap.config, meta: { n: i } }), baseHash: snap.hash })).ok).toBe(true);
    }
    const snap = (await client.rpc("config.get")).payload;
    const limited = await client.rpc("config.set", { raw: JSON.stringify(snap.config), baseHash: snap.hash });
    expect(limited.error).toMatchObject({ code: "UNAVAILABLE", retryable: true, details: { method: "config.set", limit: "3 per 60s" } });
    expect(limited.error.message).toMatch(/^rate limit exceeded for config\.set; retry after \d+s$/);
    expect(limited.error.retryAfterMs).toBeGreaterThan(50_000);
    client.close();
  });
});
