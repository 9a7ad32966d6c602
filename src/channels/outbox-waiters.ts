/**
 * Callers waiting for an outbox item to settle (`send` answers once its message is out): each
 * gets the item when it is sent or failed, or as it stands at its deadline or when the worker
 * stops. Keyed by idempotency key, so repeats of one `send` all learn the same outcome.
 */
import type { OutboxItem } from "./store-types.ts";

export class OutboxWaiters {
  private readonly waiting = new Map<string, Set<(item: OutboxItem) => void>>();

  /** Resolves with the settled item, or with `current()` after `timeoutMs`. */
  wait(idempotencyKey: string, timeoutMs: number, current: () => OutboxItem): Promise<OutboxItem> {
    return new Promise((resolve) => {
      const waiters = this.waiting.get(idempotencyKey) ?? new Set();
      this.waiting.set(idempotencyKey, waiters);
      const done = (settled: OutboxItem) => {
        clearTimeout(timer);
        waiters.delete(done);
        if (waiters.size === 0) this.waiting.delete(idempotencyKey);
        resolve(settled);
      };
      const timer = setTimeout(() => done(current()), timeoutMs);
      waiters.add(done);
    });
  }

  /** Tells everyone waiting for this item's key. */
  settled(item: OutboxItem): void {
    for (const resolve of [...(this.waiting.get(item.idempotencyKey) ?? [])]) resolve(item);
  }

  /** Answers every waiter now with the item as `lookup` finds it (the worker is stopping). */
  releaseAll(lookup: (idempotencyKey: string) => OutboxItem | null): void {
    for (const key of [...this.waiting.keys()]) {
      const item = lookup(key);
      if (item) for (const resolve of [...(this.waiting.get(key) ?? [])]) resolve(item);
    }
    this.waiting.clear();
  }
}
