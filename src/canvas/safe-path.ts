/**
 * The one primitive the canvas host uses to turn a URL path into a file on disk. Everything a
 * client sends is treated as hostile: the only way to get a path back is for its fully resolved
 * real location (symlinks followed) to sit inside the real location of the root.
 */
import { lstat, realpath, stat } from "node:fs/promises";
import path from "node:path";

/** Why a path was refused; for debug logs only, never for the client (which always sees 404). */
export type SafePathRefusal = "malformed" | "forbidden" | "outside" | "not-found";

export type SafePathResult =
  | { ok: true; /** Real path of a regular file inside the root. */ path: string; size: number }
  | { ok: false; reason: SafePathRefusal };

// Errors a client can provoke with a crafted path; they mean "no such file", not a server fault.
const MISSING_CODES = new Set(["ENOENT", "ENOTDIR", "ELOOP", "ENAMETOOLONG", "EACCES", "EPERM"]);

function refuse(reason: SafePathRefusal): SafePathResult {
  return { ok: false, reason };
}

function isInside(realRoot: string, candidate: string): boolean {
  if (candidate === realRoot) return true;
  const prefix = realRoot.endsWith(path.sep) ? realRoot : realRoot + path.sep;
  return candidate.startsWith(prefix);
}

function isMissing(error: unknown): boolean {
  return MISSING_CODES.has((error as NodeJS.ErrnoException | null)?.code ?? "");
}

type Resolved = { real: string; isFile: boolean; isDirectory: boolean; size: number } | SafePathRefusal;

/** Follows every symlink in `candidate` and checks the result is still under the root. */
async function resolveInside(realRoot: string, candidate: string): Promise<Resolved> {
  try {
    const real = await realpath(candidate);
    if (!isInside(realRoot, real)) return "outside";
    const info = await stat(real);
    return { real, isFile: info.isFile(), isDirectory: info.isDirectory(), size: info.size };
  } catch (error) {
    if (isMissing(error)) return "not-found";
    throw error;
  }
}

/** The path below the root that `decoded` names, or null when it may not name anything. */
function relativeInside(decoded: string): string | null {
  // Backslashes are separators on Windows and NUL truncates paths in C APIs; no canvas needs them.
  if (decoded.includes("\0") || decoded.includes("\\")) return null;
  if (decoded.split("/").includes("..")) return null;
  // Anchoring at "/" before normalising means no input can produce a path above the root.
  return path.posix.normalize("/" + decoded).slice(1);
}

async function realRootOf(root: string): Promise<string | null> {
  try {
    return await realpath(root);
  } catch (error) {
    if (isMissing(error)) return null;
    throw error;
  }
}

/**
 * Maps `urlPath` (the still percent-encoded part of the URL after the host's prefix, without the
 * query string) to a regular file under `root`, or refuses. A directory maps to its `index.html`.
 * Throws only for unexpected filesystem errors (the caller answers 500).
 *
 * There is an unavoidable window between this check and the caller opening the file; the root
 * belongs to the gateway, so only a local user who can already write there could exploit it.
 */
export async function resolveSafePath(root: string, urlPath: string): Promise<SafePathResult> {
  // Decode exactly once: `%252e%252e` becomes the literal name `%2e%2e`, never `..`.
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return refuse("malformed");
  }
  const relative = relativeInside(decoded);
  if (relative === null) return refuse("forbidden");
  const realRoot = await realRootOf(root);
  if (realRoot === null) return refuse("not-found");

  const target = await resolveInside(realRoot, path.join(realRoot, relative));
  if (typeof target === "string") return refuse(target);
  if (target.isFile) return { ok: true, path: target.real, size: target.size };
  if (!target.isDirectory) return refuse("not-found");

  // index.html may itself be a symlink, so it gets the same containment check.
  const index = await resolveInside(realRoot, path.join(target.real, "index.html"));
  if (typeof index === "string") return refuse(index);
  if (!index.isFile) return refuse("not-found");
  return { ok: true, path: index.real, size: index.size };
}

export type SafeTargetResult =
  | { ok: true; /** Real path (symlinks followed), or where a missing entry would be created. */ path: string; kind: "file" | "directory" | "missing"; size: number }
  | { ok: false; reason: SafePathRefusal };

export interface SafeTargetOptions {
  /**
   * Accept a path that does not exist yet (a file about to be written): its nearest existing
   * ancestor gets the containment check, and no part of the missing rest may be a dangling
   * symlink (writing through one would create its target, wherever it points). Default false.
   */
  allowMissing?: boolean;
}

/**
 * For the agent's file tools: like `resolveSafePath`, but `relativePath` is a plain path (not
 * URL-encoded), a directory is returned as itself rather than its `index.html`, and with
 * `allowMissing` a not-yet-existing entry is accepted. The same refusals and the same
 * check-then-use window apply.
 */
export async function resolveSafeTarget(root: string, relativePath: string, options: SafeTargetOptions = {}): Promise<SafeTargetResult> {
  const relative = relativeInside(relativePath);
  if (relative === null) return { ok: false, reason: "forbidden" };
  const realRoot = await realRootOf(root);
  if (realRoot === null) return { ok: false, reason: "not-found" };
  const candidate = path.join(realRoot, relative);
  const target = await resolveInside(realRoot, candidate);
  if (typeof target !== "string") {
    if (target.isFile) return { ok: true, path: target.real, kind: "file", size: target.size };
    if (target.isDirectory) return { ok: true, path: target.real, kind: "directory", size: target.size };
    return { ok: false, reason: "not-found" };
  }
  if (target !== "not-found" || !options.allowMissing) return { ok: false, reason: target };
  return resolveMissing(realRoot, candidate);
}

/** Walks up from a missing `candidate` to the nearest existing directory, which must be inside. */
async function resolveMissing(realRoot: string, candidate: string): Promise<SafeTargetResult> {
  const rest: string[] = [];
  let current = candidate;
  while (current !== realRoot) {
    // realpath failed, but lstat succeeding means something is there: a dangling or looping link.
    if (await exists(current)) return { ok: false, reason: "outside" };
    rest.unshift(path.basename(current));
    current = path.dirname(current);
    const ancestor = await resolveInside(realRoot, current);
    if (ancestor === "not-found") continue;
    if (typeof ancestor === "string") return { ok: false, reason: ancestor };
    if (!ancestor.isDirectory) return { ok: false, reason: "not-found" };
    return { ok: true, path: path.join(ancestor.real, ...rest), kind: "missing", size: 0 };
  }
  return { ok: false, reason: "not-found" };
}

async function exists(candidate: string): Promise<boolean> {
  try {
    await lstat(candidate);
    return true;
  } catch (error) {
    if (isMissing(error)) return false;
    throw error;
  }
}
