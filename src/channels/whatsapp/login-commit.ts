/**
 * Saving a finished link: the staged creds and every key Baileys wrote during the attempt
 * replace the account's auth state in one sqlite transaction, so the account has either its
 * old state or the complete new one, never a mix. It happens under the account's auth lock
 * (`auth-lock.ts`): a second gateway running the account on this state dir is refused here
 * rather than having its creds swapped under it. A state that was linked or held keys is
 * backed up to a file first (user-needs B4: credentials are never removed without a backup),
 * so a forced re-link keeps the old link's state on disk.
 */
import type { Database } from "bun:sqlite";
import { WhatsAppAuthStore } from "../../store/whatsapp-auth.ts";
import { writeAuthBackup } from "./auth-backup.ts";
import { acquireWhatsAppAuthLock } from "./auth-lock.ts";
import type { StagedAuth } from "./login-staged-auth.ts";

/** How long the commit waits for this process's own runner of the account to let the lock go. */
const LOCK_WAIT_MS = 10_000;

export interface CommitStagedAuthOptions {
  /** The gateway store, migrated. */
  db: Database;
  /** Where backups go (`<stateDir>/credentials/whatsapp/<accountId>/`). */
  stateDir: string;
  accountId: string;
  auth: StagedAuth;
  now: () => number;
}

/** Replaces the account's auth state with `auth`; returns the backup's path when there was something to back up. */
export async function commitStagedAuth(options: CommitStagedAuthOptions): Promise<string | null> {
  const { db, accountId, auth, now } = options;
  // Baileys is loaded already: the attempt's socket and creds came from it.
  const { BufferJSON } = await import("@whiskeysockets/baileys");
  const encode = (value: unknown) => JSON.stringify(value, BufferJSON.replacer);
  using _lock = await acquireWhatsAppAuthLock({ db, accountId, waitMs: LOCK_WAIT_MS, now });
  const store = new WhatsAppAuthStore(db);
  const previous = store.exportAccount(accountId);
  let backup: string | null = null;
  // Unlinked creds without keys are only the noise key of an earlier look at the account.
  if (store.linkedAs(accountId) !== null || previous.keys.length > 0 || previous.legacyKeys.length > 0) {
    backup = await writeAuthBackup({ stateDir: options.stateDir, accountId, auth: previous, now: now() });
  }
  const keys = Object.entries(auth.keys()).flatMap(([type, entries]) =>
    Object.entries(entries ?? {}).map(([id, value]) => ({ type, id, value: encode(value) })),
  );
  store.replaceAuth(accountId, { creds: encode(auth.state.creds), keys, legacyKeys: [], now: now() });
  return backup;
}
