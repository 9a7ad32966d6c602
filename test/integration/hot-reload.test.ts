/** Editing the config of a running gateway: token rotation in place, bad edits kept out, modes, editors. */
import { describe, expect, test } from "bun:test";
import { rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { eventually } from "../helpers/condition.ts";
import { TEST_TOKEN, startTestGateway, type TestGateway } from "../helpers/gateway.ts";
import { connectClient } from "../helpers/ws-client.ts";

const NEW_TOKEN = "rotated-token-abcdef0123456789";
const config = (token: string, extra: Record<string, unknown> = {}, reload: Record<string, unknown> = { debounceMs: 20 }) =>
  JSON.stringify({ gateway: { mode: "local", auth: { token }, reload }, ...extra }, null, 2);
const configPath = (gw: TestGateway) => join(gw.stateDir, "openclaw.json");
const fast = { config: { gateway: { reload: { debounceMs: 20 } } } };
const currentToken = (gw: TestGateway) => gw.gateway.services.auth.current.token;

describe("hybrid (default)", () => {
  test("a token rotation applies to new connections at once, without a restart, and open sockets stay", async () => {
    const restarts: string[] = [];
    await using gw = await startTestGateway({ ...fast, onRestart: (r) => restarts.push(r) });
    const { client: open } = await connectClient(gw.url);
    await writeFile(configPath(gw), config(NEW_TOKEN));
    await eventually("the new token", () => (currentToken(gw) === NEW_TOKEN ? true : undefined));
    expect((await connectClient(gw.url, { token: TEST_TOKEN, device: null })).res.error.message).toStartWith("unauthorized: gateway token mismatch");
    expect((await connectClient(gw.url, { token: NEW_TOKEN })).res.ok).toBe(true);
    expect((await open.rpc("status")).ok).toBe(true);
    expect(restarts).toEqual([]);
    expect(gw.logLines.some((l) => l.includes("config reloaded (gateway.auth.token)"))).toBe(true);
    expect(gw.logLines.join("\n")).not.toContain(NEW_TOKEN);
    open.close();
  });

  test("an edit that does not parse or validate is logged with its key path and the running config stays; fixing it applies", async () => {
    await using gw = await startTestGateway(fast);
    await writeFile(configPath(gw), "{ gateway: { mode: 'local', port: 'high', auth: { token: 'x' } } }");
    await eventually("the refusal", () => (gw.logLines.some((l) => l.includes("config change ignored") && l.includes("gateway.port: must be integer")) ? true : undefined));
    expect(currentToken(gw)).toBe(TEST_TOKEN);
    await writeFile(configPath(gw), "{ gateway: { mode: 'local', auth: { token: 'x'  ");
    await eventually("the parse error", () => (gw.logLines.some((l) => l.includes("not valid JSON5")) ? true : undefined));
    expect(currentToken(gw)).toBe(TEST_TOKEN);
    await writeFile(configPath(gw), config(NEW_TOKEN));
    await eventually("the fix to apply", () => (currentToken(gw) === NEW_TOKEN ? true : undefined));
  });

  test("a change that needs a restart restarts in-process", async () => {
    const restarts: string[] = [];
    await using gw = await startTestGateway({ ...fast, onRestart: (r) => restarts.push(r) });
    await writeFile(configPath(gw), config(TEST_TOKEN, { canvasHost: { enabled: false } }));
    await eventually("the restart", () => (restarts.length > 0 ? true : undefined));
    expect(restarts).toEqual(["config change: canvasHost.enabled"]);
  });

  test("editors that replace the file by rename, and delete-then-create, are followed", async () => {
    await using gw = await startTestGateway(fast);
    const temp = join(gw.stateDir, ".openclaw.json.swp");
    await writeFile(temp, config(NEW_TOKEN));
    await rename(temp, configPath(gw));
    await eventually("the renamed file", () => (currentToken(gw) === NEW_TOKEN ? true : undefined));
    await rm(configPath(gw));
    await Bun.sleep(60);
    expect(currentToken(gw)).toBe(NEW_TOKEN);
    await writeFile(configPath(gw), config("third-token-0123456789abcdef"));
    await eventually("the recreated file", () => (currentToken(gw) === "third-token-0123456789abcdef" ? true : undefined));
  });

  test("bursts of writes are debounced into one reload", async () => {
    await using gw = await startTestGateway({ config: { gateway: { reload: { debounceMs: 150 } } } });
    for (let i = 0; i < 5; i++) await writeFile(configPath(gw), config(`burst-token-${i}-0123456789abcdef`, {}, { debounceMs: 150 }));
    await eventually("the last write", () => (currentToken(gw) === "burst-token-4-0123456789abcdef" ? true : undefined));
    await Bun.sleep(200);
    expect(gw.logLines.filter((l) => l.includes("config reloaded")).length).toBe(1);
  });
});

describe("other modes", () => {
  test("hot: safe changes apply, restart-class ones only warn", async () => {
    const restarts: string[] = [];
    const reload = { mode: "hot", debounceMs: 20 };
    await using gw = await startTestGateway({ config: { gateway: { reload } }, onRestart: (r) => restarts.push(r) });
    await writeFile(configPath(gw), config(NEW_TOKEN, { canvasHost: { enabled: false } }, reload));
    await eventually("the new token", () => (currentToken(gw) === NEW_TOKEN ? true : undefined));
    expect(gw.logLines.some((l) => l.includes("apply after a restart") && l.includes("canvasHost.enabled"))).toBe(true);
    expect(restarts).toEqual([]);
  });

  test("restart: any change restarts", async () => {
    const restarts: string[] = [];
    const reload = { mode: "restart", debounceMs: 20 };
    await using gw = await startTestGateway({ config: { gateway: { reload } }, onRestart: (r) => restarts.push(r) });
    await writeFile(configPath(gw), config(TEST_TOKEN, { logging: { level: "debug" } }, reload));
    await eventually("the restart", () => (restarts.length > 0 ? true : undefined));
  });

  test("off: edits are not watched at all", async () => {
    const reload = { mode: "off", debounceMs: 20 };
    await using gw = await startTestGateway({ config: { gateway: { reload } } });
    await writeFile(configPath(gw), config(NEW_TOKEN, {}, reload));
    await Bun.sleep(200);
    expect(currentToken(gw)).toBe(TEST_TOKEN);
  });
});
