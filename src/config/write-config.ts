/**
 * Durable, atomic replacement of the config file. The new text goes to a temp file of its own
 * beside the target (random name, created exclusively, mode 0600) and is fsynced; the previous
 * file is kept as `<config>.bak`; a rename puts the new one in place and the directory is
 * fsynced so the rename itself survives a power cut. A crash therefore leaves the old file or
 * the new one, never half of one, plus at most a stale temp file (see `staleTempFiles`).
 *
 * Callers go through `updateConfig` (config-writer.ts), which serialises writes per path; this
 * module only makes one write safe on its own.
 */
import { randomBytes } from "node:crypto";
import { chmod, copyFile, mkdir, open, readdir, rename, rm, stat } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

/** A temp file no live writer can still be using: no write takes anywhere near this long. */
const ABANDONED_AFTER_MS = 60_000;

/**
 * `<config>.<pid>.<random>.tmp`. Random so two writes in one millisecond (or two processes)
 * never share a file; the pid tells a later start whether the writer may still be running.
 */
function tempPathFor(path: string): string {
  return `${path}.${process.pid}.${randomBytes(8).toString("hex")}.tmp`;
}

/** Replaces `path` with `text` as described above; `keepBackup` (default true) keeps the previous file as `.bak`. */
export async function writeConfigAtomic(path: string, text: string, keepBackup = true): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const temp = tempPathFor(path);
  // `wx`: never write into (or, below, remove) a file someone else created under that name.
  const handle = await open(temp, "wx", 0o600);
  try {
    try {
      await handle.writeFile(text, "utf8");
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (keepBackup) await backUp(path);
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await syncDirectory(dir);
}

async function backUp(path: string): Promise<void> {
  try {
    await copyFile(path, `${path}.bak`);
    await chmod(`${path}.bak`, 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
}

async function syncDirectory(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, "r");
    await handle.sync();
  } catch (error) {
    // Some platforms and filesystems cannot open or fsync a directory; the rename is done.
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "EISDIR" && code !== "EPERM" && code !== "EINVAL" && code !== "EACCES") throw error;
  } finally {
    await handle?.close();
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Temp files beside `path` left by writes that never finished (`<config>.*.tmp`). Kept are only
 * those of another process that is still alive and wrote within the last minute: that writer may
 * be about to rename its file. Ours are included, so call this where none of our writes runs.
 */
export async function staleTempFiles(path: string, now = Date.now()): Promise<string[]> {
  const prefix = `${basename(path)}.`;
  const names = await readdir(dirname(path)).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return [] as string[];
    throw error;
  });
  const stale: string[] = [];
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith(".tmp")) continue;
    const file = join(dirname(path), name);
    const pid = Number(/^(\d+)\./.exec(name.slice(prefix.length))?.[1]);
    const othersLive = Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid);
    if (othersLive) {
      const modified = await stat(file).then((s) => s.mtimeMs, () => null);
      if (modified === null || now - modified < ABANDONED_AFTER_MS) continue;
    }
    stale.push(file);
  }
  return stale;
}
