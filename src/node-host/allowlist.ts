/**
 * Which executables `system.run` may start on this machine. The list belongs to the node's
 * owner, in a file the gateway cannot write: `{"commands": ["echo", "/usr/bin/uname"]}`, by
 * default `<stateDir>/node-allowlist.json`. A missing file allows nothing.
 *
 * Matching is on the executable that would actually run, never on the text asked for:
 * - an entry with a slash (`/usr/bin/uname`) must equal the resolved absolute path;
 * - a bare entry (`echo`) matches when the entry itself resolves, on the node's PATH, to that
 *   same path, so `echo` never lets a caller run some other `echo` from a directory it chose.
 */
import { readFile } from "node:fs/promises";
import { isAbsolute, join, resolve } from "node:path";
import { isRecord } from "./command-error.ts";

export class AllowlistError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AllowlistError";
  }
}

export interface Allowlist {
  readonly path: string;
  /** False when the file does not exist (then nothing is allowed). */
  readonly exists: boolean;
  readonly entries: readonly string[];
}

export function defaultAllowlistPath(stateDir: string): string {
  return join(stateDir, "node-allowlist.json");
}

const SHAPE = `expected {"commands": ["echo", "/usr/bin/uname", …]}`;

/** Reads and checks the file; throws AllowlistError naming the file when it is unreadable or invalid. */
export async function loadAllowlist(file: string): Promise<Allowlist> {
  const path = resolve(file);
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return Object.freeze({ path, exists: false, entries: [] });
    throw new AllowlistError(`cannot read allowlist ${path}: ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new AllowlistError(`invalid allowlist ${path}: not valid JSON (${(error as Error).message}); ${SHAPE}`);
  }
  if (!isRecord(parsed) || !Array.isArray(parsed.commands)) throw new AllowlistError(`invalid allowlist ${path}: ${SHAPE}`);
  const entries: string[] = [];
  for (const entry of parsed.commands as unknown[]) {
    if (typeof entry !== "string" || entry.trim() === "" || entry.includes("\0")) {
      throw new AllowlistError(`invalid allowlist ${path}: every command must be a non-empty string; ${SHAPE}`);
    }
    if (hasSlash(entry) && !isAbsolute(entry)) throw new AllowlistError(`invalid allowlist ${path}: "${entry}" must be an absolute path or a bare name`);
    entries.push(entry);
  }
  return Object.freeze({ path, exists: true, entries: Object.freeze(entries) });
}

function hasSlash(name: string): boolean {
  return name.includes("/") || (process.platform === "win32" && name.includes("\\"));
}

/**
 * The absolute path `name` runs as, or null. Bare names are looked up on `pathEnv` only (not in
 * the caller's working directory); names with a slash are taken relative to `cwd`.
 */
export function resolveExecutable(name: string, pathEnv: string | undefined, cwd?: string): string | null {
  if (hasSlash(name)) return Bun.which(resolve(cwd ?? ".", name));
  return Bun.which(name, { PATH: pathEnv ?? "" });
}

/** Whether the executable at `resolved` (absolute) may run. */
export function isAllowed(list: Allowlist, resolved: string, pathEnv: string | undefined): boolean {
  return list.entries.some((entry) => (hasSlash(entry) ? entry === resolved : resolveExecutable(entry, pathEnv) === resolved));
}
