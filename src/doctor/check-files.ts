/**
 * Doctor checks on the state dir: it exists, nobody else can write to it, and the files that
 * hold secrets (config, client identity, the store) are readable by their owner only.
 */
import { chmod, readdir, stat } from "node:fs/promises";
import { basename, join } from "node:path";
import { commandHint } from "../cli/command-hint.ts";
import { STORE_FILE } from "../store/database.ts";
import { error, ok, warn, type Check, type CheckResult, type DoctorContext, type Fix } from "./check.ts";

const octal = (mode: number) => `0${(mode & 0o777).toString(8)}`;

async function modeOf(path: string): Promise<number | null> {
  return stat(path).then(
    (s) => s.mode & 0o777,
    () => null,
  );
}

/** The secret files that exist: the config, `identity/*.json`, and the store (with its WAL). */
async function secretFiles(stateDir: string, configPath: string): Promise<string[]> {
  const identityDir = join(stateDir, "identity");
  const identity = await readdir(identityDir).then(
    (names) => names.filter((name) => name.endsWith(".json")).map((name) => join(identityDir, name)),
    () => [] as string[],
  );
  const candidates = [configPath, ...identity, join(stateDir, STORE_FILE), join(stateDir, `${STORE_FILE}-wal`), join(stateDir, `${STORE_FILE}-shm`)];
  const found: string[] = [];
  for (const path of candidates) if ((await modeOf(path)) !== null) found.push(path);
  return found;
}

function chmodFix(id: string, path: string, mode: number): Fix {
  return {
    id,
    description: `chmod ${octal(mode)} ${path}`,
    async apply() {
      await chmod(path, mode);
      return `set ${path} to ${octal(mode)}`;
    },
  };
}

export async function checkFiles({ options }: DoctorContext): Promise<CheckResult> {
  const { stateDir, configPath, profile } = options.paths;
  const doctorFix = commandHint(profile, "doctor --fix");
  const checks: Check[] = [];
  const fixes: Fix[] = [];
  const dirMode = await modeOf(stateDir);
  if (dirMode === null) {
    return { checks: [warn("state-dir", `state dir ${stateDir} does not exist`, `run: ${commandHint(profile, "setup")}`)], fixes };
  }
  if (dirMode & 0o022) {
    checks.push(error("state-dir", `state dir ${stateDir} is writable by group/others (${octal(dirMode)})`, `chmod 700 ${stateDir} (or ${doctorFix})`));
    fixes.push(chmodFix("state-dir", stateDir, 0o700));
  } else if (dirMode & 0o077) {
    checks.push(warn("state-dir", `state dir ${stateDir} is readable by group/others (${octal(dirMode)})`, `chmod 700 ${stateDir} (or ${doctorFix})`));
    fixes.push(chmodFix("state-dir", stateDir, 0o700));
  } else {
    checks.push(ok("state-dir", `state dir ${stateDir} exists and is private (${octal(dirMode)})`));
  }

  const loose: Check[] = [];
  for (const path of await secretFiles(stateDir, configPath)) {
    const mode = (await modeOf(path))!;
    if ((mode & 0o077) === 0) continue;
    const id = `permissions.${basename(path)}`;
    const fix = `chmod 600 ${path} (or ${doctorFix})`;
    const message = `${path} holds secrets but is ${mode & 0o022 ? "writable" : "readable"} by group/others (${octal(mode)})`;
    loose.push(mode & 0o022 ? error(id, message, fix) : warn(id, message, fix));
    fixes.push(chmodFix(id, path, 0o600));
  }
  checks.push(...(loose.length > 0 ? loose : [ok("permissions", "secret files (config, identity, store) are private (0600)")]));
  return { checks, fixes };
}
