/**
 * What the channel manager is built from: its stores, the agent, and the timing knobs tests and
 * tuning turn. Split from the manager so the manager file holds behaviour only.
 */
import type { Options } from "../config/load.ts";
import type { MetricsRegistry } from "../metrics/registry.ts";
import type { BackoffOptions } from "./backoff.ts";
import type { PipelineAgent } from "./inbound-pipeline.ts";
import type { CursorStore, InboxStore, OutboxStore, PairingStore } from "./store-types.ts";
import type { ChannelFactory } from "./types.ts";

export interface ChannelManagerOptions {
  /** The running options (read on every use: hot reload replaces them). */
  options: () => Readonly<Options>;
  /** The channels this build has, in the order status lists them. */
  factories: readonly ChannelFactory[];
  inbox: InboxStore;
  outbox: OutboxStore;
  cursors: CursorStore;
  /** DM pairing; null fails closed (nobody approved, no codes). */
  pairing: () => PairingStore | null;
  agent: PipelineAgent;
  registry: MetricsRegistry;
  /** Default `Date.now`. */
  now?: () => number;
  /** Told (coalesced, at most once per tick) when an account's linked/connected/running state or error changed. */
  onStatusChange?: () => void;
  /** The fetch adapters use for their platform (tests point it elsewhere). Default: the adapter's own. */
  fetch?: typeof fetch;
  /** Timing knobs, for tests and tuning. */
  tuning?: ChannelTuning;
}

export interface ChannelTuning {
  /** Reconnect delays. Default 1 s doubling to 5 min, full jitter. */
  reconnect?: BackoffOptions;
  /** A connection up this long resets the reconnect backoff. Default 60 s. */
  healthyAfterMs?: number;
  /** Outbox retry delays. Default 2 s doubling to 5 min, full jitter. */
  sendRetry?: BackoffOptions;
  /** Attempts per outbox item. Default 8. */
  maxSendAttempts?: number;
  /** Outbox items older than this are dropped unsent. Default 1 h. */
  outboxMaxAgeMs?: number;
  /** Inbound messages unanswered for longer are not answered. Default 1 h. */
  inboxMaxAgeMs?: number;
  /** "typing…" repeat. Default 4 s. */
  typingIntervalMs?: number;
  /** How long `send` waits for the platform before it answers "queued". Default 20 s (below the CLI's 30 s timeout). */
  sendWaitMs?: number;
}
