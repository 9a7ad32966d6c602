/**
 * Sends what the outbox holds, once each (user-needs D1, D2): replies and `send` requests are
 * stored first, then sent by this worker through the account's adapter. Transient failures
 * are retried with backoff (the platform's `retry_after` wins when it is longer), a bounded
 * number of times; refusals and "not linked" are final at once. Items of one chat go out in
 * order, one at a time; different chats do not wait for each other.
 *
 * The worker wakes when something is enqueued and when a retry is due; with nothing waiting it
 * holds no timer at all (idle CPU budget). Items from before a restart are picked up at start,
 * and a retry an earlier process scheduled fires when the store says it is due.
 */
import { backoffDelay, type BackoffOptions } from "./backoff.ts";
import type { OutboxWorkerOptions } from "./outbox-options.ts";
import { OutboxWaiters } from "./outbox-waiters.ts";

export type { OutboxWorkerOptions, SenderLookup } from "./outbox-options.ts";
import type { EnqueueRequest, OutboxItem, OutboxStore } from "./store-types.ts";
import { ChannelSendError } from "./types.ts";

export const DEFAULT_MAX_ATTEMPTS = 8;
export const DEFAULT_OUTBOX_MAX_AGE_MS = 60 * 60_000;
const DUE_BATCH = 200;
/** What `stop()` waits for sends in flight before it gives up on them (they stay in the outbox). */
const STOP_WAIT_MS = 5000;

const isFinal = (item: OutboxItem) => item.state === "sent" || item.state === "failed";
const chatOf = (item: OutboxItem) => `${item.channel}\u0000${item.accountId}\u0000${item.message.to}`;

export class OutboxWorker {
  private readonly store: OutboxStore;
  private readonly maxAttempts: number;
  private readonly maxAgeMs: number;
  private readonly backoff: BackoffOptions;
  private running = false;
  /** Ids handed to a chat lane and not finished there yet. */
  private readonly held = new Set<number>();
  private readonly lanes = new Map<string, Promise<void>>();
  /** Retries this process scheduled: id → when. */
  private readonly retryAt = new Map<number, number>();
  /** Items waiting for their account to come back (not attempts): id → how many times so far. */
  private readonly waits = new Map<number, number>();
  /** A chat whose earlier item waits for a retry: later items wait behind it, so order holds. */
  private readonly blocked = new Map<string, { id: number; until: number }>();
  private readonly waiters = new OutboxWaiters();
  private timer: { at: number; handle: ReturnType<typeof setTimeout> } | null = null;
  private pumpQueued = false;

  constructor(private readonly options: OutboxWorkerOptions) {
    this.store = options.store;
    this.maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    this.maxAgeMs = options.maxAgeMs ?? DEFAULT_OUTBOX_MAX_AGE_MS;
    this.backoff = { initialMs: 2000, maxMs: 300_000, ...options.backoff };
  }

  start(): void {
    this.running = true;
    this.wake();
  }

  /** Stops taking items; sends in flight get a moment to finish. Waiters learn the current state. */
  async stop(): Promise<void> {
    this.running = false;
    this.clearTimer();
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([Promise.allSettled([...this.lanes.values()]), new Promise((resolve) => (timer = setTimeout(resolve, STOP_WAIT_MS)))]);
    clearTimeout(timer);
    this.waiters.releaseAll((key) => this.store.get(key));
  }

  /** Stores an item (a repeat key returns the stored one) and wakes the worker for a new one. */
  enqueue(request: EnqueueRequest): { item: OutboxItem; isNew: boolean } {
    const result = this.store.enqueue(request);
    if (result.isNew) this.wake();
    return result;
  }

  /** Nothing in flight and no timer armed: with nothing waiting, nothing wakes the worker (idle budget). */
  get idle(): boolean {
    return this.timer === null && this.held.size === 0 && !this.pumpQueued;
  }

  /** Whether an item with this key was ever enqueued (sent, failed or waiting). */
  has(idempotencyKey: string): boolean {
    return this.store.get(idempotencyKey) !== null;
  }

  /**
   * The item once it is sent or failed, or as it stands after `timeoutMs` (or when the worker
   * stops); null when no item has this key.
   */
  settled(idempotencyKey: string, timeoutMs: number): Promise<OutboxItem | null> {
    const item = this.store.get(idempotencyKey);
    // A stopped worker sends nothing more: waiting would only hold the caller until its timeout.
    if (!item || isFinal(item) || !this.running) return Promise.resolve(item);
    return this.waiters.wait(idempotencyKey, timeoutMs, () => this.store.get(idempotencyKey) ?? item);
  }

  /** Looks for due items soon (coalesced: many enqueues in one tick cause one look). */
  wake(): void {
    if (!this.running || this.pumpQueued) return;
    this.pumpQueued = true;
    queueMicrotask(() => {
      this.pumpQueued = false;
      this.pump();
    });
  }

  private pump(): void {
    if (!this.running) return;
    this.clearTimer();
    const due = this.store.due(this.options.now(), DUE_BATCH).filter((item) => !this.held.has(item.id));
    for (const item of due) {
      this.held.add(item.id);
      this.retryAt.delete(item.id);
      const chat = chatOf(item);
      const lane = (this.lanes.get(chat) ?? Promise.resolve()).then(() => this.attempt(item, chat));
      this.lanes.set(chat, lane);
      void lane.finally(() => {
        this.held.delete(item.id);
        if (this.lanes.get(chat) === lane) this.lanes.delete(chat);
        // A full batch means more may be due now; otherwise a retry it scheduled needs its timer.
        if (due.length === DUE_BATCH && this.held.size === 0) this.wake();
        else this.armTimer();
      });
    }
    this.armTimer();
  }

