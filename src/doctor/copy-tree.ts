/**
 * Copies a directory tree for migrations and imports: never overwrites, never deletes the
 * source, and makes the copy private (dirs 0700, files 0600 unless told otherwise), because a
 * state dir holds tokens, keys and channel sessions.
 */
import { constants } from "node:fs";
import { chmod, copyFile, lstat, mkdir, readdir, readlink, symlink } from "node:fs/promises";
import { dirname, join } from "node:path";

export interface CopyOptions {
  /** The mode of copied files from the source's mode; default 0600. */
  fileMode?: (sourceMode: number) => number;
}

/** Copies `from` into `to` (created); returns the number of files copied. */
export async function copyTree(from: string, to: string, options: CopyOptions = {}): Promise<number> {
  const fileMode = options.fileMode ?? (() => 0o600);
  await mkdir(to, { recursive: true, mode: 0o700 });
  await chmod(to, 0o700);
  let count = 0;
  for (const entry of await readdir(from, { withFileTypes: true })) {
    const source = join(from, entry.name);
    const target = join(to, entry.name);
    if (entry.isDirectory()) {
      count += await copyTree(source, target, options);
    } else if (entry.isFile()) {
      await copyFile(source, target, constants.COPYFILE_EXCL);
      await chmod(target, fileMode((await lstat(source)).mode & 0o777));
      count++;
    } else if (entry.isSymbolicLink()) {
      await symlink(await readlink(source), target);
    }
    // sockets, fifos and devices are runtime leftovers, not state
  }
  return count;
}

/** Copies one file privately (0600), creating its dir (0700); false when the source is missing. */
export async function copyPrivateFile(from: string, to: string): Promise<boolean> {
  try {
    await mkdir(dirname(to), { recursive: true, mode: 0o700 });
    await copyFile(from, to);
    await chmod(to, 0o600);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw error;
  }
}
