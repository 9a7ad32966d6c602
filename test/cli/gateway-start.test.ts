/** `openclaw gateway` as a process: config checks, token generation, ports, profiles, signals. */
import { afterEach, describe, expect, test } from "bun:test";
import { readFile, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { makeTempHome } from "../helpers/gateway.ts";
import { holdPort, runCli, startGatewayProcess, writeConfig, type GatewayProcess } from "../helpers/cli.ts";
import { TestClient, connectClient } from "../helpers/ws-client.ts";

const TOKEN = "cli-test-token-0123456789abcdef";
const homes: string[] = [];
const running: GatewayProcess[] = [];

async function home(): Promise<string> {
  const dir = await makeTempHome();
  homes.push(dir);
  return dir;
}

async function start(args: string[], options: { home: string; env?: Record<string, string> }) {
  const gw = await startGatewayProcess(args, { env: { OPENCLAW_SKIP_CANVAS_HOST: "1", ...options.env }, home: options.home });
  running.push(gw);
  return gw;
}

afterEach(async () => {
  for (const gw of running.splice(0)) await gw.stop("SIGKILL");
  for (const dir of homes.splice(0)) await rm(dir, { recursive: true, force: true });
});

describe("startup checks", () => {
  test("refuses to start without gateway.mode=local and says how to fix it (exit 78)", async () => {
    const h = await home();
    const result = await runCli(["gateway", "--port", "0"], { home: h });
    expect(result.code).toBe(78);
    expect(result.stderr).toContain(`no config at ${join(h, ".openclaw", "openclaw.json")}`);
    expect(result.stderr).toContain("--allow-unconfigured");
  });

  test("a config that does not parse names the file and the position", async () => {
    const h = await home();
    const path = await writeConfig(h, "{ gateway: { mode: 'local',, } }");
    const result = await runCli(["gateway", "--port", "0"], { home: h });
    expect(result.code).toBe(78);
    expect(result.stderr).toContain(`invalid config ${path}: not valid JSON5 at line 1, column 28: Invalid identifier start character`);
  });

  test("a value of the wrong type names the key path", async () => {
    const h = await home();
    await writeConfig(h, { gateway: { mode: "local", port: "eighty", bind: "everywhere" } });
    const result = await runCli(["gateway"], { home: h });
    expect(result.code).toBe(78);
    expect(result.stderr).toContain("gateway.port: must be integer");
    expect(result.stderr).toContain("gateway.bind: must be equal to one of the allowed values (one of: loopback, lan, auto, tailnet, custom)");
  });

  test("unknown keys warn and the gateway still starts", async () => {
    const h = await home();
    await writeConfig(h, { gateway: { mode: "local", auth: { token: TOKEN }, shinyNewKey: 1 }, futureSection: {} });
    const gw = await start(["--port", "0"], { home: h });
    expect(gw.output()).toContain("unknown config key gateway.shinyNewKey (ignored)");
    expect(gw.output()).toContain("unknown config key futureSection (ignored)");
  });

  test("refuses a non-loopback bind without auth, and a well-known default token", async () => {
    const h = await home();
    await writeConfig(h, { gateway: { mode: "local", bind: "lan", auth: { mode: "none" } } });
    const open = await runCli(["gateway", "--port", "0"], { home: h, env: { OPENCLAW_SKIP_CANVAS_HOST: "1" } });
    expect(open.code).toBe(1);
    expect(open.stderr).toContain("refusing to bind gateway to 0.0.0.0:0 without auth");
    await writeConfig(h, { gateway: { mode: "local", auth: { token: "openclaw-changeme" } } });
    const weak = await runCli(["gateway", "--port", "0"], { home: h, env: { OPENCLAW_SKIP_CANVAS_HOST: "1" } });
    expect(weak.code).toBe(1);
    expect(weak.stderr).toContain("well-known default");
  });

  test("a busy port is a clear error naming the port and --force", async () => {
    const h = await home();
    await writeConfig(h, { gateway: { mode: "local", auth: { token: TOKEN } } });
    const first = await start(["--port", "0"], { home: h });
    const second = await runCli(["gateway", "--port", String(first.port)], { home: h, env: { OPENCLAW_SKIP_CANVAS_HOST: "1" } });
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`gateway port ${first.port} is already in use; stop the other process or start with --force`);
  });
});

