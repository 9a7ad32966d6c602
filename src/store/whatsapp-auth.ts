/**
 * The WhatsApp (Baileys) auth state in SQL (migration 5): one creds row per account and one row
 * per signal key. Values are text the caller encoded with Baileys' `BufferJSON`; this layer
 * never parses them, so neither it nor `doctor --import` loads Baileys.
 *
 * Keys imported from a multi-file session whose file name may not be the key's id (Baileys
 * turned `:` into `-` and `/` into `__`) sit in `whatsapp_legacy_keys` under that file name
 * until the first read asks for them, then move into `whatsapp_keys` under the real id.
 */
import type { Database } from "bun:sqlite";

export interface KeyRow {
  type: string;
  id: string;
  value: string;
}

/** One change of a `keys.set`: a new value, or null to delete the key. */
export interface KeyChange {
  type: string;
  id: string;
  value: string | null;
}

/** A legacy key found under its file name, and the real id it is moved to. */
export interface LegacyMove {
  type: string;
  id: string;
  fileId: string;
  value: string;
}

/** Everything an account's auth state holds, as stored: for backups and imports. */
export interface AccountAuthExport {
  creds: string | null;
  keys: KeyRow[];
  /** `id` is the multi-file file name id here. */
  legacyKeys: KeyRow[];
}

export class WhatsAppAuthStore {
  constructor(private readonly db: Database) {}

  readCreds(accountId: string): string | null {
    return this.db.query<{ creds: string }, [string]>("SELECT creds FROM whatsapp_creds WHERE account_id = ?").get(accountId)?.creds ?? null;
  }

  writeCreds(accountId: string, creds: string, now: number): void {
    this.db
      .query(
        "INSERT INTO whatsapp_creds (account_id, creds, updated_at) VALUES (?, ?, ?) ON CONFLICT(account_id) DO UPDATE SET creds = excluded.creds, updated_at = excluded.updated_at",
      )
      .run(accountId, creds, now);
  }

  /** The phone JID the stored creds are linked as (`creds.me.id`), or null (none, or never linked). */
  linkedAs(accountId: string): string | null {
    const row = this.db
      .query<{ me: string | null }, [string]>("SELECT json_extract(creds, '$.me.id') AS me FROM whatsapp_creds WHERE account_id = ? AND json_valid(creds)")
      .get(accountId);
    return typeof row?.me === "string" && row.me !== "" ? row.me : null;
  }

  /** The stored values of `ids` that exist, by id; one query whatever the number of ids. */
  readKeys(accountId: string, type: string, ids: readonly string[]): Map<string, string> {
    if (ids.length === 0) return new Map();
    const rows = this.db
      .query<{ id: string; value: string }, [string, string, string]>(
        "SELECT id, value FROM whatsapp_keys WHERE account_id = ? AND type = ? AND id IN (SELECT value FROM json_each(?))",
      )
      .all(accountId, type, JSON.stringify(ids));
    return new Map(rows.map((row) => [row.id, row.value]));
  }

  /**
   * Applies every change in one transaction, so a Baileys commit lands whole or not at all.
   * `supersededLegacy` (file ids per type) drops legacy copies the new values replace.
   */
  applyKeyChanges(accountId: string, changes: readonly KeyChange[], supersededLegacy: readonly { type: string; fileId: string }[] = []): void {
    const upsert = this.db.query(
      "INSERT INTO whatsapp_keys (account_id, type, id, value) VALUES (?, ?, ?, ?) ON CONFLICT(account_id, type, id) DO UPDATE SET value = excluded.value",
    );
    const remove = this.db.query("DELETE FROM whatsapp_keys WHERE account_id = ? AND type = ? AND id = ?");
    const removeLegacy = this.db.query("DELETE FROM whatsapp_legacy_keys WHERE account_id = ? AND type = ? AND file_id = ?");
    this.db.transaction(() => {
      for (const change of changes) {
        if (change.value === null) remove.run(accountId, change.type, change.id);
        else upsert.run(accountId, change.type, change.id, change.value);
      }
      for (const legacy of supersededLegacy) removeLegacy.run(accountId, legacy.type, legacy.fileId);
    })();
  }

