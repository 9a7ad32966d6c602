/**
 * Baileys' `AuthenticationState` over the gateway store (user-needs B4): creds in one row, each
 * signal key in one row, and every `keys.set` one SQLite transaction. Baileys batches a
 * message's key changes and commits them with a single `set` (`addTransactionCapability`), so
 * a crash leaves the Signal state as it was before or after that commit, never in between.
 *
 * Pre-keys: Baileys deletes one (`set` to null) only when a contact's first message consumes
 * it (libsignal's `removePreKey`). Uploaded pre-keys nobody used are never deleted: when the
 * server's pool runs dry Baileys uploads 812 new ones and the old local copies stay for ever,
 * which is how multi-file folders collect thousands of files. So every `saveCreds` that sees
 * `firstUnuploadedPreKeyId` move drops uploaded pre-keys older than the newest `preKeysKept`.
 * Deleting one the server still hands out costs a contact one failed first message, which
 * Baileys' retry receipt repairs; keeping two full uploads' worth makes that unlikely.
 *
 * Baileys is imported on the first open only, never on the gateway's start path.
 */
import type { Database } from "bun:sqlite";
import type { AuthenticationCreds, AuthenticationState, SignalDataSet, SignalDataTypeMap, SignalKeyStore } from "@whiskeysockets/baileys";
import { WhatsAppAuthStore, type KeyChange, type LegacyMove } from "../../store/whatsapp-auth.ts";
import { writeAuthBackup } from "./auth-backup.ts";
import type { AuthCommitKind, WhatsAppMetrics } from "./metrics.ts";
import { multiFileId } from "./multi-file-layout.ts";

type Baileys = typeof import("@whiskeysockets/baileys");

/** Baileys' (pino-shaped) logger interface; `socket.ts`'s `baileysLogger` builds one over ours. */
export type AuthStateLogger = NonNullable<Parameters<Baileys["makeCacheableSignalKeyStore"]>[1]>;

export interface OpenWhatsAppAuthStateOptions {
  /** The gateway store (`openStore`), migrated. */
  db: Database;
  accountId: string;
  /** The state dir: `clear()` writes its backup to `<stateDir>/credentials/whatsapp/<accountId>/`. */
  stateDir: string;
  /** Gets the key cache's traces and our own notes (pre-key collection, clear). Default: none. */
  logger?: AuthStateLogger;
  /** Clock for `updated_at` and backup names. Default `Date.now`. */
  now?: () => number;
  /** Uploaded pre-keys kept by the automatic collection. Default 1624 (twice Baileys' upload of 812). */
  preKeysKept?: number;
  /** Counts and times every commit (`whatsappMetrics(registry)`). Default: none. */
  metrics?: WhatsAppMetrics;
}

export interface WhatsAppAuthState {
  readonly accountId: string;
  /** Pass as `auth` to the socket. `keys` is wrapped in Baileys' `makeCacheableSignalKeyStore`. */
  readonly state: AuthenticationState;
  /** Whether the creds are linked to a phone (`creds.me.id`); fresh creds register a new link. */
  readonly linked: boolean;
  /** Commits `state.creds` (call on every `creds.update`); also collects old pre-keys. */
  saveCreds(): Promise<void>;
  /**
   * For an explicit logout only: backs the account's creds and keys up (0600 JSON under the
   * account dir), then deletes them. Later writes through this state are ignored; open a new
   * one to link again. `backup` is null when there was nothing to keep.
   */
  clear(): Promise<{ backup: string | null }>;
  /** Deletes uploaded pre-keys older than the newest `keep` (default `preKeysKept`); returns how many. */
  gcPreKeys(options?: { keep?: number }): number;
}

