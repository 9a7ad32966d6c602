/** CLI helpers against a running gateway: call, health, status; and their one-line errors. */
import { afterAll, describe, expect, test } from "bun:test";
import { readFile, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { VERSION } from "../../src/version.ts";
import { TEST_TOKEN, makeTempHome, startTestGateway } from "../helpers/gateway.ts";
import { runCli, UNREACHABLE_URL } from "../helpers/cli.ts";

const homes: string[] = [];
async function home(): Promise<string> {
  const dir = await makeTempHome();
  homes.push(dir);
  return dir;
}
afterAll(async () => {
  for (const dir of homes) await rm(dir, { recursive: true, force: true });
});

describe("openclaw basics", () => {
  test("--version prints the version", async () => {
    const result = await runCli(["--version"], { home: await home() });
    // From source: no commit/date/target compiled in (a release binary: test/release/release-build.test.ts).
    expect(result).toEqual({ code: 0, stdout: `openclaw ${VERSION} (source)\n`, stderr: "" });
    const json = await runCli(["--version", "--json"], { home: await home() });
    expect(JSON.parse(json.stdout)).toEqual({ version: VERSION, commit: "unknown", date: "unknown", target: "source" });
  });

  for (const args of [["--help"], ["gateway", "--help"], ["gateway", "call", "--help"], ["gateway", "health", "--help"], ["gateway", "status", "--help"], ["health", "--help"], ["status", "--help"], ["gateway", "run", "--help"]]) {
    test(`${args.join(" ")} prints usage`, async () => {
      const result = await runCli(args, { home: await home() });
      expect(result.code).toBe(0);
      expect(result.stdout).toContain("USAGE");
    });
  }

  test("an unknown command is an error with exit 2", async () => {
    const result = await runCli(["frobnicate"], { home: await home() });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("Unknown command frobnicate");
  });
});

describe("gateway call / health / status", () => {
  test("gateway call health --json prints the health summary, using the token from the config", async () => {
    await using gw = await startTestGateway();
    const result = await runCli(["gateway", "call", "health", "--url", gw.url, "--json"], { home: gw.home });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const health = JSON.parse(result.stdout);
    expect(health.ok).toBe(true);
    expect(health.defaultAgentId).toBe("main");
    // The CLI signs in with a device identity kept in the state dir, mode 0600.
    const identity = join(gw.stateDir, "identity", "device.json");
    expect((await stat(identity)).mode & 0o777).toBe(0o600);
    const deviceId = JSON.parse(await readFile(identity, "utf8")).deviceId;
    expect(gw.gateway.services.devices.get(deviceId)?.scopes).toEqual(["operator.admin", "operator.approvals", "operator.pairing"]);
  });

  test("gateway call passes --params and prints the payload", async () => {
    await using gw = await startTestGateway();
    const result = await runCli(["gateway", "call", "system-event", "--params", '{"text":"hello from cli"}', "--url", gw.url], { home: gw.home });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ ok: true });
    expect(gw.gateway.services.systemEvents).toEqual(["hello from cli"]);
  });

  test("health and status print human summaries", async () => {
    await using gw = await startTestGateway();
    const health = await runCli(["health", "--url", gw.url], { home: gw.home });
    expect(health.code).toBe(0);
    expect(health.stdout).toContain(`Gateway healthy at ${gw.url}`);
    expect(health.stdout).toContain("Channels: none configured");
    const status = await runCli(["gateway", "status", "--url", gw.url], { home: gw.home });
    expect(status.code).toBe(0);
    expect(status.stdout).toContain(`pid ${process.pid} · ws://127.0.0.1:${gw.port}`);
    const json = await runCli(["status", "--json", "--url", gw.url], { home: gw.home });
    expect(JSON.parse(json.stdout).sessions.count).toBe(0);
  });

  test("errors are one line with a non-zero exit", async () => {
    await using gw = await startTestGateway();
    const unknown = await runCli(["gateway", "call", "nope", "--url", gw.url], { home: gw.home });
    expect(unknown).toEqual({ code: 1, stdout: "", stderr: "error: nope failed: unknown method: nope\n" });

    const badParams = await runCli(["gateway", "call", "health", "--params", "{oops", "--url", gw.url], { home: gw.home });
    expect(badParams).toEqual({ code: 1, stdout: "", stderr: "error: --params is not valid JSON: {oops\n" });

    const wrongToken = await runCli(["gateway", "health", "--url", gw.url, "--token", "not-the-token-at-all"], { home: gw.home });
    expect(wrongToken.code).toBe(1);
    expect(wrongToken.stderr).toBe(
      "error: gateway refused the connection: unauthorized: gateway token mismatch (use this gateway's gateway.auth.token or pair the device)\n",
    );
    expect(gw.logLines.join("\n")).not.toContain(TEST_TOKEN);
  });

  test("no gateway listening: one clear line, exit 1", async () => {
    const result = await runCli(["gateway", "health", "--url", UNREACHABLE_URL], { home: await home() });
    expect(result).toEqual({
      code: 1,
      stdout: "",
      stderr: `error: gateway not reachable at ${UNREACHABLE_URL} (is it running? start it with: openclaw gateway)\n`,
    });
  });

  test("a stored device token is used when no shared token is available", async () => {
    await using gw = await startTestGateway();
    const first = await runCli(["gateway", "call", "health", "--url", gw.url], { home: gw.home });
    expect(first.code).toBe(0);
    const stored = JSON.parse(await readFile(join(gw.stateDir, "identity", "device-auth.json"), "utf8"));
    expect(stored.tokens.operator.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // Remove the shared token from what the CLI can see: it falls back to the device token.
    const result = await runCli(["gateway", "call", "status", "--url", gw.url], {
      home: gw.home,
      env: { OPENCLAW_CONFIG_PATH: join(gw.home, "no-such-config.json"), OPENCLAW_STATE_DIR: gw.stateDir },
    });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
  });
});
