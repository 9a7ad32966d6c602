/**
 * `node.invoke` end to end: a real gateway, the real node host (in this process, over real
 * sockets) and an operator client. Also the node host's own rules, called directly: allowlist
 * matching, parameter checks, output caps.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DeviceIdentity } from "../../src/client/device-identity.ts";
import { createLogging } from "../../src/log/logger.ts";
import { Redactor } from "../../src/log/redact.ts";
import { AllowlistError, loadAllowlist } from "../../src/node-host/allowlist.ts";
import { NodeCommandError } from "../../src/node-host/command-error.ts";
import { startNodeHost, type NodeHost, type NodeHostState } from "../../src/node-host/node-host.ts";
import { systemRun } from "../../src/node-host/system-run.ts";
import { Condition, eventually } from "../helpers/condition.ts";
import { startTestGateway, TEST_TOKEN, type TestGateway } from "../helpers/gateway.ts";
import { connectClient, type TestClient } from "../helpers/ws-client.ts";

const PATH = process.env.PATH ?? "/usr/bin:/bin";
const ECHO = Bun.which("echo", { PATH })!;
const CAT = Bun.which("cat", { PATH })!;

let gw: TestGateway;
let dir: string;
let allowlistPath: string;
let host: NodeHost;
let operator: TestClient;
const states: NodeHostState[] = [];
const stateChanged = new Condition();
const logLines: string[] = [];

async function startHost(allowlist: string, extra: { url?: string } = {}): Promise<NodeHost> {
  const logging = createLogging({ consoleLevel: "trace", fileLevel: "trace", file: null, redactor: new Redactor(), stdout: (l) => logLines.push(l), stderr: (l) => logLines.push(l) });
  return startNodeHost({
    url: extra.url ?? gw.url,
    token: TEST_TOKEN,
    identity: await DeviceIdentity.load(join(dir, "node-state")),
    allowlistPath: allowlist,
    displayName: "test node",
    env: { PATH },
    log: logging.root.withTag("node"),
    initialBackoffMs: 20,
    maxBackoffMs: 200,
    onStateChange: (state) => {
      states.push(state);
      stateChanged.wake();
    },
  });
}

/** Waits until the host has reached `state` `count` times in total. */
function reached(state: NodeHostState, count = 1): Promise<true> {
  return stateChanged.waitFor(`node host ${state} ×${count}`, () => (states.filter((s) => s === state).length >= count ? true : undefined), 5000, () => `; states: ${states.join(",")}; log: ${logLines.slice(-5).join(" | ")}`);
}

function invoke(command: string, params: unknown, extra: Record<string, unknown> = {}) {
  return operator.rpc("node.invoke", { nodeId: host.nodeId, command, params, idempotencyKey: crypto.randomUUID(), ...extra }, 10_000);
}

/** The whole success frame the operator gets for a node payload. */
function okFrame(id: string, command: string, payload: unknown) {
  return { type: "res", id, ok: true, payload: { ok: true, nodeId: host.nodeId, command, payload, payloadJSON: JSON.stringify(payload) } };
}

const ran = (stdout: string, rest: Record<string, unknown> = {}) => ({
  exitCode: 0, signal: null, stdout, stderr: "", timedOut: false, stdoutTruncated: false, stderrTruncated: false, ...rest,
});

beforeAll(async () => {
  gw = await startTestGateway();
  dir = await mkdtemp(join(tmpdir(), "openclaw-node-"));
  allowlistPath = join(dir, "allowlist.json");
  await writeFile(allowlistPath, JSON.stringify({ commands: ["echo", "sleep"] }));
  host = await startHost(allowlistPath);
  await reached("connected");
  operator = (await connectClient(gw.url)).client;
});

