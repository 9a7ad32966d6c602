/**
 * Names from the clawdbot/moltbot eras (protocol.md §0): state dirs `~/.clawdbot`, `~/.moltbot`,
 * `~/.moldbot`, config files `clawdbot.json`/`moltbot.json`/`moldbot.json`, and `CLAWDBOT_*` /
 * `MOLTBOT_*` env vars. Fixes copy (never move or delete) a legacy state dir to `~/.openclaw` and
 * rename a legacy-named config to `openclaw.json`, keeping the old file as `<name>.bak`.
 */
import { chmod, copyFile, rename, stat } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { envValue } from "../config/paths.ts";
import { copyTree } from "./copy-tree.ts";
import { ok, warn, type Check, type CheckResult, type DoctorContext, type Fix } from "./check.ts";

const LEGACY_STATE_DIRS = [".clawdbot", ".moltbot", ".moldbot"];
const LEGACY_CONFIG_NAMES = ["clawdbot.json", "moltbot.json", "moldbot.json"];
const LEGACY_ENV = /^(CLAWDBOT|MOLTBOT|MOLDBOT)_(.+)$/;

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

/**
 * In `dir`: the first legacy-named config becomes `openclaw.json` (when there is none), and every
 * legacy-named config is renamed to `<name>.bak`. Returns what was done.
 */
export async function renameLegacyConfigs(dir: string): Promise<string[]> {
  const done: string[] = [];
  const ours = join(dir, "openclaw.json");
  for (const name of LEGACY_CONFIG_NAMES) {
    const legacy = join(dir, name);
    if (!(await exists(legacy))) continue;
    if (!(await exists(ours))) {
      await copyFile(legacy, ours);
      await chmod(ours, 0o600);
      done.push(`copied ${legacy} to ${ours}`);
    }
    await rename(legacy, `${legacy}.bak`);
    done.push(`renamed ${legacy} to ${name}.bak`);
  }
  return done;
}

function copyStateDirFix(from: string, to: string): Fix {
  return {
    id: "legacy-state-dir",
    description: `copy ${from} to ${to} (the original stays) and rename legacy config names there`,
    async apply() {
      const files = await copyTree(from, to, { fileMode: (mode) => mode & 0o700 });
      const renamed = await renameLegacyConfigs(to);
      return [`copied ${from} to ${to} (${files} files; ${from} was left as it was)`, ...renamed].join("; ");
    },
  };
}

function renameConfigFix(dir: string): Fix {
  return {
    id: "legacy-config-name",
    description: `rename legacy config names in ${dir} (openclaw.json is created from the first; the old files are kept as .bak)`,
    async apply() {
      return (await renameLegacyConfigs(dir)).join("; ");
    },
  };
}

export async function checkLegacy({ options }: DoctorContext): Promise<CheckResult> {
  const { home, profile, stateDir, configPath } = options.paths;
  const env = options.env;
  const checks: Check[] = [];
  const fixes: Fix[] = [];
  const explicitStateDir = envValue(env, "OPENCLAW_STATE_DIR", "CLAWDBOT_STATE_DIR") !== undefined;
  const explicitConfig = envValue(env, "OPENCLAW_CONFIG_PATH", "CLAWDBOT_CONFIG_PATH") !== undefined;
  const ours = join(home, ".openclaw");

  let migrating = false;
  const legacyDirs = [];
  for (const name of LEGACY_STATE_DIRS) if (await exists(join(home, name))) legacyDirs.push(join(home, name));
  for (const dir of legacyDirs) {
    if (dir !== stateDir) {
      checks.push(ok("legacy-state-dir", `legacy dir ${dir} is not in use (state dir: ${stateDir}); delete it when you no longer need it`));
    } else if (explicitStateDir) {
      checks.push(warn("legacy-state-dir", `the state dir is the legacy ${dir} (set by OPENCLAW_STATE_DIR/CLAWDBOT_STATE_DIR)`, `copy it to ${ours} and point OPENCLAW_STATE_DIR there (or unset it)`));
    } else if (profile === null && !(await exists(ours))) {
      checks.push(warn("legacy-state-dir", `the state dir is the legacy ${dir}`, `openclaw doctor --fix copies it to ${ours} (the original stays)`));
      fixes.push(copyStateDirFix(dir, ours));
      migrating = true;
    } else {
      checks.push(warn("legacy-state-dir", `the state dir is the legacy ${dir}`, `copy it to ${ours} yourself`));
    }
  }
  if (legacyDirs.length === 0) checks.push(ok("legacy-state-dir", `no legacy state dirs (${LEGACY_STATE_DIRS.map((d) => `~/${d}`).join(", ")})`));

  const configDir = dirname(configPath);
  if (LEGACY_CONFIG_NAMES.includes(basename(configPath))) {
    if (explicitConfig) {
      checks.push(warn("legacy-config-name", `the config file ${configPath} has a legacy name (set by OPENCLAW_CONFIG_PATH/CLAWDBOT_CONFIG_PATH)`, "rename it to openclaw.json and update the variable"));
    } else if (migrating) {
      checks.push(warn("legacy-config-name", `the config file ${configPath} has a legacy name`, `openclaw doctor --fix names it openclaw.json in the copy`));
    } else {
      checks.push(warn("legacy-config-name", `the config file ${configPath} has a legacy name`, "openclaw doctor --fix renames it to openclaw.json (the old one is kept as .bak)"));
      fixes.push(renameConfigFix(configDir));
    }
  } else {
    const ignored = [];
    for (const name of LEGACY_CONFIG_NAMES) if (await exists(join(configDir, name))) ignored.push(join(configDir, name));
    if (ignored.length > 0) {
      checks.push(warn("legacy-config-name", `ignored legacy config ${ignored.join(", ")} (${basename(configPath)} takes precedence)`, "openclaw doctor --fix renames it to .bak"));
      fixes.push(renameConfigFix(configDir));
    } else {
      checks.push(ok("legacy-config-name", `config file name ${basename(configPath)}`));
    }
  }

  const legacyEnv = Object.keys(env).filter((name) => LEGACY_ENV.test(name) && env[name]?.trim()).sort();
  for (const name of legacyEnv) {
    const renamed = name.replace(LEGACY_ENV, "OPENCLAW_$2");
    const shadowed = envValue(env, renamed) !== undefined ? ` (${renamed} is also set and wins)` : "";
    checks.push(warn("legacy-env", `legacy environment variable ${name} is set${shadowed}`, `rename it to ${renamed} where it is set (shell profile, service unit, .env)`));
  }
  if (legacyEnv.length === 0) checks.push(ok("legacy-env", "no CLAWDBOT_*/MOLTBOT_* environment variables"));
  return { checks, fixes };
}
