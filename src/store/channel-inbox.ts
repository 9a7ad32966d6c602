/**
 * The channel inbox (`InboxStore`): every inbound message, written before the adapter tells
 * the platform it was received, so a crash loses nothing and a redelivery is recognised by
 * (channel, account, chat, messageId). Messages are stored as JSON so new fields need no
 * migration.
 */
import type { Database } from "bun:sqlite";
import type { InboxItem, InboxState, InboxStore } from "../channels/store-types.ts";
import type { InboundMessage } from "../channels/types.ts";

interface InboxRow {
  id: number;
  message: string;
  state: InboxState;
  received_at: number;
  done_at: number | null;
  note: string | null;
}

function toItem(row: InboxRow): InboxItem {
  return {
    id: row.id,
    message: JSON.parse(row.message) as InboundMessage,
    state: row.state,
    receivedAt: row.received_at,
    doneAt: row.done_at,
    note: row.note,
  };
}

/** Without a limit, `pending()` returns at most this many (a backlog is worked through in batches). */
const DEFAULT_PENDING_LIMIT = 1000;

export class SqliteInboxStore implements InboxStore {
  constructor(private readonly db: Database) {}

  accept(message: InboundMessage, receivedAt: number): { item: InboxItem; isNew: boolean } {
    const key = [message.channel, message.accountId, message.chat.id, message.messageId] as const;
    // The UNIQUE constraint decides, so two deliveries racing on one connection or two cannot both be new.
    const { changes } = this.db
      .query(
        `INSERT INTO channel_inbox (channel, account_id, chat_id, message_id, message, state, received_at)
         VALUES (?, ?, ?, ?, ?, 'pending', ?) ON CONFLICT DO NOTHING`,
      )
      .run(...key, JSON.stringify(message), receivedAt);
    const row = this.db
      .query<InboxRow, [string, string, string, string]>(
        "SELECT * FROM channel_inbox WHERE channel = ? AND account_id = ? AND chat_id = ? AND message_id = ?",
      )
      .get(...key)!;
    return { item: toItem(row), isNew: changes === 1 };
  }

  pending(limit = DEFAULT_PENDING_LIMIT): InboxItem[] {
    return this.db
      .query<InboxRow, [number]>("SELECT * FROM channel_inbox WHERE state = 'pending' ORDER BY id LIMIT ?")
      .all(limit)
      .map(toItem);
  }

  markDone(id: number, note: string, doneAt: number): void {
    this.db.query("UPDATE channel_inbox SET state = 'done', note = ?, done_at = ? WHERE id = ?").run(note, doneAt, id);
  }

  prune(beforeMs: number): number {
    return this.db.query("DELETE FROM channel_inbox WHERE state = 'done' AND done_at < ?").run(beforeMs).changes;
  }
}
