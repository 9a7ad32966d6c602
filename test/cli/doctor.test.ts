/**
 * `openclaw doctor` as the real CLI: legacy homes and their migration, permissions, auth,
 * `--json`, port conflicts against a plain server and a real gateway, and `--import` of a
 * reference state dir whose device token a gateway then accepts.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { chmod, cp, mkdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { base64UrlEncode } from "../../src/crypto/ed25519.ts";
import { openStore } from "../../src/store/database.ts";
import { DeviceStore } from "../../src/store/devices.ts";
import { WhatsAppAuthStore } from "../../src/store/whatsapp-auth.ts";
import { makeTempHome } from "../helpers/gateway.ts";
import { runCli, startGatewayProcess, type GatewayProcess } from "../helpers/cli.ts";
import { connectClient, generateDeviceKeyPair } from "../helpers/ws-client.ts";

const TOKEN = "doctor-test-token-0123456789abcdef";
const homes: string[] = [];
const cleanups: (() => unknown)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
  for (const dir of homes.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function home(): Promise<string> {
  homes.push(await makeTempHome());
  return homes.at(-1)!;
}

/** Doctor without the canvas port check, so only the port a test picked matters. */
const doctor = (h: string, args: string[] = [], env: Record<string, string> = {}) =>
  runCli(["doctor", ...args], { home: h, env: { OPENCLAW_SKIP_CANVAS_HOST: "1", ...env } });

interface Report {
  ok: boolean;
  checks: { id: string; status: "ok" | "warn" | "error"; message: string; fix?: string }[];
  fixed: { id: string; message: string }[];
}

async function doctorJson(h: string, args: string[] = [], env: Record<string, string> = {}): Promise<Report & { code: number }> {
  const result = await doctor(h, ["--json", ...args], env);
  expect(result.stderr).toBe("");
  return { ...(JSON.parse(result.stdout) as Report), code: result.code };
}

const notOk = (report: Report) => report.checks.filter((c) => c.status !== "ok");
const mode = async (path: string) => (await stat(path)).mode & 0o777;

/**
 * A private state dir with a valid config on port 0 (ephemeral: nothing for the port check to
 * probe, so no other process can make it fail); `gateway.port` in `config` replaces it.
 */
async function configuredHome(config: Record<string, unknown> = {}, dir = ".openclaw"): Promise<{ h: string; stateDir: string; configPath: string; port: number }> {
  const h = await home();
  const port = 0;
  const stateDir = join(h, dir);
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  const configPath = join(stateDir, "openclaw.json");
  const gateway = { mode: "local", port, auth: { token: TOKEN }, ...(config.gateway as object) };
  await writeFile(configPath, JSON.stringify({ ...config, gateway }, null, 2), { mode: 0o600 });
  return { h, stateDir, configPath, port };
}