  hasLegacyKeys(accountId: string): boolean {
    return this.db.query<{ one: number }, [string]>("SELECT 1 AS one FROM whatsapp_legacy_keys WHERE account_id = ? LIMIT 1").get(accountId) !== null;
  }

  readLegacyKeys(accountId: string, type: string, fileIds: readonly string[]): Map<string, string> {
    if (fileIds.length === 0) return new Map();
    const rows = this.db
      .query<{ file_id: string; value: string }, [string, string, string]>(
        "SELECT file_id, value FROM whatsapp_legacy_keys WHERE account_id = ? AND type = ? AND file_id IN (SELECT value FROM json_each(?))",
      )
      .all(accountId, type, JSON.stringify(fileIds));
    return new Map(rows.map((row) => [row.file_id, row.value]));
  }

  /** Moves legacy keys under their real ids; a real row written meanwhile wins over the legacy copy. */
  promoteLegacyKeys(accountId: string, moves: readonly LegacyMove[]): void {
    const insert = this.db.query("INSERT INTO whatsapp_keys (account_id, type, id, value) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING");
    const remove = this.db.query("DELETE FROM whatsapp_legacy_keys WHERE account_id = ? AND type = ? AND file_id = ?");
    this.db.transaction(() => {
      for (const move of moves) {
        insert.run(accountId, move.type, move.id, move.value);
        remove.run(accountId, move.type, move.fileId);
      }
    })();
  }

  /** Deletes `pre-key` rows with a numeric id below `id`; returns how many. */
  deletePreKeysBelow(accountId: string, id: number): number {
    return this.db
      .query("DELETE FROM whatsapp_keys WHERE account_id = ? AND type = 'pre-key' AND CAST(id AS INTEGER) < ?")
      .run(accountId, id).changes;
  }

  /** Key counts by type (legacy keys included under their type), for status and tests. */
  countKeys(accountId: string): Record<string, number> {
    const rows = this.db
      .query<{ type: string; n: number }, [string, string]>(
        `SELECT type, SUM(n) AS n FROM (
           SELECT type, COUNT(*) AS n FROM whatsapp_keys WHERE account_id = ? GROUP BY type
           UNION ALL SELECT type, COUNT(*) AS n FROM whatsapp_legacy_keys WHERE account_id = ? GROUP BY type)
         GROUP BY type ORDER BY type`,
      )
      .all(accountId, accountId);
    return Object.fromEntries(rows.map((row) => [row.type, row.n]));
  }

  exportAccount(accountId: string): AccountAuthExport {
    return this.db.transaction(() => ({
      creds: this.readCreds(accountId),
      keys: this.db.query<KeyRow, [string]>("SELECT type, id, value FROM whatsapp_keys WHERE account_id = ? ORDER BY type, id").all(accountId),
      legacyKeys: this.db
        .query<KeyRow, [string]>("SELECT type, file_id AS id, value FROM whatsapp_legacy_keys WHERE account_id = ? ORDER BY type, file_id")
        .all(accountId),
    }))();
  }

  /**
   * Forgets the account's link: creds, keys and the sent messages kept for retries (they belong
   * to that link). The LID map stays: it describes other people, not our link.
   */
  deleteAuth(accountId: string): void {
    this.db.transaction(() => {
      for (const table of ["whatsapp_creds", "whatsapp_keys", "whatsapp_legacy_keys", "whatsapp_messages"]) {
        this.db.query(`DELETE FROM ${table} WHERE account_id = ?`).run(accountId);
      }
    })();
  }

  /** Replaces the account's whole auth state in one transaction (an import). */
  replaceAuth(accountId: string, auth: { creds: string; keys: readonly KeyRow[]; legacyKeys: readonly KeyRow[]; now: number }): void {
    const insertKey = this.db.query("INSERT INTO whatsapp_keys (account_id, type, id, value) VALUES (?, ?, ?, ?)");
    const insertLegacy = this.db.query("INSERT INTO whatsapp_legacy_keys (account_id, type, file_id, value) VALUES (?, ?, ?, ?)");
    this.db.transaction(() => {
      this.deleteAuth(accountId);
      this.writeCreds(accountId, auth.creds, auth.now);
      for (const key of auth.keys) insertKey.run(accountId, key.type, key.id, key.value);
      for (const key of auth.legacyKeys) insertLegacy.run(accountId, key.type, key.id, key.value);
    })();
  }
}
