/** State dir, config path, workspace, log dir, profile and port resolution (runbook: dev profile, multiple gateways). */
import { afterAll, expect, test } from "bun:test";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { resolveOptions } from "../../src/config/load.ts";
import { ProfileError, resolvePaths } from "../../src/config/paths.ts";
import type { ConfigFile } from "../../src/config/read-config.ts";

const home = await mkdtemp(join(tmpdir(), "openclaw-paths-"));
afterAll(() => rm(home, { recursive: true, force: true }));
const env = { OPENCLAW_HOME: home };
const noFile = (path: string, config = {}): ConfigFile => ({ path, exists: false, raw: null, config, warnings: [] });

test("default profile", () => {
  expect(resolvePaths({}, env)).toEqual({
    home,
    profile: null,
    stateDir: join(home, ".openclaw"),
    configPath: join(home, ".openclaw", "openclaw.json"),
    defaultWorkspace: join(home, ".openclaw", "workspace"),
  });
});

test("--dev and --profile", () => {
  const dev = resolvePaths({ dev: true }, env);
  expect(dev.stateDir).toBe(join(home, ".openclaw-dev"));
  expect(dev.defaultWorkspace).toBe(join(home, ".openclaw", "workspace-dev"));
  expect(resolveOptions(dev, noFile(dev.configPath), env).port).toBe(19001);
  const work = resolvePaths({ profile: "work" }, env);
  expect(work.configPath).toBe(join(home, ".openclaw-work", "openclaw.json"));
  expect(resolvePaths({}, { ...env, OPENCLAW_PROFILE: "rescue" }).stateDir).toBe(join(home, ".openclaw-rescue"));
  expect(resolvePaths({ profile: "default" }, env).profile).toBeNull();
  expect(() => resolvePaths({ profile: "../evil" }, env)).toThrow(ProfileError);
});

test("explicit env paths win, with the CLAWDBOT_* fallbacks", () => {
  expect(resolvePaths({ dev: true }, { ...env, OPENCLAW_STATE_DIR: "/s", OPENCLAW_CONFIG_PATH: "/c.json" })).toMatchObject({ stateDir: "/s", configPath: "/c.json" });
  expect(resolvePaths({}, { ...env, CLAWDBOT_STATE_DIR: "/legacy" }).stateDir).toBe("/legacy");
});

test("an existing legacy state dir and config name are picked up", async () => {
  const legacyHome = await mkdtemp(join(tmpdir(), "openclaw-legacy-"));
  await mkdir(join(legacyHome, ".clawdbot"));
  await writeFile(join(legacyHome, ".clawdbot", "clawdbot.json"), "{}");
  const paths = resolvePaths({}, { OPENCLAW_HOME: legacyHome });
  expect(paths.stateDir).toBe(join(legacyHome, ".clawdbot"));
  expect(paths.configPath).toBe(join(legacyHome, ".clawdbot", "clawdbot.json"));
  await rm(legacyHome, { recursive: true });
});

test("workspace: agents.defaults.workspace > OPENCLAW_WORKSPACE_DIR > <stateDir>/workspace when OPENCLAW_STATE_DIR is set > ~/.openclaw/workspace[-<profile>]", () => {
  const workspaceOf = (flags: { profile?: string }, extra: Record<string, string>, config = {}) => {
    const paths = resolvePaths(flags, { ...env, ...extra });
    const options = resolveOptions(paths, noFile(paths.configPath, config), { ...env, ...extra });
    return { workspace: options.workspace, canvas: options.canvas.root };
  };
  // Two gateways with their own state dirs get their own workspaces and canvas roots.
  expect(workspaceOf({}, { OPENCLAW_STATE_DIR: "/srv/a" })).toEqual({ workspace: "/srv/a/workspace", canvas: "/srv/a/workspace/canvas" });
  expect(workspaceOf({}, { OPENCLAW_STATE_DIR: "/srv/b" }).workspace).toBe("/srv/b/workspace");
  expect(workspaceOf({ profile: "work" }, { OPENCLAW_STATE_DIR: "/srv/w" }).workspace).toBe("/srv/w/workspace");
  expect(workspaceOf({}, { CLAWDBOT_STATE_DIR: "/srv/legacy" }).workspace).toBe("/srv/legacy/workspace");
  // Without OPENCLAW_STATE_DIR the runbook's defaults stay.
  expect(workspaceOf({}, {}).workspace).toBe(join(home, ".openclaw", "workspace"));
  expect(workspaceOf({ profile: "work" }, {}).workspace).toBe(join(home, ".openclaw", "workspace-work"));
  // OPENCLAW_WORKSPACE_DIR replaces the default (with ~ expanded); the config key wins over it.
  expect(workspaceOf({}, { OPENCLAW_STATE_DIR: "/srv/a", OPENCLAW_WORKSPACE_DIR: "/ws" })).toEqual({ workspace: "/ws", canvas: "/ws/canvas" });
  expect(workspaceOf({ profile: "work" }, { OPENCLAW_WORKSPACE_DIR: "~/ws" }).workspace).toBe(join(home, "ws"));
  const configured = { agents: { defaults: { workspace: "~/mine" } } };
  expect(workspaceOf({}, { OPENCLAW_STATE_DIR: "/srv/a", OPENCLAW_WORKSPACE_DIR: "/ws" }, configured).workspace).toBe(join(home, "mine"));
  expect(workspaceOf({}, { OPENCLAW_STATE_DIR: "/srv/a" }, { canvasHost: { root: "/c" } }).canvas).toBe("/c");
});