describe("legacy names", () => {
  async function legacyHome() {
    const h = await home();
    const legacy = join(h, ".clawdbot");
    await mkdir(legacy, { mode: 0o700 });
    const text = `{\n  // from the clawdbot days\n  gateway: { mode: "local", port: 0, auth: { token: "${TOKEN}" } },\n}\n`;
    await writeFile(join(legacy, "clawdbot.json"), text, { mode: 0o600 });
    return { h, legacy, text };
  }

  test("the report lists the legacy dir, config name and env var", async () => {
    const { h, legacy } = await legacyHome();
    const result = await doctor(h, [], { CLAWDBOT_GATEWAY_TOKEN: "legacy-env-token-0123456789" });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`warn   the state dir is the legacy ${legacy}`);
    expect(result.stdout).toContain(`the config file ${join(legacy, "clawdbot.json")} has a legacy name`);
    expect(result.stdout).toContain("legacy environment variable CLAWDBOT_GATEWAY_TOKEN is set — rename it to OPENCLAW_GATEWAY_TOKEN");
    expect(result.stdout).toContain("Run openclaw doctor --fix");
    expect(result.stdout).not.toContain("legacy-env-token");

    const report = await doctorJson(h, [], { CLAWDBOT_GATEWAY_TOKEN: "legacy-env-token-0123456789", MOLTBOT_STATE_DIR: "" });
    expect(notOk(report).map((c) => c.id)).toEqual(["legacy-state-dir", "legacy-config-name", "legacy-env"]);
    expect(report.ok).toBe(true);
  });

  test("--fix without a terminal and without --yes only reports", async () => {
    const { h } = await legacyHome();
    const result = await doctor(h, ["--fix"]);
    expect(result.stdout).toContain("no terminal to ask on; pass --yes");
    await expect(stat(join(h, ".openclaw"))).rejects.toThrow();
  });

  test("--fix --yes copies the legacy dir, renames the config, and a second run is clean", async () => {
    const { h, legacy, text } = await legacyHome();
    const fixed = await doctor(h, ["--fix", "--yes"], { CLAWDBOT_GATEWAY_TOKEN: "legacy-env-token-0123456789" });
    expect(fixed.code).toBe(0);
    expect(fixed.stdout).toContain("Fixed:");
    expect(fixed.stdout).toContain(`copied ${legacy} to ${join(h, ".openclaw")}`);
    // The env var is the user's to rename; doctor says which.
    expect(fixed.stdout).toContain("rename it to OPENCLAW_GATEWAY_TOKEN");

    const ours = join(h, ".openclaw");
    expect(await readFile(join(ours, "openclaw.json"), "utf8")).toBe(text);
    expect(await readFile(join(ours, "clawdbot.json.bak"), "utf8")).toBe(text);
    expect(await mode(ours)).toBe(0o700);
    expect(await mode(join(ours, "openclaw.json"))).toBe(0o600);
    // Never deleted.
    expect(await readFile(join(legacy, "clawdbot.json"), "utf8")).toBe(text);

    const again = await doctorJson(h);
    expect(notOk(again)).toEqual([]);
    expect(again.ok).toBe(true);
    expect(again.code).toBe(0);
    expect(again.checks.find((c) => c.id === "config")!.message).toContain(join(ours, "openclaw.json"));
  });

  test("a legacy-named config beside openclaw.json is reported as ignored and fixed by renaming to .bak", async () => {
    const { h, stateDir } = await configuredHome();
    await writeFile(join(stateDir, "moltbot.json"), "{}", { mode: 0o600 });
    const report = await doctorJson(h);
    expect(notOk(report)).toEqual([expect.objectContaining({ id: "legacy-config-name", status: "warn" })]);
    const fixed = await doctorJson(h, ["--fix", "--yes"]);
    expect(fixed.fixed.map((f) => f.id)).toEqual(["legacy-config-name"]);
    expect(notOk(fixed)).toEqual([]);
    expect(await readFile(join(stateDir, "moltbot.json.bak"), "utf8")).toBe("{}");
  });
});

