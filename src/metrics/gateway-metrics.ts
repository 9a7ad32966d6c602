/**
 * The gateway's own metrics on one registry: connections by role, RPC requests, errors and
 * latency, events sent and dropped, handshake failures, HTTP requests, and the process metrics
 * with event-loop delay. The composition root creates this once; the dispatcher, publisher,
 * handshake and HTTP server report through the small methods below, and later parts
 * (channels, agent) register their own metrics on `registry`.
 */
import type { Counter } from "./counter.ts";
import { EventLoopDelayMonitor } from "./event-loop-delay.ts";
import type { Histogram } from "./histogram.ts";
import { registerProcessMetrics } from "./process-metrics.ts";
import { MetricsRegistry } from "./registry.ts";

/** 10 µs (a cached `health`) to 30 s (a slow node.invoke), two to three buckets per decade. */
export const RPC_DURATION_BUCKETS: readonly number[] = [
  0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
];

/** The `code` label of a request that succeeded. */
export const RPC_OK = "ok";
/** The `method` label of requests for a method that does not exist. */
export const UNKNOWN_METHOD = "unknown";

export type RoleCounts = Readonly<Record<string, number>> | Iterable<readonly [role: string, count: number]>;

export interface GatewayMetricsOptions {
  /** Open connections per role, read at each scrape. */
  connectionsByRole: () => RoleCounts;
  /** Where everything is registered. Default: a new registry with default limits. */
  registry?: MetricsRegistry;
  /** Event-loop delay source, started here and stopped by `stop()`. Default: a new monitor (one sample a second). */
  eventLoop?: EventLoopDelayMonitor;
  /**
   * The methods that exist. Others are counted as `method="unknown"`, so a client sending
   * made-up names cannot use up the series limit real methods need. Default: names are kept
   * as sent (memory is still bounded by the registry's series limit).
   */
  knownMethods?: Iterable<string>;
}

/** The metric handles, for callers that keep a series (`labels(...)`) to skip even the lookup. */
export interface GatewayMetricHandles {
  readonly rpcRequests: Counter<readonly ["method", "code"]>;
  readonly rpcErrors: Counter<readonly ["method", "code"]>;
  readonly rpcDuration: Histogram<readonly ["method"]>;
  readonly eventsSent: Counter<readonly ["event"]>;
  readonly eventsDropped: Counter<readonly ["event"]>;
  readonly handshakeFailures: Counter<readonly ["reason"]>;
  readonly httpRequests: Counter<readonly ["route", "status"]>;
}

export interface GatewayMetrics {
  readonly registry: MetricsRegistry;
  readonly handles: GatewayMetricHandles;
  /** One answered request; `code` is null on success. Counts it, as an error unless ok, and times it. */
  rpc(method: string, code: string | null, durationMs: number): void;
  /** One publish of `event`: how many receivers got it and how many were skipped as too slow. */
  eventsSent(event: string, sent: number, dropped: number): void;
  /** `reason` must come from a small fixed set (refusal codes, `timeout`), never from the client. */
  handshakeFailed(reason: string): void;
  /** `route` is the matched route (or a fixed word for none), never the raw path. */
  httpRequest(route: string, status: number): void;
  /** For `health`: recent event-loop delay, or null before the first sample. */
  eventLoopDelay(): { p50Ms: number; p99Ms: number; maxMs: number } | null;
  /** The Prometheus text for `GET /metrics`. */
  render(): string;
  /** Stops the event-loop sampler. */
  stop(): void;
}

function entries(counts: RoleCounts): Iterable<readonly [string, number]> {
  return Symbol.iterator in counts ? (counts as Iterable<readonly [string, number]>) : Object.entries(counts);
}

function registerHandles(registry: MetricsRegistry): GatewayMetricHandles {
  return {
    rpcRequests: registry.counter({ name: "openclaw_rpc_requests_total", help: "RPC requests answered, by method and result code (ok on success)", labelNames: ["method", "code"] }),
    rpcErrors: registry.counter({ name: "openclaw_rpc_errors_total", help: "RPC requests answered with an error, by method and error code", labelNames: ["method", "code"] }),
    rpcDuration: registry.histogram({
      name: "openclaw_rpc_duration_seconds",
      help: "Time from receiving an RPC request to sending its response, by method",
      labelNames: ["method"],
      buckets: RPC_DURATION_BUCKETS,
    }),
    eventsSent: registry.counter({ name: "openclaw_events_sent_total", help: "Event frames sent to clients (one per receiver), by event", labelNames: ["event"] }),
    eventsDropped: registry.counter({ name: "openclaw_events_dropped_total", help: "Event frames skipped because the receiver was too slow, by event", labelNames: ["event"] }),
    handshakeFailures: registry.counter({ name: "openclaw_handshake_failures_total", help: "WebSocket connections refused during the handshake, by reason", labelNames: ["reason"] }),
    httpRequests: registry.counter({ name: "openclaw_http_requests_total", help: "HTTP requests answered, by route and status", labelNames: ["route", "status"] }),
  };
}

export function createGatewayMetrics(options: GatewayMetricsOptions): GatewayMetrics {
  const registry = options.registry ?? new MetricsRegistry();
  const eventLoop = options.eventLoop ?? new EventLoopDelayMonitor();
  registry.collected({
    name: "openclaw_connections",
    help: "Open WebSocket connections, by role",
    type: "gauge",
    labelNames: ["role"],
    collect: (emit) => {
      for (const [role, count] of entries(options.connectionsByRole())) emit(count, role);
    },
  });
  const handles = registerHandles(registry);
  registerProcessMetrics(registry, { eventLoop });
  eventLoop.start();

  const known = options.knownMethods ? new Set(options.knownMethods) : null;
  const { rpcRequests, rpcErrors, rpcDuration, eventsSent, eventsDropped, handshakeFailures, httpRequests } = handles;
  return {
    registry,
    handles,
    rpc(method, code, durationMs) {
      const label = known === null || known.has(method) ? method : UNKNOWN_METHOD;
      rpcRequests.labels(label, code ?? RPC_OK).inc();
      if (code !== null) rpcErrors.labels(label, code).inc();
      rpcDuration.labels(label).observe(durationMs / 1000);
    },
    eventsSent(event, sent, dropped) {
      if (sent > 0) eventsSent.labels(event).inc(sent);
      if (dropped > 0) eventsDropped.labels(event).inc(dropped);
    },
    handshakeFailed(reason) {
      handshakeFailures.labels(reason).inc();
    },
    httpRequest(route, status) {
      httpRequests.labels(route, String(status)).inc();
    },
    eventLoopDelay() {
      // Microseconds are the most a 1 ms-granular timer can tell; more digits are noise in `health`.
      const ms = (value: number) => Math.round(value * 1000) / 1000;
      return eventLoop.sampleCount === 0 ? null : { p50Ms: ms(eventLoop.p50Ms), p99Ms: ms(eventLoop.p99Ms), maxMs: ms(eventLoop.maxMs) };
    },
    render: () => registry.render(),
    stop: () => eventLoop.stop(),
  };
}
