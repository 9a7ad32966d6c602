/**
 * Keeps the inbox and outbox from growing for ever: done inbox items and settled outbox items
 * older than `INBOX_KEEP_MS` are deleted at start and then hourly. Kept that long, a
 * redelivered update or a repeated send key is still recognised (Telegram keeps updates 24 h).
 */
import type { Logger } from "../log/logger.ts";
import type { InboxStore, OutboxStore } from "./store-types.ts";

export const INBOX_KEEP_MS = 48 * 60 * 60_000;
const PRUNE_INTERVAL_MS = 60 * 60_000;

export class StorePruner {
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(
    private readonly stores: { inbox: InboxStore; outbox: OutboxStore },
    private readonly now: () => number,
    private readonly log: Logger,
  ) {}

  start(): void {
    this.prune();
    this.timer ??= setInterval(() => this.prune(), PRUNE_INTERVAL_MS);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private prune(): void {
    try {
      const before = this.now() - INBOX_KEEP_MS;
      this.stores.inbox.prune(before);
      // Send keys are remembered as long as inbox ids: a repeat within that time never sends twice.
      this.stores.outbox.prune(before);
    } catch (error) {
      this.log.warn("pruning the inbox and outbox failed:", error);
    }
  }
}
