/**
 * Where things live: profile, state dir, config file, workspace. Pure functions of the
 * environment and the global flags, so `load.ts` stays the only place that reads `process.env`.
 */
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

export type Env = Readonly<Record<string, string | undefined>>;

export interface GlobalFlags {
  /** `--profile <name>`; `default` means no suffix. */
  profile?: string;
  /** `--dev`: shorthand for `--profile dev`. */
  dev?: boolean;
}

export interface ResolvedPaths {
  home: string;
  /** null for the default profile. */
  profile: string | null;
  stateDir: string;
  configPath: string;
  /**
   * The workspace (and so the canvas root `<workspace>/canvas`) unless `agents.defaults.workspace`
   * names one: `OPENCLAW_WORKSPACE_DIR`, else `<stateDir>/workspace` when `OPENCLAW_STATE_DIR`
   * names the state dir, else `~/.openclaw/workspace[-<profile>]` (the runbook's default).
   */
  defaultWorkspace: string;
}

const PROFILE_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_-]{0,63}$/;
const LEGACY_STATE_DIRS = [".clawdbot", ".moltbot", ".moldbot"];
const LEGACY_CONFIG_NAMES = ["clawdbot.json", "moltbot.json", "moldbot.json"];

export class ProfileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ProfileError";
  }
}

/** First non-empty value among the env names, so the `CLAWDBOT_*` fallbacks keep working. */
export function envValue(env: Env, ...names: string[]): string | undefined {
  for (const name of names) {
    const value = env[name]?.trim();
    if (value) return value;
  }
  return undefined;
}

export function resolveProfile(flags: GlobalFlags, env: Env): string | null {
  const raw = flags.dev ? "dev" : flags.profile ?? envValue(env, "OPENCLAW_PROFILE");
  if (raw === undefined || raw === "default") return null;
  if (!PROFILE_NAME.test(raw)) {
    throw new ProfileError(`invalid profile name "${raw}": use letters, digits, "-" and "_" (at most 64)`);
  }
  return raw;
}

export function resolvePaths(flags: GlobalFlags, env: Env): ResolvedPaths {
  const home = envValue(env, "OPENCLAW_HOME") ?? homedir();
  const profile = resolveProfile(flags, env);
  const suffix = profile ? `-${profile}` : "";
  const explicitStateDir = envValue(env, "OPENCLAW_STATE_DIR", "CLAWDBOT_STATE_DIR");
  const stateDir = explicitStateDir ?? defaultStateDir(home, suffix);
  const configPath = envValue(env, "OPENCLAW_CONFIG_PATH", "CLAWDBOT_CONFIG_PATH") ?? defaultConfigPath(stateDir);
  // A state dir of its own means a gateway of its own: it must not share the workspace (and its
  // canvas files) with the gateway in ~/.openclaw.
  const defaultWorkspace =
    envValue(env, "OPENCLAW_WORKSPACE_DIR") ??
    (explicitStateDir ? join(stateDir, "workspace") : join(home, ".openclaw", profile ? `workspace${suffix}` : "workspace"));
  return { home, profile, stateDir, configPath, defaultWorkspace };
}

/** `~/.openclaw[-profile]`; for the default profile an existing legacy dir is used if ours is absent. */
function defaultStateDir(home: string, suffix: string): string {
  const ours = join(home, `.openclaw${suffix}`);
  if (suffix || existsSync(ours)) return ours;
  const legacy = LEGACY_STATE_DIRS.map((name) => join(home, name)).find((dir) => existsSync(dir));
  return legacy ?? ours;
}

/** `<stateDir>/openclaw.json`, or a legacy-named file in the same dir when only that exists. */
function defaultConfigPath(stateDir: string): string {
  const ours = join(stateDir, "openclaw.json");
  if (existsSync(ours)) return ours;
  const legacy = LEGACY_CONFIG_NAMES.map((name) => join(stateDir, name)).find((file) => existsSync(file));
  return legacy ?? ours;
}
