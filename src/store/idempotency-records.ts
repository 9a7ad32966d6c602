/** The `idempotency` table: outcomes of side-effecting requests that must survive a restart. */
import type { Database } from "bun:sqlite";

export interface IdempotencyRow {
  /** The outcome as JSON text, exactly as it was stored. */
  outcome: string;
  createdAtMs: number;
}

export class IdempotencyRecords {
  constructor(private readonly db: Database) {}

  get(key: string): IdempotencyRow | null {
    const row = this.db
      .query<{ outcome: string; created_at_ms: number }, [string]>("SELECT outcome, created_at_ms FROM idempotency WHERE key = ?")
      .get(key);
    return row ? { outcome: row.outcome, createdAtMs: row.created_at_ms } : null;
  }

  /** Stores an outcome and drops the ones older than `pruneBeforeMs`. */
  put(key: string, outcome: string, createdAtMs: number, pruneBeforeMs: number): void {
    this.db.query("DELETE FROM idempotency WHERE created_at_ms < ?").run(pruneBeforeMs);
    this.db.query("INSERT OR REPLACE INTO idempotency (key, outcome, created_at_ms) VALUES (?, ?, ?)").run(key, outcome, createdAtMs);
  }
}
