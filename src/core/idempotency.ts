/**
 * One idempotency cache for every side-effecting method (`node.invoke` now; `send` and `agent`
 * later). A repeat of a key while the first call runs shares its result; a repeat after it
 * finished gets the stored outcome instead of doing the work again. Outcomes live 5 minutes;
 * memory holds the newest entries, and methods whose work must never run twice also write
 * the outcome to the store, so a retry after a restart is answered from there.
 */
import type { ErrorShape } from "../../protocol/frames.ts";
import type { IdempotencyRecords } from "../store/idempotency-records.ts";

export const IDEMPOTENCY_TTL_MS = 5 * 60_000;
export const IDEMPOTENCY_MAX_ENTRIES = 2000;

export type Outcome = { ok: true; payload: unknown } | { ok: false; error: ErrorShape; payload?: unknown };

/** Thrown by work whose failure is a result (the node answered with an error), so it is cached. */
export interface CacheableFailure {
  toShape(): ErrorShape;
  /** Sent beside the error (the `agent` method's final `{runId, status: "error"}`). */
  payload?: unknown;
}

interface Entry {
  atMs: number;
  outcome: Outcome | null;
  running: Promise<Outcome> | null;
}

export interface IdempotencyCacheOptions {
  /** Where persisted outcomes live; null keeps everything in memory. */
  records: IdempotencyRecords | null;
  now: () => number;
  /** Which thrown values are results to remember (an RpcError), not accidents. */
  isCacheableFailure: (error: unknown) => error is CacheableFailure;
  /** Default 5 minutes. */
  ttlMs?: number;
  /** Newest entries kept in memory; default 2000. */
  maxEntries?: number;
}

export class IdempotencyCache {
  private readonly memory = new Map<string, Entry>();
  private readonly records: IdempotencyRecords | null;
  private readonly now: () => number;
  private readonly isCacheableFailure: (error: unknown) => error is CacheableFailure;
  private readonly ttlMs: number;
  private readonly maxEntries: number;

  constructor(options: IdempotencyCacheOptions) {
    this.records = options.records;
    this.now = options.now;
    this.isCacheableFailure = options.isCacheableFailure;
    this.ttlMs = options.ttlMs ?? IDEMPOTENCY_TTL_MS;
    this.maxEntries = options.maxEntries ?? IDEMPOTENCY_MAX_ENTRIES;
  }

  /** A finished outcome or the running call for `key`, or null when the key is new (or expired). */
  lookup(key: string): Outcome | Promise<Outcome> | null {
    const entry = this.memory.get(key);
    if (entry && this.now() - entry.atMs < this.ttlMs) return entry.outcome ?? entry.running;
    const row = this.records?.get(key);
    if (row && this.now() - row.createdAtMs < this.ttlMs) return JSON.parse(row.outcome) as Outcome;
    return null;
  }

  /**
   * Runs `work` under `key`. Its value, or a cacheable failure it throws, becomes the stored
   * outcome; any other error is not remembered (nothing happened that a retry could repeat).
   */
  run(key: string, work: () => Promise<unknown>, options: { persist: boolean; interrupted?: Outcome }): Promise<Outcome> {
    const atMs = this.now();
    // What a retry after a crash or restart gets while this runs: the work is never done twice,
    // and the caller learns that it was cut short. The real outcome overwrites it.
    if (options.persist && options.interrupted) this.persist(key, options.interrupted, atMs);
    const running = work().then(
      (payload): Outcome => ({ ok: true, payload }),
      (error): Outcome => {
        if (this.isCacheableFailure(error)) return { ok: false, error: error.toShape(), ...(error.payload !== undefined ? { payload: error.payload } : {}) };
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
    this.records?.put(key, JSON.stringify(outcome), atMs, this.now() - this.ttlMs);
  }
}