describe("checks", () => {
  test("--json has the documented shape and a clean home passes", async () => {
    const { h } = await configuredHome();
    const report = await doctorJson(h);
    expect(Object.keys(report).sort()).toEqual(["checks", "code", "failed", "fixed", "ok"]);
    expect(report.ok).toBe(true);
    expect(report.code).toBe(0);
    expect(report.fixed).toEqual([]);
    for (const check of report.checks) {
      expect(Object.keys(check).every((k) => ["id", "status", "message", "fix"].includes(k))).toBe(true);
      expect(typeof check.id).toBe("string");
      expect(["ok", "warn", "error"]).toContain(check.status);
      expect(typeof check.message).toBe("string");
    }
    expect(report.checks.map((c) => c.id)).toEqual(
      expect.arrayContaining(["config", "gateway.mode", "auth", "state-dir", "permissions", "port", "legacy-state-dir", "legacy-config-name", "legacy-env"]),
    );
    expect(notOk(report)).toEqual([]);
    expect(JSON.stringify(report)).not.toContain(TOKEN);
  });

  test("bad permissions are reported as errors and --fix --yes tightens them", async () => {
    const { h, stateDir, configPath } = await configuredHome();
    await mkdir(join(stateDir, "identity"), { mode: 0o700 });
    await writeFile(join(stateDir, "identity", "device.json"), "{}", { mode: 0o644 });
    await chmod(join(stateDir, "identity", "device.json"), 0o644);
    await chmod(stateDir, 0o777);
    await chmod(configPath, 0o666);
    const result = await doctor(h);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`error  state dir ${stateDir} is writable by group/others (0777)`);
    expect(result.stdout).toContain(`error  ${configPath} holds secrets but is writable by group/others (0666)`);
    expect(result.stdout).toContain(`warn   ${join(stateDir, "identity", "device.json")} holds secrets but is readable by group/others (0644)`);

    const fixed = await doctorJson(h, ["--fix", "--yes"]);
    expect(fixed.fixed.length).toBe(3);
    expect(notOk(fixed)).toEqual([]);
    expect(fixed.code).toBe(0);
    expect(await mode(stateDir)).toBe(0o700);
    expect(await mode(configPath)).toBe(0o600);
  });

  test("a missing token is an error, and so is a known default", async () => {
    const { h, configPath, port } = await configuredHome();
    await writeFile(configPath, JSON.stringify({ gateway: { mode: "local", port } }), { mode: 0o600 });
    const missing = await doctorJson(h);
    expect(missing.code).toBe(1);
    expect(missing.ok).toBe(false);
    const auth = missing.checks.find((c) => c.id === "auth")!;
    expect(auth.status).toBe("error");
    expect(auth.message).toContain("no gateway token");
    expect(auth.fix).toContain("openclaw setup");
    // An env token counts.
    expect((await doctorJson(h, [], { OPENCLAW_GATEWAY_TOKEN: "env-token-0123456789abcdef" })).checks.find((c) => c.id === "auth")!.status).toBe("ok");

    await writeFile(configPath, JSON.stringify({ gateway: { mode: "local", port, auth: { token: "openclaw-changeme" } } }), { mode: 0o600 });
    const weak = await doctorJson(h);
    expect(weak.code).toBe(1);
    expect(weak.checks.find((c) => c.id === "auth")!.message).toContain("well-known default");
    expect(JSON.stringify(weak)).not.toContain("openclaw-changeme");
  });

  test("an invalid config and gateway.mode problems are reported with key paths", async () => {
    const { h, configPath, port } = await configuredHome();
    await writeFile(configPath, JSON.stringify({ gateway: { port, bind: "everywhere" }, colour: "blue" }), { mode: 0o600 });
    const result = await doctor(h);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("gateway.bind: must be equal to one of the allowed values");

    await writeFile(configPath, JSON.stringify({ gateway: { port, auth: { token: TOKEN } }, colour: "blue" }), { mode: 0o600 });
    const report = await doctorJson(h);
    expect(report.checks.find((c) => c.id === "config.unknown-key")).toMatchObject({ status: "warn", fix: "remove it: openclaw config unset colour" });
    expect(report.checks.find((c) => c.id === "gateway.mode")).toMatchObject({ status: "error" });
    expect(report.code).toBe(1);
  });

  test("a port held by something that is not a gateway is a conflict, named by pid when lsof exists", async () => {
    const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response("not a gateway") });
    cleanups.push(() => server.stop(true));
    const port = server.port!;
    const { h } = await configuredHome({ gateway: { port } });
    const report = await doctorJson(h);
    const check = report.checks.find((c) => c.id === "port")!;
    expect(check.status).toBe("error");
    expect(check.message).toContain(`port ${port} (from config) is in use by`);
    expect(check.message).toContain("not an OpenClaw gateway");
    if (Bun.which("lsof")) expect(check.message).toContain(`pid ${process.pid}`);
    expect(report.code).toBe(1);
  });

  test("a port held by our own gateway is fine", async () => {
    const { h } = await configuredHome();
    const gw: GatewayProcess = await startGatewayProcess(["--port", "0"], { home: h, env: { OPENCLAW_SKIP_CANVAS_HOST: "1" } });
    cleanups.push(() => gw.stop("SIGKILL"));
    // Doctor looks at the port the gateway reported, named by the environment as a user would.
    const report = await doctorJson(h, [], { OPENCLAW_GATEWAY_PORT: String(gw.port) });
    const check = report.checks.find((c) => c.id === "port")!;
    expect(check.status).toBe("ok");
    expect(check.message).toContain(`port ${gw.port} (from env)`);
    expect(check.message).toContain("running OpenClaw gateway");
  });
});

