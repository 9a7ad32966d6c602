/**
 * The channel outbox (`OutboxStore`): every message the gateway must send, keyed by an
 * idempotency key so a repeated `send` or a replayed reply is stored (and sent) once, and kept
 * across restarts with its attempts and backoff.
 */
import type { Database } from "bun:sqlite";
import type { EnqueueRequest, OutboxItem, OutboxState, OutboxStore } from "../channels/store-types.ts";
import type { OutboundMessage, SendResult } from "../channels/types.ts";

interface OutboxRow {
  id: number;
  idempotency_key: string;
  channel: string;
  account_id: string;
  message: string;
  state: OutboxState;
  attempts: number;
  next_attempt_at: number;
  created_at: number;
  sent_at: number | null;
  result: string | null;
  last_error: string | null;
  inbox_id: number | null;
}

function toItem(row: OutboxRow): OutboxItem {
  return {
    id: row.id,
    idempotencyKey: row.idempotency_key,
    channel: row.channel,
    accountId: row.account_id,
    message: JSON.parse(row.message) as OutboundMessage,
    state: row.state,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    createdAt: row.created_at,
    sentAt: row.sent_at,
    result: row.result === null ? null : (JSON.parse(row.result) as SendResult),
    lastError: row.last_error,
    inboxId: row.inbox_id,
  };
}

/** Without a limit, `due()` returns at most this many per call. */
const DEFAULT_DUE_LIMIT = 100;

export class SqliteOutboxStore implements OutboxStore {
  constructor(private readonly db: Database) {}

  enqueue(request: EnqueueRequest): { item: OutboxItem; isNew: boolean } {
    // The UNIQUE key decides, so a repeat racing the first cannot store a second copy.
    const { changes } = this.db
      .query(
        `INSERT INTO channel_outbox (idempotency_key, channel, account_id, message, state, attempts, next_attempt_at, created_at, inbox_id)
         VALUES (?, ?, ?, ?, 'pending', 0, ?, ?, ?) ON CONFLICT DO NOTHING`,
      )
      .run(request.idempotencyKey, request.channel, request.accountId, JSON.stringify(request.message), request.now, request.now, request.inboxId ?? null);
    return { item: this.get(request.idempotencyKey)!, isNew: changes === 1 };
  }

  get(idempotencyKey: string): OutboxItem | null {
    const row = this.db.query<OutboxRow, [string]>("SELECT * FROM channel_outbox WHERE idempotency_key = ?").get(idempotencyKey);
    return row ? toItem(row) : null;
  }

  byId(id: number): OutboxItem | null {
    const row = this.db.query<OutboxRow, [number]>("SELECT * FROM channel_outbox WHERE id = ?").get(id);
    return row ? toItem(row) : null;
  }

  /**
   * Oldest first (by id), so the messages of one chat go out in the order they were made. An
   * item this process is sending right now is `sending` too: the caller skips the ones it holds.
   */
  due(now: number, limit = DEFAULT_DUE_LIMIT): OutboxItem[] {
    return this.db
      .query<OutboxRow, [number, number]>(
        "SELECT * FROM channel_outbox WHERE state IN ('pending', 'sending') AND next_attempt_at <= ? ORDER BY id LIMIT ?",
      )
      .all(now, limit)
      .map(toItem);
  }

  /** Counts the attempt when it starts, so an item that crashes the process mid-send still runs out of attempts. */
  markSending(id: number): void {
    this.db.query("UPDATE channel_outbox SET state = 'sending', attempts = attempts + 1 WHERE id = ?").run(id);
  }

  markSent(id: number, result: SendResult, sentAt: number): void {
    this.db.query("UPDATE channel_outbox SET state = 'sent', result = ?, sent_at = ? WHERE id = ?").run(JSON.stringify(result), sentAt, id);
  }

  reschedule(id: number, nextAttemptAt: number, error: string): void {
    this.db.query("UPDATE channel_outbox SET state = 'pending', next_attempt_at = ?, last_error = ? WHERE id = ?").run(nextAttemptAt, error, id);
  }

  markFailed(id: number, error: string): void {
    this.db.query("UPDATE channel_outbox SET state = 'failed', last_error = ? WHERE id = ?").run(error, id);
  }

  nextAttemptAt(excludeIds: readonly number[] = []): number | null {
    // One fixed statement (prepared once): the earliest few, skipping the ones in flight here.
    const exclude = new Set(excludeIds);
    const rows = this.db
      .query<{ id: number; at: number }, [number]>(
        "SELECT id, next_attempt_at AS at FROM channel_outbox WHERE state IN ('pending', 'sending') ORDER BY next_attempt_at LIMIT ?",
      )
      .all(exclude.size + 1);
    return rows.find((row) => !exclude.has(row.id))?.at ?? null;
  }

  depth(): { count: number; oldestCreatedAt: number | null } {
    const row = this.db
      .query<{ count: number; oldest: number | null }, []>(
        "SELECT COUNT(*) AS count, MIN(created_at) AS oldest FROM channel_outbox WHERE state IN ('pending', 'sending')",
      )
      .get()!;
    return { count: row.count, oldestCreatedAt: row.oldest };
  }

  prune(beforeMs: number): number {
    return this.db.query("DELETE FROM channel_outbox WHERE state IN ('sent', 'failed') AND created_at < ?").run(beforeMs).changes;
  }
}
