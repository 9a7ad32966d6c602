/**
 * Per-account channel cursors (`CursorStore`): a value the adapter owns, such as the Telegram
 * update offset, kept so a restart resumes where the last run acknowledged.
 */
import type { Database } from "bun:sqlite";
import type { CursorStore } from "../channels/store-types.ts";

export class SqliteCursorStore implements CursorStore {
  constructor(private readonly db: Database) {}

  get(channel: string, accountId: string): string | null {
    const row = this.db
      .query<{ value: string }, [string, string]>("SELECT value FROM channel_cursors WHERE channel = ? AND account_id = ?")
      .get(channel, accountId);
    return row?.value ?? null;
  }

  set(channel: string, accountId: string, value: string): void {
    this.db
      .query("INSERT INTO channel_cursors (channel, account_id, value) VALUES (?, ?, ?) ON CONFLICT(channel, account_id) DO UPDATE SET value = excluded.value")
      .run(channel, accountId, value);
  }
}