export async function openWhatsAppAuthState(options: OpenWhatsAppAuthStateOptions): Promise<WhatsAppAuthState> {
  const baileys = await import("@whiskeysockets/baileys");
  const { BufferJSON, proto } = baileys;
  const { db, accountId, stateDir, logger } = options;
  const now = options.now ?? Date.now;
  const preKeysKept = Math.max(0, options.preKeysKept ?? 2 * baileys.INITIAL_PREKEY_COUNT);
  const store = new WhatsAppAuthStore(db);
  const encode = (value: unknown) => JSON.stringify(value, BufferJSON.replacer);
  // The reviver also turns numeric-keyed objects into Buffers; it only ever sees our own values.
  const decode = (type: string, text: string): unknown => {
    const value = JSON.parse(text, BufferJSON.reviver);
    return type === "app-state-sync-key" ? proto.Message.AppStateSyncKeyData.fromObject(value) : value;
  };

  const stored = store.readCreds(accountId);
  const creds: AuthenticationCreds = stored === null ? baileys.initAuthCreds() : JSON.parse(stored, BufferJSON.reviver);
  // Persisted at once so the noise key (and a QR shown with it) survives a restart before linking.
  if (stored === null) store.writeCreds(accountId, encode(creds), now());

  /** Only commits that went through are counted: a refused one throws past the count. */
  const timed = (kind: AuthCommitKind, commit: () => void): void => {
    const started = performance.now();
    commit();
    options.metrics?.authCommit(kind, (performance.now() - started) / 1000);
  };

  let cleared = false;
  let legacyLeft = store.hasLegacyKeys(accountId);
  // Null until the first saveCreds, which then collects once: an imported session with a pile of
  // pre-keys is cleaned up on its first connect, under the account lock, never by a mere open.
  let collectedAt: number | null = null;

  /** Keys imported from a multi-file session: found by the file name Baileys would have used. */
  const readLegacy = (type: string, missing: string[], found: Map<string, string>): void => {
    const rows = store.readLegacyKeys(accountId, type, [...new Set(missing.map(multiFileId))]);
    if (rows.size === 0) return;
    const moves: LegacyMove[] = [];
    for (const id of missing) {
      const fileId = multiFileId(id);
      const value = rows.get(fileId);
      if (value === undefined) continue;
      found.set(id, value);
      moves.push({ type, id, fileId, value });
    }
    store.promoteLegacyKeys(accountId, moves);
    legacyLeft = store.hasLegacyKeys(accountId);
  };

  // No `clear()` on purpose: the only way to delete an account's keys is `clear()` below, with
  // its backup (the cache wrapper's `clear()` then just empties the cache).
  const raw: SignalKeyStore = {
    get<T extends keyof SignalDataTypeMap>(type: T, ids: string[]) {
      const found = store.readKeys(accountId, type, ids);
      if (legacyLeft && found.size < ids.length) readLegacy(type, ids.filter((id) => !found.has(id)), found);
      const out: { [id: string]: SignalDataTypeMap[T] } = {};
      for (const [id, text] of found) out[id] = decode(type, text) as SignalDataTypeMap[T];
      return out;
    },
    set(data: SignalDataSet) {
      if (cleared) {
        logger?.debug({ accountId }, "whatsapp auth state was cleared; ignoring a late key write");
        return;
      }
      const changes: KeyChange[] = [];
      for (const [type, entries] of Object.entries(data)) {
        for (const [id, value] of Object.entries(entries ?? {})) changes.push({ type, id, value: value == null ? null : encode(value) });
      }
      const superseded = legacyLeft ? changes.map((change) => ({ type: change.type, fileId: multiFileId(change.id) })) : [];
      timed("keys", () => store.applyKeyChanges(accountId, changes, superseded));
    },
  };
  const cached = baileys.makeCacheableSignalKeyStore(raw, logger);
  // The cache takes a batch before the store does; when the store refuses it, the cache would
  // serve keys that were never committed, so it is emptied and reads go back to the store.
  const keys: SignalKeyStore = {
    get: (type, ids) => cached.get(type, ids),
    async set(data) {
      try {
        await cached.set(data);
      } catch (error) {
        await cached.clear?.();
        throw error;
      }
    },
    clear: () => cached.clear?.(),
  };

  const gcPreKeys = ({ keep = preKeysKept }: { keep?: number } = {}): number => {
    collectedAt = creds.firstUnuploadedPreKeyId;
    // Creds written by an old Baileys may lack the counter; then nothing is known to be uploaded.
    if (!Number.isSafeInteger(collectedAt)) return 0;
    const deleted = store.deletePreKeysBelow(accountId, collectedAt - Math.max(0, keep));
    if (deleted > 0) logger?.debug({ accountId, deleted }, "collected old whatsapp pre-keys");
    return deleted;
  };

  return {
    accountId,
    state: { creds, keys },
    get linked() {
      return !!creds.me?.id;
    },
    async saveCreds() {
      if (cleared) {
        logger?.debug({ accountId }, "whatsapp auth state was cleared; ignoring a late creds write");
        return;
      }
      timed("creds", () =>
        db.transaction(() => {
          store.writeCreds(accountId, encode(creds), now());
          if (collectedAt !== creds.firstUnuploadedPreKeyId) gcPreKeys();
        })(),
      );
    },
    async clear() {
      // Frozen first, so nothing lands between the export and the delete and escapes the backup.
      cleared = true;
      try {
        const auth = store.exportAccount(accountId);
        const empty = auth.creds === null && auth.keys.length === 0 && auth.legacyKeys.length === 0;
        const backup = empty ? null : await writeAuthBackup({ stateDir, accountId, auth, now: now() });
        await keys.clear?.();
        store.deleteAuth(accountId);
        logger?.info({ accountId, backup }, "whatsapp auth state cleared");
        return { backup };
      } catch (error) {
        cleared = false;
        throw error;
      }
    },
    gcPreKeys,
  };
}