describe("auth by default", () => {
  test("generates a token, saves it 0600 into the config, and never prints it", async () => {
    const h = await home();
    const gw = await start(["--port", "0", "--allow-unconfigured", "--verbose"], { home: h });
    const path = join(h, ".openclaw", "openclaw.json");
    const saved = JSON.parse(await readFile(path, "utf8"));
    const token: string = saved.gateway.auth.token;
    expect(token).toMatch(/^[0-9a-f]{48}$/);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(gw.output()).toContain(`generated a gateway token and saved it to ${path}`);
    const { res, client } = await connectClient(`ws://127.0.0.1:${gw.port}`, { token });
    expect(res.ok).toBe(true);
    client.close();
    await gw.stop();
    expect(gw.output()).not.toContain(token);
  });

  test("the token from the environment is used and not written to the config", async () => {
    const h = await home();
    const path = await writeConfig(h, { gateway: { mode: "local" } });
    const gw = await start(["--port", "0"], { home: h, env: { OPENCLAW_GATEWAY_TOKEN: TOKEN } });
    const { res, client } = await connectClient(`ws://127.0.0.1:${gw.port}`, { token: TOKEN });
    expect(res.ok).toBe(true);
    client.close();
    expect(await readFile(path, "utf8")).not.toContain(TOKEN);
  });
});

describe("ports and profiles", () => {
  test("port priority: --port > OPENCLAW_GATEWAY_PORT > gateway.port", async () => {
    // One port this test holds, so no fixed port is bound and none can be taken meanwhile: the
    // source that names the held port (the others say 0) wins exactly when the start is refused.
    using held = holdPort();
    const h = await home();
    const refused = async (args: string[], configPort: number, env: Record<string, string>) => {
      await writeConfig(h, { gateway: { mode: "local", port: configPort, auth: { token: TOKEN } } });
      // A start that is not refused runs until killed: a short timeout makes that a quick failure.
      const result = await runCli(["gateway", ...args], { home: h, env: { OPENCLAW_SKIP_CANVAS_HOST: "1", ...env }, timeoutMs: 5000 });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`gateway port ${held.port} is already in use`);
    };
    await refused(["--port", String(held.port)], 0, { OPENCLAW_GATEWAY_PORT: "0" });
    await refused([], 0, { OPENCLAW_GATEWAY_PORT: String(held.port) });
    await refused([], held.port, {});
    // And a winning 0 starts although both losers name the held port.
    const started = await start(["--port", "0"], { home: h, env: { OPENCLAW_GATEWAY_PORT: String(held.port) } });
    expect(started.port).not.toBe(held.port);
  });

  test("--profile isolates state dir, config and workspace; the canvas host starts beside the gateway", async () => {
    const h = await home();
    await writeConfig(h, { gateway: { mode: "local", auth: { token: TOKEN } } }, ".openclaw-work");
    // Port 0: the canvas host then gets an ephemeral port too. Its default of gateway port + 4
    // is resolveOptions' rule, checked without binding anything in test/unit/paths.test.ts.
    const gw = await startGatewayProcess(["--profile", "work", "--port", "0"], { home: h });
    running.push(gw);
    const port = gw.port;
    expect(gw.output()).toContain("profile: work");
    const canvasPort = Number(/canvas host on http:\/\/127\.0\.0\.1:(\d+)\/__openclaw__\/canvas\//.exec(gw.output())?.[1]);
    expect(canvasPort).toBeGreaterThan(0);
    expect(canvasPort).not.toBe(port);
    expect((await stat(join(h, ".openclaw-work", "gateway.sqlite"))).isFile()).toBe(true);
    expect((await stat(join(h, ".openclaw", "workspace-work", "canvas"))).isDirectory()).toBe(true);
    const { hello, client } = await connectClient(`ws://127.0.0.1:${port}`, { token: TOKEN });
    expect(hello.snapshot.stateDir).toBe(join(h, ".openclaw-work"));
    expect(hello.snapshot.configPath).toBe(join(h, ".openclaw-work", "openclaw.json"));
    client.close();
  });

  test("--dev uses ~/.openclaw-dev and port 19001", async () => {
    const h = await home();
    await writeConfig(h, { gateway: { mode: "local", auth: { token: TOKEN } } }, ".openclaw-dev");
    // Started on an ephemeral port (the environment overrides only the port), so 19001 is not bound.
    const gw = await start(["--dev"], { home: h, env: { OPENCLAW_GATEWAY_PORT: "0" } });
    expect(gw.output()).toContain("profile: dev");
    const { hello, client } = await connectClient(`ws://127.0.0.1:${gw.port}`, { token: TOKEN });
    expect(hello.snapshot.stateDir).toBe(join(h, ".openclaw-dev"));
    client.close();
    // The default port without binding it: on an address no interface has (TEST-NET-1), the
    // listen fails and the error names the port the dev profile chose.
    await writeConfig(h, { gateway: { mode: "local", bind: "custom", customBindHost: "192.0.2.1", auth: { token: TOKEN } } }, ".openclaw-dev");
    const unbindable = await runCli(["gateway", "--dev"], { home: h, env: { OPENCLAW_SKIP_CANVAS_HOST: "1" } });
    expect(unbindable.code).not.toBe(0);
    expect(unbindable.stderr).toMatch(/\bport 19001\b/);
  });
});