  private async attempt(queued: OutboxItem, chat: string): Promise<void> {
    if (!this.running) return;
    const now = this.options.now();
    // Re-read: a repeat or a crash recovery may have changed it since it was listed.
    const item = this.store.byId(queued.id) ?? queued;
    if (isFinal(item)) return;
    const { channel } = item;
    if (now - item.createdAt > this.maxAgeMs) {
      this.fail(item, `expired: not sent within ${Math.round(this.maxAgeMs / 60_000)} min`, "expired");
      return;
    }
    const blocker = this.blocked.get(chat);
    if (blocker && blocker.id < item.id) {
      this.reschedule(item, blocker.until, "waiting for an earlier message to the same chat");
      return;
    }
    const lookup = this.options.sender(channel, item.accountId);
    if ("unavailable" in lookup) {
      if (lookup.unavailable === "not_linked") {
        this.fail(item, lookup.reason, "not_linked");
      } else {
        // Not an attempt: the account is coming back (a restart, a reconnect), so only the age limit applies.
        const waited = this.waits.get(item.id) ?? 0;
        this.waits.set(item.id, waited + 1);
        this.hold(item, { chat, until: this.options.now() + Math.max(1, backoffDelay(waited, this.backoff)), error: lookup.reason });
      }
      return;
    }
    this.waits.delete(item.id);
    this.store.markSending(item.id);
    try {
      const result = await lookup.adapter.send({ ...item.message, dedupeKey: item.idempotencyKey });
      this.store.markSent(item.id, result, this.options.now());
      if (this.blocked.get(chat)?.id === item.id) this.blocked.delete(chat);
      this.options.metrics.outbound(channel, "sent");
      this.settle(item.id);
    } catch (error) {
      const failure = error instanceof ChannelSendError ? error : null;
      if (!failure) this.options.log.warn(`${channel} send failed unexpectedly (retried):`, error);
      const message = (error as Error)?.message ?? String(error);
      const attempts = item.attempts + 1;
      if (failure?.kind === "refused") this.fail(item, message, "refused");
      else if (failure?.kind === "not_linked") this.fail(item, message, "not_linked");
      else if (attempts >= this.maxAttempts) this.fail(item, `gave up after ${attempts} attempts: ${message}`, "failed");
      else this.retry(item, { chat, attempts, error: message, retryAfterMs: failure?.retryAfterMs ?? null });
    }
  }

  private retry(item: OutboxItem, { chat, attempts, error, retryAfterMs }: { chat: string; attempts: number; error: string; retryAfterMs: number | null }): void {
    const delay = Math.max(retryAfterMs ?? 0, backoffDelay(Math.max(0, attempts - 1), this.backoff), 1);
    this.hold(item, { chat, until: this.options.now() + delay, error });
    this.options.metrics.outbound(item.channel, "retried");
    this.options.log.debug(`${item.channel} send of ${item.idempotencyKey} failed (${error}); retrying in ${Math.round(delay / 100) / 10} s`);
  }

  /** Tries `item` again at `until`, and makes the later items of its chat wait behind it. */
  private hold(item: OutboxItem, { chat, until, error }: { chat: string; until: number; error: string }): void {
    this.blocked.set(chat, { id: item.id, until });
    this.reschedule(item, until, error);
  }

  private reschedule(item: OutboxItem, at: number, error: string): void {
    this.store.reschedule(item.id, at, error);
    this.retryAt.set(item.id, at);
    this.armTimer();
  }

  private fail(item: OutboxItem, error: string, outcome: "failed" | "refused" | "not_linked" | "expired"): void {
    this.store.markFailed(item.id, error);
    this.waits.delete(item.id);
    this.options.metrics.outbound(item.channel, outcome);
    this.options.log.warn(`${item.channel} message ${item.idempotencyKey} not sent: ${error}`);
    for (const [chat, blocker] of this.blocked) if (blocker.id === item.id) this.blocked.delete(chat);
    this.settle(item.id);
  }

  private settle(id: number): void {
    const item = this.store.byId(id);
    if (!item) return;
    this.waiters.settled(item);
    try {
      this.options.onSettled?.(item);
    } catch (error) {
      this.options.log.warn("an outbox listener failed:", error);
    }
  }

  /** One timer, for the earliest retry this process knows of, else a slow look for older waiting items. */
  private armTimer(): void {
    if (!this.running) return;
    let at = Infinity;
    // Held items are still in their lane; their lane arms the timer again when it is done.
    for (const [id, when] of this.retryAt) if (!this.held.has(id)) at = Math.min(at, when);
    if (at === Infinity) {
      // Items an earlier process scheduled (a retry before a crash): the store knows when they are due.
      const next = this.store.nextAttemptAt([...this.held]);
      if (next === null) return;
      at = next;
    }
    if (this.timer && this.timer.at <= at) return;
    this.clearTimer();
    const handle = setTimeout(() => {
      this.timer = null;
      this.pump();
    }, Math.max(0, at - this.options.now()));
    this.timer = { at, handle };
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer.handle);
    this.timer = null;
  }
}