test("log dir: OPENCLAW_LOG_DIR is used as it is, without a fallback; the /tmp/openclaw default is verified and falls back per uid", () => {
  const paths = resolvePaths({}, env);
  const fallback = join(tmpdir(), `openclaw-${process.getuid?.() ?? "user"}`);
  expect(resolveOptions(paths, noFile(paths.configPath), env).logging).toMatchObject({ dir: "/tmp/openclaw", verifyDir: true, fallbackDir: fallback });
  const moved = resolveOptions(paths, noFile(paths.configPath), { ...env, OPENCLAW_LOG_DIR: "~/logs" }).logging;
  expect(moved).toMatchObject({ dir: join(home, "logs"), verifyDir: false, fallbackDir: null });
  // The prefix still tells gateways apart inside a shared OPENCLAW_LOG_DIR.
  const a = resolvePaths({}, { ...env, OPENCLAW_STATE_DIR: "/srv/a" });
  const b = resolvePaths({}, { ...env, OPENCLAW_STATE_DIR: "/srv/b" });
  expect(resolveOptions(a, noFile(a.configPath), env).logging.prefix).not.toBe(resolveOptions(b, noFile(b.configPath), env).logging.prefix);
});

test("ports: flag > env > config > default, canvas = port + 4 unless overridden", () => {
  const paths = resolvePaths({}, env);
  const file = noFile(paths.configPath, { gateway: { port: 20000 } });
  expect(resolveOptions(paths, file, env, 21000)).toMatchObject({ port: 21000, portSource: "flag" });
  expect(resolveOptions(paths, file, { ...env, OPENCLAW_GATEWAY_PORT: "22000" })).toMatchObject({ port: 22000, portSource: "env" });
  expect(resolveOptions(paths, file, env)).toMatchObject({ port: 20000, portSource: "config", canvas: { port: 20004 } });
  expect(resolveOptions(paths, noFile(paths.configPath), env)).toMatchObject({ port: 18789, portSource: "default", canvas: { port: 18793 } });
  expect(resolveOptions(paths, noFile(paths.configPath, { canvasHost: { port: 30000 } }), env).canvas.port).toBe(30000);
  expect(resolveOptions(paths, noFile(paths.configPath), { ...env, OPENCLAW_SKIP_CANVAS_HOST: "1" }).canvas.enabled).toBe(false);
});

test("auth: password wins when set; env fallbacks", () => {
  const paths = resolvePaths({}, env);
  expect(resolveOptions(paths, noFile(paths.configPath), { ...env, OPENCLAW_GATEWAY_TOKEN: "t-env" }).auth).toEqual({ mode: "token", token: "t-env", password: undefined, source: "env" });
  expect(resolveOptions(paths, noFile(paths.configPath, { gateway: { auth: { password: "pw" } } }), env).auth).toMatchObject({ mode: "password", source: "config" });
  expect(resolveOptions(paths, noFile(paths.configPath), env).auth).toMatchObject({ mode: "token", source: "none" });
});
