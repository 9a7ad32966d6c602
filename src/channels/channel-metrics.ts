/**
 * Channel metrics on the gateway registry: inbound messages by outcome, outbound sends by
 * outcome, the outbox's depth and the age of its oldest waiting item (read at scrape time),
 * reconnects by reason, accounts connected, and how long a person waits for the first part
 * of a reply. Label values come from small fixed sets (outcomes, reasons, error class names),
 * never from message content or platform error text.
 */
import type { MetricsRegistry } from "../metrics/registry.ts";

/** 250 ms (a local model) to 10 min (a long tool-using run). */
const REPLY_LATENCY_BUCKETS = [0.25, 0.5, 1, 2, 4, 8, 15, 30, 60, 120, 300, 600];

export type InboundOutcome = "accepted" | "duplicate" | `refused:${string}` | "replied" | "unanswered" | "failed" | "expired";
export type OutboundOutcome = "sent" | "retried" | "failed" | "refused" | "not_linked" | "expired";

export interface ChannelMetrics {
  inbound(channel: string, outcome: InboundOutcome): void;
  outbound(channel: string, outcome: OutboundOutcome): void;
  /** `reason`: an error class name, `ended` (the connection ended by itself) or `config` (settings changed). */
  reconnect(channel: string, reason: string): void;
  replyLatency(channel: string, seconds: number): void;
}

export interface ChannelMetricSources {
  outboxDepth: () => { count: number; oldestCreatedAt: number | null };
  /** Accounts by channel and account id, and whether each is connected now. */
  accounts: () => Iterable<{ channel: string; accountId: string; connected: boolean }>;
  now: () => number;
}

/** Error class names become labels; anything odd is folded into `error`. */
export function reasonLabel(error: unknown): string {
  const name = error instanceof Error ? error.name : "";
  return /^[A-Za-z][A-Za-z0-9_]{0,39}$/.test(name) ? name : "error";
}

export function createChannelMetrics(registry: MetricsRegistry, sources: ChannelMetricSources): ChannelMetrics {
  const inbound = registry.counter({ name: "openclaw_channel_inbound_messages_total", help: "Inbound channel messages, by channel and outcome", labelNames: ["channel", "outcome"] });
  const outbound = registry.counter({ name: "openclaw_channel_outbound_messages_total", help: "Outbound send attempts, by channel and outcome", labelNames: ["channel", "outcome"] });
  const reconnects = registry.counter({ name: "openclaw_channel_reconnects_total", help: "Channel connections restarted, by channel and reason", labelNames: ["channel", "reason"] });
  const latency = registry.histogram({
    name: "openclaw_channel_reply_latency_seconds",
    help: "From an inbound message being stored to the first part of its reply being sent, by channel",
    labelNames: ["channel"],
    buckets: REPLY_LATENCY_BUCKETS,
  });
  registry.collected({
    name: "openclaw_channel_outbox_depth",
    help: "Outbox items waiting to be sent (pending or being sent)",
    type: "gauge",
    collect: (emit) => emit(sources.outboxDepth().count),
  });
  registry.collected({
    name: "openclaw_channel_outbox_oldest_age_seconds",
    help: "Age of the oldest outbox item still waiting (0 when none waits)",
    type: "gauge",
    collect: (emit) => {
      const { oldestCreatedAt } = sources.outboxDepth();
      emit(oldestCreatedAt === null ? 0 : Math.max(0, (sources.now() - oldestCreatedAt) / 1000));
    },
  });
  registry.collected({
    name: "openclaw_channel_connected",
    help: "1 when a channel account is connected to its platform, else 0",
    type: "gauge",
    labelNames: ["channel", "account"],
    collect: (emit) => {
      for (const account of sources.accounts()) emit(account.connected ? 1 : 0, account.channel, account.accountId);
    },
  });
  return {
    inbound: (channel, outcome) => inbound.labels(channel, outcome).inc(),
    outbound: (channel, outcome) => outbound.labels(channel, outcome).inc(),
    reconnect: (channel, reason) => reconnects.labels(channel, reason).inc(),
    replyLatency: (channel, seconds) => latency.labels(channel).observe(Math.max(0, seconds)),
  };
}
