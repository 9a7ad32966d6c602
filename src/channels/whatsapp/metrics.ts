/**
 * WhatsApp's own metrics on the gateway registry: connection changes by close reason and
 * auth-store commits with their duration. Messages and reconnects are the channel manager's
 * (`../channel-metrics.ts`). Reasons are names from the close-code table, never error text, so
 * the label set stays small.
 */
import type { MetricsRegistry } from "../../metrics/registry.ts";
import { CloseCode } from "./close-codes.ts";

export type AuthCommitKind = "creds" | "keys";

export interface WhatsAppMetrics {
  connection(state: "open" | "close", reason: string): void;
  authCommit(kind: AuthCommitKind, seconds: number): void;
}

/** A commit is one SQLite transaction: sub-millisecond normally, seconds on a stalled disk. */
const COMMIT_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

const CODE_NAMES = new Map<number, string>(Object.entries(CloseCode).map(([name, code]) => [code, name]));
/** Codes that end the account; seen on a retry they came from the WebSocket upgrade (a proxy). */
const FATAL_CODES = new Set<number>([CloseCode.loggedOut, CloseCode.forbidden, CloseCode.multideviceMismatch, CloseCode.sessionInvalid, CloseCode.connectionReplaced]);

/**
 * The `reason` label of a closed session: the close-code name (`restartRequired`, `loggedOut`…),
 * `handshake` for a status from the upgrade, `network` when there was no status (network errors
 * and our own watchdog), `other` for a status outside the table, or `stopped` / `notLinked`.
 */
export function closeReasonLabel(outcome: { kind: string; statusCode?: number }): string {
  if (outcome.kind === "stopped") return "stopped";
  if (outcome.kind === "not-linked") return "notLinked";
  if (outcome.statusCode === undefined) return "network";
  if (outcome.kind === "retry" && FATAL_CODES.has(outcome.statusCode)) return "handshake";
  return CODE_NAMES.get(outcome.statusCode) ?? "other";
}

// The registry refuses a second registration of a name, and every account's adapter (and every
// auth state it opens) shares the gateway's registry: one set of metrics per registry.
const byRegistry = new WeakMap<MetricsRegistry, WhatsAppMetrics>();

export function whatsappMetrics(registry: MetricsRegistry): WhatsAppMetrics {
  const known = byRegistry.get(registry);
  if (known) return known;
  const changes = registry.counter({
    name: "openclaw_whatsapp_connection_changes_total",
    help: "WhatsApp sockets opened or closed, by state and close reason",
    labelNames: ["state", "reason"],
  });
  const commits = registry.counter({ name: "openclaw_whatsapp_auth_commits_total", help: "WhatsApp auth-store commits, by kind", labelNames: ["kind"] });
  const commitSeconds = registry.histogram({
    name: "openclaw_whatsapp_auth_commit_seconds",
    help: "How long one WhatsApp auth-store commit took, by kind",
    labelNames: ["kind"],
    buckets: COMMIT_BUCKETS,
  });
  const metrics: WhatsAppMetrics = {
    connection: (state, reason) => changes.labels(state, reason).inc(),
    authCommit: (kind, seconds) => {
      commits.labels(kind).inc();
      commitSeconds.labels(kind).observe(Math.max(0, seconds));
    },
  };
  byRegistry.set(registry, metrics);
  return metrics;
}
