/**
 * One idempotency cache for every side-effecting method (`node.invoke` now; `send` and `agent`
 * later). A repeat of a key while the first call runs shares its result; a repeat after it
 * finished gets the stored outcome instead of doing the work again. Outcomes live 5 minutes;
 * memory holds the newest entries, and methods whose work must never run twice also write
 * the outcome to the store, so a retry after a restart is answered from there.
 */
import type { Database } from "bun:sqlite";
import type { ErrorShape } from "../../protocol/frames.ts";

export const IDEMPOTENCY_TTL_MS = 5 * 60_000;
export const IDEMPOTENCY_MAX_ENTRIES = 2000;

export type Outcome = { ok: true; payload: unknown } | { ok: false; error: ErrorShape };

/** Thrown by work whose failure is a result (the node answered with an error), so it is cached. */
export interface CacheableFailure {
  toShape(): ErrorShape;
}

interface Entry {
  atMs: number;
  outcome: Outcome | null;
  running: Promise<Outcome> | null;
}

export class IdempotencyCache {
  private readonly memory = new Map<string, Entry>();

  constructor(
    private readonly db: Database | null,
    private readonly now: () => number,
    private readonly isCacheableFailure: (error: unknown) => error is CacheableFailure,
    private readonly ttlMs = IDEMPOTENCY_TTL_MS,
    private readonly maxEntries = IDEMPOTENCY_MAX_ENTRIES,
  ) {}

  /** A finished outcome or the running call for `key`, or null when the key is new (or expired). */
  lookup(key: string): Outcome | Promise<Outcome> | null {
    const entry = this.memory.get(key);
    if (entry && this.now() - entry.atMs < this.ttlMs) return entry.outcome ?? entry.running;
    const row = this.db
      ?.query<{ outcome: string; created_at_ms: number }, [string]>("SELECT outcome, created_at_ms FROM idempotency WHERE key = ?")
      .get(key);
    if (row && this.now() - row.created_at_ms < this.ttlMs) return JSON.parse(row.outcome) as Outcome;
    return null;
  }

  /**
   * Runs `work` under `key`. Its value, or a cacheable failure it throws, becomes the stored
   * outcome; any other error is not remembered (nothing happened that a retry could repeat).
   */
  run(key: string, work: () => Promise<unknown>, options: { persist: boolean }): Promise<Outcome> {
    const atMs = this.now();
    const running = work().then(
      (payload): Outcome => ({ ok: true, payload }),
      (error): Outcome => {
        if (this.isCacheableFailure(error)) return { ok: false, error: error.toShape() };
        this.memory.delete(key);
        throw error;
      },
    );
    const entry: Entry = { atMs, outcome: null, running };
    this.remember(key, entry);
    return running.then((outcome) => {
      entry.outcome = outcome;
      entry.running = null;
      if (options.persist) this.persist(key, outcome, atMs);
      return outcome;
    });
  }

  private remember(key: string, entry: Entry): void {
    this.memory.delete(key);
    this.memory.set(key, entry);
    const cutoff = this.now() - this.ttlMs;
    for (const [oldKey, old] of this.memory) {
      if (this.memory.size <= this.maxEntries && old.atMs >= cutoff) break;
      if (old.running) continue; // never forget a call that is still running
      this.memory.delete(oldKey);
    }
  }

  private persist(key: string, outcome: Outcome, atMs: number): void {
    if (!this.db) return;
    this.db.query("DELETE FROM idempotency WHERE created_at_ms < ?").run(this.now() - this.ttlMs);
    this.db.query("INSERT OR REPLACE INTO idempotency (key, outcome, created_at_ms) VALUES (?, ?, ?)").run(key, JSON.stringify(outcome), atMs);
  }
}
