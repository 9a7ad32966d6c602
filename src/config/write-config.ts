/**
 * Atomic config writes: the new text goes to a temp file beside the target (mode 0600), the
 * previous file is kept as `<config>.bak`, and a rename puts the new one in place, so a crash
 * leaves either the old or the new file, never half of one.
 */
import { chmod, copyFile, mkdir, rename, rm, writeFile } from "node:fs/promises";
import { dirname } from "node:path";

export async function writeConfigAtomic(path: string, text: string, keepBackup = true): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const temp = `${path}.${process.pid}.${Date.now()}.tmp`;
  try {
    await writeFile(temp, text, { mode: 0o600 });
    await chmod(temp, 0o600);
    if (keepBackup) {
      await copyFile(path, `${path}.bak`).then(
        () => chmod(`${path}.bak`, 0o600),
        (error: NodeJS.ErrnoException) => {
          if (error.code !== "ENOENT") throw error;
        },
      );
    }
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
