/** In-process restarts of a real gateway process (same pid, same port), and two profiles side by side. */
import { afterEach, describe, expect, test } from "bun:test";
import { readFile, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { makeTempHome } from "../helpers/gateway.ts";
import { runCli, startGatewayProcess, writeConfig, type GatewayProcess } from "../helpers/cli.ts";
import { connectClient } from "../helpers/ws-client.ts";

const TOKEN = "restart-test-token-0123456789ab";
const homes: string[] = [];
const running: GatewayProcess[] = [];

async function start(config: Record<string, unknown>, args: string[] = ["--port", "0"], dir = ".openclaw") {
  const home = await makeTempHome();
  homes.push(home);
  await writeConfig(home, { gateway: { mode: "local", auth: { token: TOKEN }, reload: { debounceMs: 20 } }, ...config }, dir);
  const gw = await startGatewayProcess(args, { home, env: { OPENCLAW_SKIP_CANVAS_HOST: "1" } });
  running.push(gw);
  return { gw, home };
}

afterEach(async () => {
  for (const gw of running.splice(0)) await gw.stop("SIGKILL");
  for (const dir of homes.splice(0)) await rm(dir, { recursive: true, force: true });
});

describe("SIGUSR1", () => {
  test("with commands.restart: clients are told, the port is bound again, the pid stays", async () => {
    const { gw } = await start({ commands: { restart: true } });
    const { client } = await connectClient(`ws://127.0.0.1:${gw.port}`, { token: TOKEN });
    gw.proc.kill("SIGUSR1");
    expect((await client.nextEvent("shutdown")).payload).toEqual({ reason: "gateway restarting", restartExpectedMs: 1500 });
    expect(await client.closed()).toEqual({ code: 1012, reason: "service restart" });
    await gw.waitForOutput(/listening on/, 2);
    expect(gw.output()).toContain("restarting in-process (SIGUSR1)");
    const again = await connectClient(`ws://127.0.0.1:${gw.port}`, { token: TOKEN });
    expect(again.res.ok).toBe(true);
    expect((await again.client.rpc("status")).payload.gateway.pid).toBe(gw.proc.pid);
    expect(gw.proc.exitCode).toBeNull();
    again.client.close();
  });

  test("without commands.restart it is logged and ignored", async () => {
    const { gw } = await start({});
    const { client } = await connectClient(`ws://127.0.0.1:${gw.port}`, { token: TOKEN });
    gw.proc.kill("SIGUSR1");
    await gw.waitForOutput(/SIGUSR1 ignored/);
    expect((await client.rpc("health")).ok).toBe(true);
    expect(client.isClosed).toBe(false);
    client.close();
  });
});

test("a config edit that needs a restart restarts the process in place with the new config", async () => {
  const { gw, home } = await start({});
  const path = join(home, ".openclaw", "openclaw.json");
  const edited = JSON.parse(await readFile(path, "utf8"));
  edited.gateway.auth.token = "after-restart-token-0123456789";
  edited.gateway.trustedProxies = ["10.0.0.1"];
  await writeFile(path, JSON.stringify(edited));
  await gw.waitForOutput(/listening on/, 2);
  expect(gw.output()).toContain("restarting in-process (config change: gateway.auth.token, gateway.trustedProxies)");
  expect((await connectClient(`ws://127.0.0.1:${gw.port}`, { token: "after-restart-token-0123456789" })).res.ok).toBe(true);
  expect(gw.proc.exitCode).toBeNull();
});

test("two profiles run side by side without touching each other's files, ports or logs", async () => {
  const home = await makeTempHome();
  homes.push(home);
  for (const [profile, token] of [["alpha", "alpha-token-0123456789abcdef"], ["beta", "beta-token-0123456789abcdef"]]) {
    await writeConfig(home, { gateway: { mode: "local", auth: { token } } }, `.openclaw-${profile}`);
  }
  const a = await startGatewayProcess(["--profile", "alpha", "--port", "0"], { home, env: { OPENCLAW_SKIP_CANVAS_HOST: "1" } });
  running.push(a);
  const b = await startGatewayProcess(["--profile", "beta", "--port", "0"], { home, env: { OPENCLAW_SKIP_CANVAS_HOST: "1" } });
  running.push(b);
  const [portA, portB] = [a.port, b.port];
  expect(portA).not.toBe(portB);
  // Printed before the listening line startGatewayProcess waited for.
  const logOf = (gw: GatewayProcess) => /log file (\S+)/.exec(gw.output())?.[1];
  expect(logOf(a)).toContain("openclaw-alpha-");
  expect(logOf(b)).toContain("openclaw-beta-");
  for (const [profile, port, token] of [["alpha", portA, "alpha-token-0123456789abcdef"], ["beta", portB, "beta-token-0123456789abcdef"]] as const) {
    const { hello, client } = await connectClient(`ws://127.0.0.1:${port}`, { token });
    expect(hello.snapshot.stateDir).toBe(join(home, `.openclaw-${profile}`));
    client.close();
    expect((await stat(join(home, `.openclaw-${profile}`, "gateway.sqlite"))).isFile()).toBe(true);
    const health = await runCli(["--profile", profile, "gateway", "call", "health", "--url", `ws://127.0.0.1:${port}`], { home });
    expect(health.code).toBe(0);
  }
  // One profile's token does not open the other.
  expect((await connectClient(`ws://127.0.0.1:${portB}`, { token: "alpha-token-0123456789abcdef", device: null })).res.ok).toBe(false);
});
