/**
 * DM pairing (`PairingStore`, channels-and-models.md §3.4): an unknown sender gets a code, the
 * owner approves it, and the sender joins the account's allowed senders. A request lives 1 h
 * from its creation and is not renewed by repeats, so the code goes out about once an hour
 * per sender; each account keeps at most 3 pending, dropping the one seen least recently.
 */
import type { Database } from "bun:sqlite";
import { generatePairingCode, normalizePairingCode } from "../channels/pairing-codes.ts";
import type { PairingRequest, PairingStore } from "../channels/store-types.ts";

export const DM_PAIRING_TTL_MS = 60 * 60_000;
export const DM_PAIRING_MAX_PENDING = 3;

export interface SqlitePairingStoreOptions {
  /** Clock for `list()` when it is given no `now`. Default `Date.now`. */
  now?: () => number;
  /** How long a code is valid after its request was created. Default 1 h (`DM_PAIRING_TTL_MS`). */
  ttlMs?: number;
  /** Pending requests kept per channel account, at least 1. Default 3 (`DM_PAIRING_MAX_PENDING`). */
  maxPendingPerAccount?: number;
  /** Random source for codes, a uniform integer in `[0, max)`. Default `crypto.randomInt`. */
  random?: (max: number) => number;
}

interface RequestRow {
  channel: string;
  account_id: string;
  sender_id: string;
  code: string;
  created_at: number;
  last_seen_at: number;
  meta: string | null;
}

function toRequest(row: RequestRow): PairingRequest {
  return {
    channel: row.channel,
    accountId: row.account_id,
    senderId: row.sender_id,
    code: row.code,
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
    meta: row.meta === null ? null : (JSON.parse(row.meta) as PairingRequest["meta"]),
  };
}

type RequestForInput = Parameters<PairingStore["requestFor"]>[0];

export class SqlitePairingStore implements PairingStore {
  private readonly now: () => number;
  private readonly ttlMs: number;
  private readonly maxPending: number;
  private readonly random: ((max: number) => number) | undefined;

  constructor(
    private readonly db: Database,
    options: SqlitePairingStoreOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.ttlMs = options.ttlMs ?? DM_PAIRING_TTL_MS;
    this.maxPending = Math.max(1, options.maxPendingPerAccount ?? DM_PAIRING_MAX_PENDING);
    this.random = options.random;
  }

  requestFor(input: RequestForInput): { request: PairingRequest; created: boolean } {
    return this.db.transaction(() => this.requestInTransaction(input))();
  }

  private requestInTransaction({ channel, accountId, senderId, meta, now }: RequestForInput): { request: PairingRequest; created: boolean } {
    // Expired codes go first: then every row is pending, and "unique among pending" is the column's UNIQUE.
    this.db.query("DELETE FROM dm_pairing_requests WHERE created_at <= ?").run(now - this.ttlMs);
    const metaJson = meta ? JSON.stringify(meta) : null;
    const bumped = this.db
      .query("UPDATE dm_pairing_requests SET last_seen_at = ?, meta = COALESCE(?, meta) WHERE channel = ? AND account_id = ? AND sender_id = ?")
      .run(now, metaJson, channel, accountId, senderId);
    if (bumped.changes === 1) return { request: this.find(channel, accountId, senderId)!, created: false };

    const taken = this.db.query<{ one: number }, [string]>("SELECT 1 AS one FROM dm_pairing_requests WHERE code = ?");
    const code = generatePairingCode({ taken: (candidate) => taken.get(candidate) !== null, random: this.random });
    this.db
      .query("INSERT INTO dm_pairing_requests (channel, account_id, sender_id, code, created_at, last_seen_at, meta) VALUES (?, ?, ?, ?, ?, ?, ?)")
      .run(channel, accountId, senderId, code, now, now, metaJson);
    // The new request always stays (even if a clock step makes others look more recent); of
    // the others, the most recently seen fill the remaining places.
    this.db
      .query(
        `DELETE FROM dm_pairing_requests WHERE channel = ?1 AND account_id = ?2 AND sender_id != ?3 AND rowid NOT IN (
           SELECT rowid FROM dm_pairing_requests WHERE channel = ?1 AND account_id = ?2 AND sender_id != ?3
           ORDER BY last_seen_at DESC, created_at DESC, rowid DESC LIMIT ?4)`,
      )
      .run(channel, accountId, senderId, this.maxPending - 1);
    return { request: this.find(channel, accountId, senderId)!, created: true };
  }

  /** Pending requests, oldest first. */
  list(channel?: string, now = this.now()): PairingRequest[] {
    const cutoff = now - this.ttlMs;
    const rows =
      channel === undefined
        ? this.db.query<RequestRow, [number]>("SELECT * FROM dm_pairing_requests WHERE created_at > ? ORDER BY created_at, rowid").all(cutoff)
        : this.db
            .query<RequestRow, [number, string]>("SELECT * FROM dm_pairing_requests WHERE created_at > ? AND channel = ? ORDER BY created_at, rowid")
            .all(cutoff, channel);
    return rows.map(toRequest);
  }

  /** The code is matched as issued, whatever case the owner typed it in. */
  approve(channel: string, code: string, now: number, accountId?: string): PairingRequest | null {
    return this.db.transaction(() => {
      const row = this.db
        .query<RequestRow, [string, string, number, string | null]>(
          "SELECT * FROM dm_pairing_requests WHERE channel = ?1 AND code = ?2 AND created_at > ?3 AND (?4 IS NULL OR account_id = ?4)",
        )
        .get(channel, normalizePairingCode(code), now - this.ttlMs, accountId ?? null);
      if (!row) return null;
      this.db.query("DELETE FROM dm_pairing_requests WHERE channel = ? AND account_id = ? AND sender_id = ?").run(row.channel, row.account_id, row.sender_id);
      // A sender approved before keeps the first approval time.
      this.db
        .query("INSERT INTO dm_allowed_senders (channel, account_id, sender_id, approved_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING")
        .run(row.channel, row.account_id, row.sender_id, now);
      return toRequest(row);
    })();
  }

  isAllowed(channel: string, accountId: string, senderId: string): boolean {
    return (
      this.db
        .query<{ one: number }, [string, string, string]>("SELECT 1 AS one FROM dm_allowed_senders WHERE channel = ? AND account_id = ? AND sender_id = ?")
        .get(channel, accountId, senderId) !== null
    );
  }

  /** Sender ids in the order they were approved. */
  allowed(channel: string, accountId: string): string[] {
    return this.db
      .query<{ sender_id: string }, [string, string]>("SELECT sender_id FROM dm_allowed_senders WHERE channel = ? AND account_id = ? ORDER BY approved_at, sender_id")
      .all(channel, accountId)
      .map((row) => row.sender_id);
  }

  private find(channel: string, accountId: string, senderId: string): PairingRequest | null {
    const row = this.db
      .query<RequestRow, [string, string, string]>("SELECT * FROM dm_pairing_requests WHERE channel = ? AND account_id = ? AND sender_id = ?")
      .get(channel, accountId, senderId);
    return row ? toRequest(row) : null;
  }
}
