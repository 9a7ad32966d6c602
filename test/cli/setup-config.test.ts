/** `openclaw setup` and `openclaw config get|set|unset` as the real CLI against temp homes. */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli, writeConfig } from "../helpers/cli.ts";

const homes: string[] = [];
afterAll(() => Promise.all(homes.map((dir) => rm(dir, { recursive: true, force: true }))));
// A temp dir of our own rather than the gateway helpers': these tests only run the CLI.
async function home(): Promise<string> {
  homes.push(await mkdtemp(join(tmpdir(), "openclaw-test-")));
  return homes.at(-1)!;
}

const mode = async (path: string) => (await stat(path)).mode & 0o777;
const readJson = async (path: string) => JSON.parse(await readFile(path, "utf8"));

describe("openclaw setup", () => {
  test("creates the state dir (0700), a config with mode local and a token (0600), and the workspace", async () => {
    const h = await home();
    const result = await runCli(["setup"], { home: h });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const stateDir = join(h, ".openclaw");
    const configPath = join(stateDir, "openclaw.json");
    expect(await mode(stateDir)).toBe(0o700);
    expect(await mode(configPath)).toBe(0o600);
    const config = await readJson(configPath);
    expect(config.gateway.mode).toBe("local");
    expect(config.gateway.auth.token).toMatch(/^[0-9a-f]{48}$/);
    expect(config.gateway.port).toBeUndefined();
    expect((await stat(join(stateDir, "workspace"))).isDirectory()).toBe(true);
    expect((await stat(join(stateDir, "workspace", "canvas"))).isDirectory()).toBe(true);
    // Says where the token is, never what it is.
    expect(result.stdout).not.toContain(config.gateway.auth.token);
    expect(result.stdout).toContain(`${configPath} (gateway.auth.token)`);
    expect(result.stdout).toContain("(created)");
  });

  test("seeds the workspace's bootstrap files and never overwrites one the user wrote", async () => {
    const h = await home();
    const workspace = join(h, ".openclaw", "workspace");
    const first = JSON.parse((await runCli(["setup", "--json"], { home: h })).stdout);
    expect(first.workspace.seeded.sort()).toEqual(["AGENTS.md", "IDENTITY.md", "SOUL.md", "TOOLS.md", "USER.md"]);
    expect(await readFile(join(workspace, "AGENTS.md"), "utf8")).toContain("marked as data");
    await writeFile(join(workspace, "SOUL.md"), "mine\n");
    await rm(join(workspace, "USER.md"));
    const second = JSON.parse((await runCli(["setup", "--json"], { home: h })).stdout);
    expect(second.workspace.seeded).toEqual(["USER.md"]);
    expect(await readFile(join(workspace, "SOUL.md"), "utf8")).toBe("mine\n");
  });

  test("a second run changes nothing, says so, and keeps the token", async () => {
    const h = await home();
    await runCli(["setup"], { home: h });
    const configPath = join(h, ".openclaw", "openclaw.json");
    const before = await readFile(configPath, "utf8");
    const beforeMtime = (await stat(configPath)).mtimeMs;
    const again = await runCli(["setup"], { home: h });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("nothing changed");
    expect(again.stdout).not.toContain("(created)");
    expect(await readFile(configPath, "utf8")).toBe(before);
    expect((await stat(configPath)).mtimeMs).toBe(beforeMtime);
    const json = JSON.parse((await runCli(["setup", "--json"], { home: h })).stdout);
    expect(json.changed).toBe(false);
    expect(json.secret.source).toBe("config-token");
  });

  test("keeps an existing token and every other key the user had", async () => {
    const h = await home();
    const path = await writeConfig(h, `{
      // hand-written
      gateway: { auth: { token: "my-own-token-0123456789" }, port: 18888 },
      logging: { level: "debug" },
    }`);
    const result = await runCli(["setup", "--json"], { home: h });
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary.config.changed).toEqual(["gateway.mode"]);
    expect(summary.secret.source).toBe("config-token");
    expect(result.stdout).not.toContain("my-own-token");
    const config = await readJson(path);
    expect(config.gateway).toEqual({ auth: { token: "my-own-token-0123456789" }, port: 18888, mode: "local" });
    expect(config.logging).toEqual({ level: "debug" });
    expect(await readFile(`${path}.bak`, "utf8")).toContain("// hand-written");
  });

  test("does not generate a token when a password or an env token is configured", async () => {
    const h = await home();
    const path = await writeConfig(h, { gateway: { mode: "local", auth: { mode: "password", password: "a-long-password-123456" } } });
    const result = await runCli(["setup", "--json"], { home: h });
    expect(JSON.parse(result.stdout).secret.source).toBe("config-password");
    expect((await readJson(path)).gateway.auth.token).toBeUndefined();

    const h2 = await home();
    const withEnv = await runCli(["setup", "--json"], { home: h2, env: { OPENCLAW_GATEWAY_TOKEN: "env-token-0123456789abcdef" } });
    expect(JSON.parse(withEnv.stdout).secret.source).toBe("env-token");
    expect((await readJson(join(h2, ".openclaw", "openclaw.json"))).gateway.auth).toBeUndefined();
  });

  test("--dev uses ~/.openclaw-dev, ~/.openclaw/workspace-dev and port 19001 without writing it", async () => {
    const h = await home();
    const result = await runCli(["--dev", "setup", "--json"], { home: h });
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary.profile).toBe("dev");
    expect(summary.stateDir.path).toBe(join(h, ".openclaw-dev"));
    expect(summary.config.path).toBe(join(h, ".openclaw-dev", "openclaw.json"));
    expect(summary.workspace.path).toBe(join(h, ".openclaw", "workspace-dev"));
    expect(summary.port).toBe(19001);
    expect(summary.portSource).toBe("profile");
    expect(JSON.stringify(summary)).not.toContain((await readJson(summary.config.path)).gateway.auth.token);
    expect(await mode(join(h, ".openclaw-dev"))).toBe(0o700);
    expect((await stat(join(h, ".openclaw", "workspace-dev", "canvas"))).isDirectory()).toBe(true);
    expect((await readJson(summary.config.path)).gateway.port).toBeUndefined();
    await expect(stat(join(h, ".openclaw", "openclaw.json"))).rejects.toThrow();
  });

  test("--profile work uses ~/.openclaw-work", async () => {
    const h = await home();
    const summary = JSON.parse((await runCli(["setup", "--profile", "work", "--json"], { home: h })).stdout);
    expect(summary.stateDir.path).toBe(join(h, ".openclaw-work"));
    expect(summary.workspace.path).toBe(join(h, ".openclaw", "workspace-work"));
    expect(summary.port).toBe(18789);
    expect((await readJson(join(h, ".openclaw-work", "openclaw.json"))).gateway.mode).toBe("local");
  });

  test("OPENCLAW_STATE_DIR is respected", async () => {
    const h = await home();
    const stateDir = join(h, "elsewhere");
    const summary = JSON.parse((await runCli(["setup", "--json"], { home: h, env: { OPENCLAW_STATE_DIR: stateDir } })).stdout);
    expect(summary.config.path).toBe(join(stateDir, "openclaw.json"));
    expect(await mode(stateDir)).toBe(0o700);
  });

  test("an invalid config is reported with its key path and left alone", async () => {
    const h = await home();
    const path = await writeConfig(h, { gateway: { port: "nope" } });
    const result = await runCli(["setup"], { home: h });
    expect(result.code).toBe(78);
    expect(result.stderr).toContain("gateway.port");
    expect(await readJson(path)).toEqual({ gateway: { port: "nope" } });
  });
});