describe("signals", () => {
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    test(`${signal} announces shutdown, closes clients with 1012 and exits 0`, async () => {
      const h = await home();
      await writeConfig(h, { gateway: { mode: "local", auth: { token: TOKEN } } });
      const gw = await start(["--port", "0"], { home: h });
      const { client } = await connectClient(`ws://127.0.0.1:${gw.port}`, { token: TOKEN });
      const code = await gw.stop(signal);
      expect(code).toBe(0);
      const shutdown = await client.nextEvent("shutdown");
      expect(shutdown.payload).toEqual({ reason: "gateway stopping", restartExpectedMs: null });
      expect(await client.closed()).toEqual({ code: 1012, reason: "service restart" });
    });
  }

  test("--force stops the process holding the port, says so, and starts", async () => {
    const h = await home();
    await writeConfig(h, { gateway: { mode: "local", auth: { token: TOKEN } } });
    const squatter = await start(["--port", "0"], { home: h });
    const gw = await start(["--port", String(squatter.port), "--force"], { home: h });
    expect(gw.port).toBe(squatter.port);
    expect(gw.output()).toContain(`--force: sent SIGTERM to pid ${squatter.proc.pid}`);
    expect(await squatter.proc.exited).toBe(0);
    const client = await TestClient.open(`ws://127.0.0.1:${gw.port}`);
    expect((await client.challenge()).payload.nonce).toBeString();
    client.close();
  });
  test.if(process.platform === "linux")("--force without lsof still finds the holder on Linux, through /proc", async () => {
    const h = await home();
    await writeConfig(h, { gateway: { mode: "local", auth: { token: TOKEN } } });
    const squatter = await start(["--port", "0"], { home: h });
    const gw = await start(["--port", String(squatter.port), "--force"], { home: h, env: { PATH: "/nonexistent" } });
    expect(gw.port).toBe(squatter.port);
    expect(gw.output()).toContain(`--force: sent SIGTERM to pid ${squatter.proc.pid}`);
    expect(await squatter.proc.exited).toBe(0);
  });
  test.if(process.platform === "darwin")("--force without lsof fails fast and says why", async () => {
    const h = await home();
    await writeConfig(h, { gateway: { mode: "local", auth: { token: TOKEN } } });
    using held = holdPort();
    const port = held.port;
    const result = await runCli(["gateway", "--port", String(port), "--force"], { home: h, env: { PATH: "/nonexistent", OPENCLAW_SKIP_CANVAS_HOST: "1" } });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`--force needs lsof, which is not installed; stop the process on port ${port} yourself`);
  });
});

describe("file log", () => {
  test("writes JSON lines to logging.file without secrets", async () => {
    const h = await home();
    const logFile = join(h, "logs", "gateway.jsonl");
    await writeConfig(h, { gateway: { mode: "local", auth: { token: TOKEN } }, logging: { file: logFile } });
    const gw = await start(["--port", "0", "--verbose"], { home: h });
    const bad = await connectClient(`ws://127.0.0.1:${gw.port}`, { token: "wrong-token-value-xyz" });
    expect(bad.res.ok).toBe(false);
    await gw.stop();
    const lines = (await readFile(logFile, "utf8")).trim().split("\n").map((line) => JSON.parse(line));
    expect(lines.length).toBeGreaterThan(3);
    for (const line of lines) expect(Object.keys(line).sort()).toEqual(["level", "message", "subsystem", "time"]);
    expect(lines.some((l) => l.message.startsWith("listening on ws://127.0.0.1:"))).toBe(true);
    const text = await readFile(logFile, "utf8");
    expect(text).not.toContain(TOKEN);
  });
});
