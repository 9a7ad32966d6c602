/**
 * Backups of an account's WhatsApp auth state, taken before anything deletes or replaces it
 * (an explicit logout, `doctor --import --force`): user-needs B4 says credentials are never
 * removed without one. The file is written and fsynced before the caller deletes anything,
 * so a crash in between leaves both copies rather than neither.
 */
import { constants } from "node:fs";
import { chmod, mkdir, open } from "node:fs/promises";
import { join } from "node:path";
import type { AccountAuthExport } from "../../store/whatsapp-auth.ts";

export const AUTH_BACKUP_VERSION = 1;

export class WhatsAppAccountIdError extends Error {
  override name = "WhatsAppAccountIdError";
}

/** `<stateDir>/credentials/whatsapp/<accountId>`; the id must be one plain path segment. */
export function whatsAppAccountDir(stateDir: string, accountId: string): string {
  if (accountId === "" || accountId === "." || accountId === ".." || /[/\\\0]/.test(accountId)) {
    throw new WhatsAppAccountIdError(`"${accountId}" cannot be a WhatsApp account id: it must be a plain name (no slashes, not "." or "..")`);
  }
  return join(stateDir, "credentials", "whatsapp", accountId);
}

export interface WriteAuthBackupOptions {
  stateDir: string;
  accountId: string;
  /** What the store held (`WhatsAppAuthStore.exportAccount`). */
  auth: AccountAuthExport;
  /** Names the file (`backup-<ISO time>.json`). */
  now: number;
}

/** The backup as JSON: values stay in BufferJSON form, exactly as they were stored. */
function backupDocument(accountId: string, auth: AccountAuthExport, now: number): string {
  const byType = (rows: AccountAuthExport["keys"]) => {
    const out: Record<string, Record<string, unknown>> = {};
    for (const row of rows) (out[row.type] ??= {})[row.id] = JSON.parse(row.value);
    return out;
  };
  return JSON.stringify({
    version: AUTH_BACKUP_VERSION,
    accountId,
    createdAt: new Date(now).toISOString(),
    creds: auth.creds === null ? null : JSON.parse(auth.creds),
    keys: byType(auth.keys),
    // Keys imported from a multi-file session and never read since, under their file names.
    legacyKeys: byType(auth.legacyKeys),
  });
}

/** Writes `<accountDir>/backup-<ts>.json` (mode 0600, dir 0700) durably; returns its path. */
export async function writeAuthBackup(options: WriteAuthBackupOptions): Promise<string> {
  const dir = whatsAppAccountDir(options.stateDir, options.accountId);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const text = backupDocument(options.accountId, options.auth, options.now);
  const stamp = new Date(options.now).toISOString().replace(/[:.]/g, "-");
  for (let attempt = 0; ; attempt++) {
    const path = join(dir, `backup-${stamp}${attempt === 0 ? "" : `-${attempt}`}.json`);
    let file;
    try {
      file = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
    } catch (error) {
      // Two backups in one millisecond: never overwrite the first.
      if ((error as NodeJS.ErrnoException).code === "EEXIST" && attempt < 100) continue;
      throw error;
    }
    try {
      await file.writeFile(text);
      await file.sync();
    } finally {
      await file.close();
    }
    await chmod(path, 0o600);
    await syncDir(dir);
    return path;
  }
}

/** Makes the new directory entry durable too; not every platform can open a directory. */
async function syncDir(dir: string): Promise<void> {
  try {
    const handle = await open(dir, "r");
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Windows cannot fsync a directory; the file itself is synced.
  }
}