describe("openclaw config", () => {
  test("set, get and unset round trip with JSON5 values, keeping .bak and mode 0600", async () => {
    const h = await home();
    const path = await writeConfig(h, { gateway: { mode: "local" } });
    const set = await runCli(["config", "set", "gateway.port", "19005"], { home: h });
    expect(set.stderr).toBe("");
    expect(set.code).toBe(0);
    expect((await readJson(path)).gateway.port).toBe(19005);
    expect(await mode(path)).toBe(0o600);
    expect(await readJson(`${path}.bak`)).toEqual({ gateway: { mode: "local" } });

    expect(await runCli(["config", "get", "gateway.port"], { home: h })).toEqual({ code: 0, stdout: "19005\n", stderr: "" });
    expect((await runCli(["config", "get", "gateway.mode"], { home: h })).stdout).toBe("local\n");
    expect(JSON.parse((await runCli(["config", "get", "gateway.mode", "--json"], { home: h })).stdout)).toEqual({ path: "gateway.mode", value: "local", source: "config" });

    await runCli(["config", "set", "gateway.trustedProxies", '["10.0.0.1"]'], { home: h });
    await runCli(["config", "set", "gateway.controlUi.enabled", "false"], { home: h });
    await runCli(["config", "set", "logging.file", "/tmp/x.log"], { home: h });
    const config = await readJson(path);
    expect(config.gateway.trustedProxies).toEqual(["10.0.0.1"]);
    expect(config.gateway.controlUi).toEqual({ enabled: false });
    expect(config.logging.file).toBe("/tmp/x.log");
    expect(config.meta.lastTouchedVersion).toBeString();

    const unset = await runCli(["config", "unset", "gateway.port"], { home: h });
    expect(unset.code).toBe(0);
    expect((await readJson(path)).gateway.port).toBeUndefined();
    // Unset, the key reads as the port the gateway would use; unsetting it again is still an error.
    expect(await runCli(["config", "get", "gateway.port"], { home: h })).toEqual({ code: 0, stdout: "18789 (default)\n", stderr: "" });
    expect(await runCli(["config", "unset", "gateway.port"], { home: h })).toEqual({ code: 1, stdout: "", stderr: "error: gateway.port is not set\n" });
    expect(await runCli(["config", "get", "logging.file"], { home: h })).toEqual({ code: 0, stdout: "/tmp/x.log\n", stderr: "" });
    await runCli(["config", "unset", "logging.file"], { home: h });
    expect(await runCli(["config", "get", "logging.file"], { home: h })).toEqual({ code: 1, stdout: "", stderr: "error: logging.file is not set\n" });
  });

  test("get on an unset key with a default prints the value the gateway uses and says where it comes from", async () => {
    const h = await home();
    await writeConfig(h, { gateway: { mode: "local" } });
    const get = async (path: string, options: { env?: Record<string, string>; flags?: string[] } = {}) =>
      runCli([...(options.flags ?? []), "config", "get", path], { home: h, env: options.env });
    const json = async (path: string, options: { env?: Record<string, string>; flags?: string[] } = {}) =>
      JSON.parse((await runCli([...(options.flags ?? []), "config", "get", path, "--json"], { home: h, env: options.env })).stdout);

    expect(await get("gateway.port")).toEqual({ code: 0, stdout: "18789 (default)\n", stderr: "" });
    expect(await json("gateway.port")).toEqual({ path: "gateway.port", value: 18789, source: "default" });
    expect((await get("gateway.bind")).stdout).toBe("loopback (default)\n");
    expect((await get("gateway.auth.mode")).stdout).toBe("token (default)\n");
    expect((await get("gateway.reload.mode")).stdout).toBe("hybrid (default)\n");
    expect(await json("gateway.reload.mode")).toEqual({ path: "gateway.reload.mode", value: "hybrid", source: "default" });
    expect((await get("canvasHost.port")).stdout).toBe("18793 (default: gateway port + 4)\n");
    expect(await json("canvasHost.port")).toEqual({ path: "canvasHost.port", value: 18793, source: "default" });

    // From the environment, named.
    const env = { OPENCLAW_GATEWAY_PORT: "18800", OPENCLAW_GATEWAY_PASSWORD: "env-password-0123456789" };
    expect(await get("gateway.port", { env })).toEqual({ code: 0, stdout: "18800 (from OPENCLAW_GATEWAY_PORT)\n", stderr: "" });
    expect(await json("gateway.port", { env })).toEqual({ path: "gateway.port", value: 18800, source: "env" });
    expect((await get("canvasHost.port", { env })).stdout).toBe("18804 (default: gateway port + 4)\n");
    expect(await json("gateway.auth.mode", { env })).toEqual({ path: "gateway.auth.mode", value: "password", source: "env" });
    // A secret from the environment is masked like one from the file.
    expect((await get("gateway.auth.password", { env })).stdout).toBe("__OPENCLAW_REDACTED__ (from OPENCLAW_GATEWAY_PASSWORD)\n");

    // The dev profile has a default port of its own.
    await writeConfig(h, { gateway: { mode: "local" } }, ".openclaw-dev");
    expect((await get("gateway.port", { flags: ["--dev"] })).stdout).toBe("19001 (default for the dev profile)\n");
    expect(await json("gateway.port", { flags: ["--dev"] })).toEqual({ path: "gateway.port", value: 19001, source: "default" });

    // Set in the file: the file's value, and a note when the environment overrides it for the gateway.
    await runCli(["config", "set", "gateway.port", "19005"], { home: h });
    expect(await get("gateway.port", { env })).toEqual({ code: 0, stdout: "19005\n", stderr: "note: the gateway uses 18800 instead (from OPENCLAW_GATEWAY_PORT)\n" });
    expect(await json("gateway.port")).toEqual({ path: "gateway.port", value: 19005, source: "config" });
  });

  test("get on keys without a default is unchanged; an unset gateway.mode says how to set it", async () => {
    const h = await home();
    await writeConfig(h, {}, ".openclaw-dev");
    const none = await runCli(["--dev", "config", "get", "gateway.trustedProxies", "--json"], { home: h });
    expect(none).toEqual({ code: 1, stdout: "", stderr: "error: gateway.trustedProxies is not set\n" });
    const mode = await runCli(["--dev", "config", "get", "gateway.mode"], { home: h });
    expect(mode.code).toBe(1);
    expect(mode.stderr).toBe('error: gateway.mode is not set; the gateway starts only with gateway.mode "local" (run: openclaw --dev setup)\n');
    // Defaults are only for exact keys: a parent or a prototype name is not set.
    expect((await runCli(["--dev", "config", "get", "gateway.reload"], { home: h })).stderr).toBe("error: gateway.reload is not set\n");
    expect((await runCli(["--dev", "config", "get", "toString"], { home: h })).stderr).toBe("error: toString is not set\n");
  });

  test("--string keeps a value that looks like JSON as a string", async () => {
    const h = await home();
    const path = await writeConfig(h, {});
    expect((await runCli(["config", "set", "gateway.auth.token", "12345678901234567890", "--string"], { home: h })).code).toBe(0);
    expect((await readJson(path)).gateway.auth.token).toBe("12345678901234567890");
    // Without --string, a number would be refused by the schema (a token is a string).
    const refused = await runCli(["config", "set", "gateway.auth.token", "12345678901234567890"], { home: h });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("gateway.auth.token: must be string");
  });

  test("a set that makes the config invalid is refused with the key path and nothing is written", async () => {
    const h = await home();
    const path = await writeConfig(h, { gateway: { mode: "local", port: 18789 } });
    const before = await readFile(path, "utf8");
    const bad = await runCli(["config", "set", "gateway.port", "not-a-port"], { home: h });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toBe("");
    expect(bad.stderr).toContain("gateway.port: must be integer");
    expect(bad.stderr).toContain("nothing was changed");
    const badEnum = await runCli(["config", "set", "gateway.bind", "everywhere"], { home: h });
    expect(badEnum.stderr).toContain("gateway.bind: must be equal to one of the allowed values (one of: loopback, lan, auto, tailnet, custom)");
    const typo = await runCli(["config", "set", "gateway.prot", "1"], { home: h });
    expect(typo.code).toBe(1);
    expect(typo.stderr).toContain("unknown config key gateway.prot");
    expect(await readFile(path, "utf8")).toBe(before);
    await expect(stat(`${path}.bak`)).rejects.toThrow();
  });

  test("secrets are masked unless --show-secret", async () => {
    const h = await home();
    await writeConfig(h, { gateway: { mode: "local", auth: { token: "secret-token-0123456789", password: "pw-0123456789" }, remote: { token: "remote-tok" } } });
    const masked = await runCli(["config", "get", "gateway.auth.token"], { home: h });
    expect(masked).toEqual({ code: 0, stdout: "__OPENCLAW_REDACTED__\n", stderr: "" });
    const whole = await runCli(["config", "get", "gateway"], { home: h });
    expect(whole.stdout).not.toContain("secret-token");
    expect(whole.stdout).not.toContain("pw-0123456789");
    expect(whole.stdout).not.toContain("remote-tok");
    expect(JSON.parse(whole.stdout).auth.token).toBe("__OPENCLAW_REDACTED__");
    expect(JSON.parse(whole.stdout).mode).toBe("local");
    expect((await runCli(["config", "get", "gateway.auth.token", "--show-secret"], { home: h })).stdout).toBe("secret-token-0123456789\n");
    expect(JSON.parse((await runCli(["config", "get", "gateway", "--show-secret"], { home: h })).stdout).auth.password).toBe("pw-0123456789");
    const set = await runCli(["config", "set", "gateway.auth.token", "new-secret-0123456789"], { home: h });
    expect(set.code).toBe(0);
    expect(set.stdout).not.toContain("new-secret");
  });

  test("works on the profile's config and creates the file when there is none", async () => {
    const h = await home();
    const result = await runCli(["--profile", "work", "config", "set", "gateway.mode", "local"], { home: h });
    expect(result.code).toBe(0);
    const path = join(h, ".openclaw-work", "openclaw.json");
    expect((await readJson(path)).gateway.mode).toBe("local");
    expect(await mode(path)).toBe(0o600);
  });

  test("can repair a config that does not validate", async () => {
    const h = await home();
    const path = await writeConfig(h, { gateway: { mode: "local", port: "nope" } });
    expect((await runCli(["config", "get", "gateway.port"], { home: h })).stdout).toBe("nope\n");
    expect((await runCli(["config", "set", "gateway.port", "18790"], { home: h })).code).toBe(0);
    expect((await readJson(path)).gateway.port).toBe(18790);
  });

  test("rejects prototype keys and empty path segments", async () => {
    const h = await home();
    await writeConfig(h, {});
    const proto = await runCli(["config", "set", "__proto__.polluted", "1"], { home: h });
    expect(proto.code).toBe(1);
    expect(proto.stderr).toContain('"__proto__" is not allowed');
    expect((await runCli(["config", "get", "gateway..mode"], { home: h })).stderr).toContain("empty key");
  });
});