describe("doctor --import", () => {
  /** A reference state dir: config, one paired device with an operator token, its identity, and WhatsApp creds. */
  async function referenceDir(port: number) {
    const dir = join(await home(), "reference-state");
    const keys = generateDeviceKeyPair();
    const deviceToken = "ref-device-token-operator-0123456789abcdef";
    await mkdir(join(dir, "devices"), { recursive: true });
    await writeFile(join(dir, "openclaw.json"), JSON.stringify({ gateway: { mode: "local", port, auth: { token: "reference-token-0123456789" } }, logging: { level: "debug" } }));
    const now = Date.now();
    const paired = {
      [keys.deviceId]: {
        deviceId: keys.deviceId,
        publicKey: base64UrlEncode(keys.publicKeyRaw),
        displayName: "Ref laptop",
        platform: "darwin",
        clientId: "cli",
        clientMode: "cli",
        role: "operator",
        roles: ["operator"],
        scopes: ["operator.admin"],
        approvedScopes: ["operator.admin", "operator.read"],
        remoteIp: "127.0.0.1",
        tokens: { operator: { token: deviceToken, role: "operator", scopes: ["operator.admin", "operator.read"], createdAtMs: now - 1000, lastUsedAtMs: now - 500 } },
        createdAtMs: now - 2000,
        approvedAtMs: now - 1500,
      },
      broken: { displayName: "no keys" },
    };
    await writeFile(join(dir, "devices", "paired.json"), JSON.stringify(paired, null, 2));
    await mkdir(join(dir, "identity"), { recursive: true });
    const identity = { version: 1, deviceId: keys.deviceId, publicKeyPem: keys.publicKeyPem, privateKeyPem: keys.privateKeyPem, createdAtMs: now };
    await writeFile(join(dir, "identity", "device.json"), JSON.stringify(identity));
    await writeFile(join(dir, "identity", "device-auth.json"), JSON.stringify({ version: 1, deviceId: keys.deviceId, tokens: { operator: { token: deviceToken, role: "operator", scopes: ["operator.admin"], updatedAtMs: now } } }));
    await cp(join(import.meta.dir, "..", "fixtures", "whatsapp-multifile", "credentials"), join(dir, "credentials"), { recursive: true });
    return { dir, keys, deviceToken };
  }

  test("imports config, paired devices with tokens, identity and WhatsApp creds; a gateway then accepts the device token", async () => {
    const h = await home();
    await runCli(["setup"], { home: h });
    const stateDir = join(h, ".openclaw");
    const configPath = join(stateDir, "openclaw.json");
    const ourConfig = await readFile(configPath, "utf8");
    // Port 0 in the imported config: the gateway started on it below binds an ephemeral port.
    const port = 0;
    const { dir, keys, deviceToken } = await referenceDir(port);

    const result = await runCli(["doctor", "--import", dir], { home: h });
    // The broken record is skipped and reported, so the run exits 1; the rest is imported.
    expect(result.stdout).toContain(`config: merged ${join(dir, "openclaw.json")} into ${configPath} (ours kept as ${configPath}.bak)`);
    expect(result.stdout).toContain("devices: 1 paired device(s) with 1 token(s)");
    expect(result.stdout).toContain("skipped (no deviceId): no deviceId");
    expect(result.stdout).toContain("client identity: copied");
    expect(result.stdout).toContain("whatsapp default: imported creds and 18 key(s) into the store, linked as 15550001111:7@s.whatsapp.net");
    expect(result.stdout).not.toContain(deviceToken);
    expect(result.code).toBe(1);

    const config = JSON.parse(await readFile(configPath, "utf8"));
    expect(config.gateway.auth.token).toBe("reference-token-0123456789");
    expect(config.gateway.port).toBe(port);
    expect(config.logging.level).toBe("debug");
    expect(await readFile(`${configPath}.bak`, "utf8")).toBe(ourConfig);

    const db = openStore(stateDir);
    try {
      const store = new DeviceStore(db);
      const device = store.get(keys.deviceId)!;
      expect(device).toMatchObject({ displayName: "Ref laptop", platform: "darwin", clientId: "cli", roles: ["operator"], scopes: ["operator.admin", "operator.read"] });
      expect(store.tokenFor(keys.deviceId, "operator")).toMatchObject({ token: deviceToken, scopes: ["operator.admin", "operator.read"], revokedAtMs: null });
      expect(new WhatsAppAuthStore(db).linkedAs("default")).toBe("15550001111:7@s.whatsapp.net");
    } finally {
      db.close();
    }

    expect(await mode(join(stateDir, "identity", "device.json"))).toBe(0o600);
    expect(JSON.parse(await readFile(join(stateDir, "identity", "device.json"), "utf8")).deviceId).toBe(keys.deviceId);

    // A second import keeps what we now have.
    const again = JSON.parse((await runCli(["doctor", "--import", dir, "--json"], { home: h })).stdout);
    expect(again.identity).toBe("kept-ours");
    expect(again.whatsapp).toMatchObject([{ accountId: "default", status: "kept-ours" }]);

    // The imported device signs in with its token alone (no shared secret).
    const gw = await startGatewayProcess([], { home: h, env: { OPENCLAW_SKIP_CANVAS_HOST: "1" } });
    cleanups.push(() => gw.stop("SIGKILL"));
    const { client, res, hello } = await connectClient(`ws://127.0.0.1:${gw.port}`, { device: keys, token: deviceToken, scopes: ["operator.read"], client: { id: "cli", mode: "cli" } });
    cleanups.push(() => client.close());
    expect(res.ok).toBe(true);
    expect(hello.auth.deviceToken).toBe(deviceToken);
    const wrong = await connectClient(`ws://127.0.0.1:${gw.port}`, { device: keys, token: "not-the-token-0123456789", scopes: ["operator.read"] });
    cleanups.push(() => wrong.client.close());
    expect(wrong.res.ok).toBe(false);
  });

  test("refuses a missing dir and our own state dir", async () => {
    const { h, stateDir } = await configuredHome();
    expect(await runCli(["doctor", "--import", join(h, "nope")], { home: h })).toEqual({ code: 1, stdout: "", stderr: `error: ${join(h, "nope")} is not a directory\n` });
    const own = await runCli(["doctor", "--import", stateDir], { home: h });
    expect(own.code).toBe(1);
    expect(own.stderr).toContain("is our own state dir");
  });

  test("a merged config that would be invalid is refused and ours is left alone", async () => {
    const { h, configPath } = await configuredHome();
    const before = await readFile(configPath, "utf8");
    const dir = join(h, "ref");
    await mkdir(dir);
    await writeFile(join(dir, "clawdbot.json"), JSON.stringify({ gateway: { bind: "everywhere" } }));
    const result = JSON.parse((await runCli(["doctor", "--import", dir, "--json"], { home: h })).stdout);
    expect(result.config.status).toBe("refused");
    expect(result.config.from).toBe(join(dir, "clawdbot.json"));
    expect(result.config.problems.join()).toContain("gateway.bind");
    expect(result.ok).toBe(false);
    expect(await readFile(configPath, "utf8")).toBe(before);
  });
});
