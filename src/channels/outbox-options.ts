/** What the outbox worker is built from, and how it asks who sends for an account. */
import type { Logger } from "../log/logger.ts";
import type { BackoffOptions } from "./backoff.ts";
import type { ChannelMetrics } from "./channel-metrics.ts";
import type { OutboxItem, OutboxStore } from "./store-types.ts";
import type { ChannelAdapter } from "./types.ts";

/** Who sends for an account right now, or why nobody can. */
export type SenderLookup =
  | { adapter: ChannelAdapter }
  /** `not_linked` fails the item; `transient` (the account is restarting) waits without using up attempts. */
  | { unavailable: "not_linked" | "transient"; reason: string };

export interface OutboxWorkerOptions {
  store: OutboxStore;
  sender: (channel: string, accountId: string) => SenderLookup;
  metrics: ChannelMetrics;
  log: Logger;
  now: () => number;
  /** Attempts before an item fails with its last error. Default 8. */
  maxAttempts?: number;
  /** Retry delays. Default: from 2 s, doubling, at most 5 min, full jitter. */
  backoff?: BackoffOptions;
  /** Items older than this fail as expired instead of being sent late (no stale replays). Default 1 h. */
  maxAgeMs?: number;
  /** Told when an item reaches `sent` or `failed`. */
  onSettled?: (item: OutboxItem) => void;
}