afterAll(async () => {
  operator?.close();
  await host?.stop();
  await gw?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe("node.invoke through the gateway", () => {
  test("the node is listed with its caps and commands", async () => {
    const res = await operator.rpc("node.list", {});
    expect(res.ok).toBe(true);
    const node = res.payload.nodes.find((n: { nodeId: string }) => n.nodeId === host.nodeId);
    expect(node).toMatchObject({ nodeId: host.nodeId, displayName: "test node", caps: ["system"], commands: ["system.run", "system.which"], connected: true });
  });

  test("system.which resolves on the node's PATH", async () => {
    const res = await invoke("system.which", { bins: ["echo", "no-such-binary-4711"] });
    expect(res).toEqual(okFrame(res.id, "system.which", { bins: { echo: ECHO, "no-such-binary-4711": null } }));
  });

  test("system.run of an allowed command returns its output", async () => {
    const res = await invoke("system.run", { command: ["echo", "hello"] });
    expect(res).toEqual(okFrame(res.id, "system.run", ran("hello\n")));
  });

  test("cwd and env reach the child", async () => {
    await writeFile(allowlistPath, JSON.stringify({ commands: ["echo", "sleep", "pwd", Bun.which("printenv", { PATH })!] }));
    const res = await invoke("system.run", { command: ["printenv", "GREETING"], env: { GREETING: "hi" } });
    expect(res.payload?.payload).toEqual(ran("hi\n"));
    const cwd = await invoke("system.run", { command: ["pwd"], cwd: dir });
    expect(cwd.payload?.payload?.stdout.trim()).toBe(dir);
  });

  test("a command outside the node's allowlist is refused, and the operator sees the node's reason", async () => {
    const res = await invoke("system.run", { command: ["cat", "/etc/passwd"] });
    const message = `system.run refused: "cat" (${CAT}) is not in the node's allowlist ${allowlistPath}`;
    expect(res).toEqual({ type: "res", id: res.id, ok: false, error: { code: "UNAVAILABLE", message, details: { nodeError: { code: "NOT_ALLOWED", message } } } });
  });

  test("bad params come back as INVALID_PARAMS", async () => {
    const res = await invoke("system.run", { command: "echo hello" });
    expect(res.error).toMatchObject({ code: "UNAVAILABLE", details: { nodeError: { code: "INVALID_PARAMS" } } });
    expect(res.error.details.nodeError.message).toContain("there is no shell");
  });

  test("a command past its timeout is killed and reported as timed out", async () => {
    const started = Date.now();
    const res = await invoke("system.run", { command: ["sleep", "5"], timeoutMs: 200 });
    expect(res.payload?.payload).toEqual(ran("", { exitCode: null, signal: "SIGKILL", timedOut: true }));
    expect(Date.now() - started).toBeLessThan(3000);
  });

  test("the node reconnects after the gateway drops its socket, and serves again", async () => {
    const connectedBefore = states.filter((s) => s === "connected").length;
    const nodeSockets = [...gw.gateway.services.connections.authenticated()].filter((c) => c.session?.role === "node");
    expect(nodeSockets.length).toBe(1);
    nodeSockets[0]!.close(1012, "service restart");
    await reached("disconnected");
    await reached("connected", connectedBefore + 1);
    expect(logLines.some((l) => l.includes(`node disconnected from ${gw.url} (1012 service restart); reconnecting`))).toBe(true);
    const res = await invoke("system.run", { command: ["echo", "again"] });
    expect(res).toEqual(okFrame(res.id, "system.run", ran("again\n")));
  });
});

describe("node host rules (called directly)", () => {
  const context = (extra: Partial<Parameters<typeof systemRun>[1]> = {}) => ({ allowlistPath, env: { PATH }, signal: new AbortController().signal, ...extra });
  const refusedWith = async (promise: Promise<unknown>, code: string) => {
    const error = await promise.then(() => null, (e) => e);
    expect(error).toBeInstanceOf(NodeCommandError);
    expect(error.code).toBe(code);
    return error as NodeCommandError;
  };

  test("a missing allowlist allows nothing; an invalid one is an error naming the file", async () => {
    const missing = join(dir, "missing.json");
    expect(await loadAllowlist(missing)).toEqual({ path: missing, exists: false, entries: [] });
    const error = await refusedWith(systemRun({ command: ["echo", "x"] }, context({ allowlistPath: missing })), "NOT_ALLOWED");
    expect(error.message).toContain(`is not in the node's allowlist ${missing} (the file does not exist, so nothing is allowed)`);
    const invalid = join(dir, "invalid.json");
    await writeFile(invalid, "{commands: [echo]");
    await expect(loadAllowlist(invalid)).rejects.toThrow(new AllowlistError(`invalid allowlist ${invalid}: not valid JSON`).message);
    await writeFile(invalid, JSON.stringify({ commands: ["./relative/echo"] }));
    await expect(loadAllowlist(invalid)).rejects.toThrow("must be an absolute path or a bare name");
    await expect(startHost(invalid)).rejects.toBeInstanceOf(AllowlistError);
  });

  test("a bare entry only matches the program it resolves to on the node's PATH", async () => {
    // A look-alike `echo` in a directory the caller picks is not the allowed `echo`.
    const fake = join(dir, "echo");
    await writeFile(fake, "#!/bin/sh\necho pwned\n", { mode: 0o755 });
    const error = await refusedWith(systemRun({ command: ["./echo"], cwd: dir }, context()), "NOT_ALLOWED");
    expect(error.message).toContain(`"./echo" (${fake})`);
    // The caller's env.PATH reaches the child but does not change which program runs.
    expect(await systemRun({ command: ["echo", "real"], env: { PATH: `${dir}:${PATH}` } }, context())).toEqual(ran("real\n"));
    // An absolute entry must equal the resolved path.
    await writeFile(join(dir, "abs.json"), JSON.stringify({ commands: [ECHO] }));
    expect(await systemRun({ command: [ECHO, "abs"] }, context({ allowlistPath: join(dir, "abs.json") }))).toEqual(ran("abs\n"));
    expect(await systemRun({ command: ["echo", "bare"] }, context({ allowlistPath: join(dir, "abs.json") }))).toEqual(ran("bare\n"));
  });

  test("env that changes what a program runs is refused; params are checked", async () => {
    await refusedWith(systemRun({ command: ["echo"], env: { LD_PRELOAD: "/tmp/x.so" } }, context()), "NOT_ALLOWED");
    await refusedWith(systemRun({ command: [] }, context()), "INVALID_PARAMS");
    await refusedWith(systemRun({ command: ["echo"], timeoutMs: 0 }, context()), "INVALID_PARAMS");
    await refusedWith(systemRun({ command: ["echo"], cwd: join(dir, "nope") }, context()), "INVALID_PARAMS");
    await refusedWith(systemRun({ command: ["echo"], env: { A: 1 } }, context()), "INVALID_PARAMS");
  });

  test("output beyond the cap is dropped and flagged", async () => {
    const result = await systemRun({ command: ["echo", "0123456789"] }, context({ maxOutputBytes: 4 }));
    expect(result).toEqual(ran("0123", { stdoutTruncated: true }));
  });

  test("stopping kills a running command", async () => {
    // The command says it is running by creating a file, then becomes `sleep 5`: stopping only
    // once the file is there proves a running child is killed (not one refused before the start).
    const started = join(dir, "started");
    await writeFile(join(dir, "sh.json"), JSON.stringify({ commands: ["sh"] }));
    const stop = new AbortController();
    const running = systemRun({ command: ["sh", "-c", `: > '${started}' && exec sleep 5`] }, context({ allowlistPath: join(dir, "sh.json"), signal: stop.signal }));
    await eventually("the command to start", async () => ((await Bun.file(started).exists()) ? true : undefined));
    const stoppedAt = Date.now();
    stop.abort();
    expect(await running).toEqual(ran("", { exitCode: null, signal: "SIGKILL" }));
    expect(Date.now() - stoppedAt).toBeLessThan(3000);
  });
});
