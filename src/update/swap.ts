/**
 * Puts a verified binary in place of the running one, keeping the old one as `<bin>.previous`
 * for `--rollback`. Both files live in the same directory, so every step is a rename on one
 * file system: at no moment is `<bin>` missing or half-written on POSIX (the old file is
 * hard-linked to `.previous` first, then the new one is renamed over `<bin>`). Windows cannot
 * rename over a running .exe but can rename it away, so there the old one moves first and is
 * moved back if the second rename fails.
 */
import { copyFile, link, rename, rm, stat, chmod } from "node:fs/promises";
import { UpdateError } from "./update-error.ts";

export const previousPath = (bin: string) => `${bin}.previous`;

/** `<from>` also reachable as `<to>` (a hard link; a copy where links are not supported). */
async function keepCopy(from: string, to: string): Promise<void> {
  await rm(to, { force: true });
  try {
    await link(from, to);
  } catch {
    await copyFile(from, to);
  }
}

function explain(error: unknown, bin: string): UpdateError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "EACCES" || code === "EPERM") return new UpdateError(`cannot replace ${bin}: permission denied (it belongs to another user; run the update as that user)`);
  return new UpdateError(`cannot replace ${bin}: ${(error as Error).message}`);
}

export async function replaceBinary(bin: string, fresh: string, platform: NodeJS.Platform = process.platform): Promise<void> {
  const previous = previousPath(bin);
  const mode = (await stat(bin)).mode & 0o777;
  await chmod(fresh, mode | 0o500);
  try {
    if (platform === "win32") {
      await rm(previous, { force: true });
      await rename(bin, previous);
      try {
        await rename(fresh, bin);
      } catch (error) {
        await rename(previous, bin);
        throw error;
      }
    } else {
      await keepCopy(bin, previous);
      await rename(fresh, bin);
    }
  } catch (error) {
    throw explain(error, bin);
  }
}

/** Swaps `<bin>` and `<bin>.previous`, so a second rollback undoes the first. */
export async function swapWithPrevious(bin: string, platform: NodeJS.Platform = process.platform): Promise<void> {
  const previous = previousPath(bin);
  if (!(await stat(previous).then((s) => s.isFile(), () => false))) {
    throw new UpdateError(`there is no previous binary to roll back to (${previous} does not exist; it is kept by openclaw update and install.sh)`);
  }
  const parked = `${bin}.rollback-${process.pid}`;
  try {
    if (platform === "win32") {
      await rename(bin, parked);
      try {
        await rename(previous, bin);
      } catch (error) {
        await rename(parked, bin);
        throw error;
      }
    } else {
      await keepCopy(bin, parked);
      await rename(previous, bin);
    }
    await rename(parked, previous);
  } catch (error) {
    // Only while `.previous` is untouched is the parked copy redundant; after the swap it is the newer binary.
    if (await stat(previous).then(() => true, () => false)) await rm(parked, { force: true }).catch(() => {});
    throw explain(error, bin);
  }
}
