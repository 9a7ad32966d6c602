/**
 * Whether a directory may hold this user's log files. The default log dir lives in a
 * world-writable place (`/tmp/openclaw`), so on a machine with several users it may have been
 * made by someone else, or planted as a symlink or a file. Logging into such a dir would mix
 * users' logs or let the other user swap our files for symlinks; those dirs are refused and the
 * per-user fallback is used instead.
 */
import { accessSync, constants, lstatSync, mkdirSync, statSync } from "node:fs";

/** The part of `fs.Stats` the decision needs (a real `lstat` result fits). */
export interface DirFacts {
  isDirectory(): boolean;
  isSymbolicLink(): boolean;
  uid: number;
  mode: number;
}

/**
 * Why a dir with these facts must not hold our logs, or null when it may. `uid` is this
 * process's uid; null (Windows, which has no uids or mode bits) skips the owner and mode checks.
 * Group-writable counts as writable by others: a group member could plant files as well.
 */
export function logDirProblem(dir: string, facts: DirFacts, uid: number | null): string | null {
  if (facts.isSymbolicLink()) return `${dir} is a symlink`;
  if (!facts.isDirectory()) return `${dir} is not a directory`;
  if (uid === null) return null;
  if (facts.uid !== uid) return `${dir} belongs to uid ${facts.uid}, not to this user (uid ${uid})`;
  if (facts.mode & 0o022) return `${dir} is writable by other users (mode ${(facts.mode & 0o777).toString(8).padStart(4, "0")})`;
  return null;
}

/**
 * Creates `dir` (mode 0700, parents too) when missing and says why it cannot be used, or null
 * when it can. `verify` applies `logDirProblem` (with `lstat`, so a symlink is seen as one);
 * without it the dir only has to be a writable directory, symlinks followed (a dir the user
 * named explicitly is theirs to choose).
 */
export function prepareLogDir(dir: string, verify: boolean, uid: number | null): string | null {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (error) {
    // Something else is in the way: let the checks below name it.
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") return `cannot create ${dir}: ${(error as Error).message}`;
  }
  try {
    const problem = verify ? logDirProblem(dir, lstatSync(dir), uid) : statSync(dir).isDirectory() ? null : `${dir} is not a directory`;
    if (problem) return problem;
    accessSync(dir, constants.W_OK | constants.X_OK);
    return null;
  } catch (error) {
    return `cannot use ${dir}: ${(error as Error).message}`;
  }
}
