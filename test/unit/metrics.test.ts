/**
 * The metrics registry renders valid Prometheus text (format 0.0.4). The strict parser in
 * test/helpers/prometheus.ts
 * checks every line: sample syntax, HELP/TYPE before samples, families not interleaved, no
 * duplicate series, histogram buckets cumulative and ending in +Inf equal to _count, and
 * escaping that round-trips.
 */
import { describe, expect, test } from "bun:test";
import { EventLoopDelayMonitor } from "../../src/metrics/event-loop-delay.ts";
import { createGatewayMetrics } from "../../src/metrics/gateway-metrics.ts";
import { MetricsError } from "../../src/metrics/metrics-error.ts";
import { MetricsRegistry } from "../../src/metrics/registry.ts";
import { PROMETHEUS_CONTENT_TYPE } from "../../src/metrics/text-format.ts";
import { parseExposition, valueOf } from "../helpers/prometheus.ts";

test("the parser itself rejects what it must", () => {
  const bad = [
    'x 1\n', // no TYPE before the sample
    "# TYPE x counter\nx{a=\"b\"} one\n",
    '# TYPE x counter\nx{a="b\\t"} 1\n', // \t is not an escape
    "# TYPE x counter\nx 1\nx 2\n", // duplicate series
    "# TYPE x histogram\nx_bucket{le=\"1\"} 2\nx_bucket{le=\"+Inf\"} 1\nx_sum 1\nx_count 1\n",
    "# TYPE x histogram\nx_bucket{le=\"1\"} 1\nx_sum 1\nx_count 1\n", // no +Inf
    "# TYPE x gauge\n# TYPE y gauge\ny 1\nx 1\n", // x's sample outside its block
    "# TYPE x gauge\nx 1", // no final newline
  ];
  for (const text of bad) expect(() => parseExposition(text)).toThrow();
});

describe("rendering", () => {
  test("each metric type renders HELP, TYPE and samples that parse", () => {
    const registry = new MetricsRegistry();
    const requests = registry.counter({ name: "app_requests_total", help: "Requests", labelNames: ["method", "code"] });
    requests.labels("health", "ok").inc();
    requests.labels("health", "ok").inc(2);
    requests.labels("send", "UNAVAILABLE").inc();
    const temperature = registry.gauge({ name: "app_temperature", help: "Degrees" });
    temperature.set(21.5);
    const queue = registry.gauge({ name: "app_queue", help: "Queued", labelNames: ["queue"] });
    queue.labels("a").inc(3);
    queue.labels("a").dec();
    const latency = registry.histogram({ name: "app_latency_seconds", help: "Latency", labelNames: ["method"], buckets: [0.001, 0.01, 0.1] });
    for (const v of [0.0005, 0.001, 0.002, 0.05, 3]) latency.labels("health").observe(v);
    const plain = registry.histogram({ name: "app_size_bytes", help: "Sizes", buckets: [10] });
    plain.observe(5);
    registry.collected({ name: "app_roles", help: "By role", type: "gauge", labelNames: ["role"], collect: (emit) => { emit(2, "operator"); emit(1, "node"); } });

    const text = registry.render();
    const families = parseExposition(text);
    expect([...families.values()].map((f) => [f.name, f.type])).toEqual([
      ["app_requests_total", "counter"],
      ["app_temperature", "gauge"],
      ["app_queue", "gauge"],
      ["app_latency_seconds", "histogram"],
      ["app_size_bytes", "histogram"],
      ["app_roles", "gauge"],
      ["openclaw_metrics_series_dropped_total", "counter"],
    ]);
    expect(valueOf(families, "app_requests_total", { method: "health", code: "ok" })).toBe(3);
    expect(valueOf(families, "app_requests_total", { method: "send", code: "UNAVAILABLE" })).toBe(1);
    expect(valueOf(families, "app_temperature")).toBe(21.5);
    expect(valueOf(families, "app_queue", { queue: "a" })).toBe(2);
    expect(valueOf(families, "app_roles", { role: "node" })).toBe(1);
    expect(text).toContain(
      [
        'app_latency_seconds_bucket{method="health",le="0.001"} 2', // le is inclusive
        'app_latency_seconds_bucket{method="health",le="0.01"} 3',
        'app_latency_seconds_bucket{method="health",le="0.1"} 4',
        'app_latency_seconds_bucket{method="health",le="+Inf"} 5',
        'app_latency_seconds_sum{method="health"} 3.0535',
        'app_latency_seconds_count{method="health"} 5',
        "",
      ].join("\n"),
    );
    expect(text).toContain('app_size_bytes_bucket{le="10"} 1\napp_size_bytes_bucket{le="+Inf"} 1\napp_size_bytes_sum 5\napp_size_bytes_count 1\n');
    expect(PROMETHEUS_CONTENT_TYPE).toBe("text/plain; version=0.0.4; charset=utf-8");
  });

  test("label values and help text escape and round-trip", () => {
    const registry = new MetricsRegistry();
    const help = 'Help with a backslash \\ a "quote" and\na newline';
    const counter = registry.counter({ name: "esc_total", help, labelNames: ["v"] });
    const values = ['back\\slash', 'quo"te', "new\nline", 'all \\" \n } , = {', "ünïcødé ✓", "", "\\n literally"];
    for (const v of values) counter.labels(v).inc();
    const family = parseExposition(registry.render()).get("esc_total")!;
    expect(family.help).toBe(help);
    expect(family.samples.map((s) => s.labels.v)).toEqual(values);
  });

  test("a metric without labels shows 0 before use; one with labels shows no samples", () => {
    const registry = new MetricsRegistry();
    registry.counter({ name: "a_total", help: "a" });
    registry.counter({ name: "b_total", help: "b", labelNames: ["x"] });
    registry.histogram({ name: "c_seconds", help: "c", buckets: [1] });
    const families = parseExposition(registry.render());
    expect(valueOf(families, "a_total")).toBe(0);
    expect(families.get("b_total")!.samples).toEqual([]);
    expect(valueOf(families, "c_seconds_count")).toBe(0);
  });

  test("special values use the format's spelling", () => {
    const registry = new MetricsRegistry();
    const gauge = registry.gauge({ name: "g", help: "g", labelNames: ["k"] });
    gauge.labels("inf").set(Infinity);
    gauge.labels("ninf").set(-Infinity);
    gauge.labels("nan").set(NaN);
    gauge.labels("tiny").set(1e-7);
    const text = registry.render();
    expect(text).toContain('g{k="inf"} +Inf\ng{k="ninf"} -Inf\ng{k="nan"} NaN\ng{k="tiny"} 1e-7\n');
    parseExposition(text);
  });
});

describe("registration", () => {
  test("duplicate names throw, including a histogram's _bucket/_sum/_count and the registry's own", () => {
    const registry = new MetricsRegistry();
    registry.counter({ name: "x_total", help: "x" });
    registry.histogram({ name: "h_seconds", help: "h", buckets: [1] });
    registry.counter({ name: "y_count", help: "y" });
    for (const make of [
      () => registry.gauge({ name: "x_total", help: "again" }),
      () => registry.counter({ name: "h_seconds_count", help: "clash" }),
      () => registry.histogram({ name: "y", help: "would write y_count", buckets: [1] }),
      () => registry.collected({ name: "openclaw_metrics_series_dropped_total", help: "mine", type: "counter", collect: () => {} }),
    ]) {
      expect(make).toThrow(MetricsError);
    }
    expect(registry.has("h_seconds_bucket")).toBe(true);
  });

  test("misuse is a MetricsError with a name", () => {
    const registry = new MetricsRegistry();
    const cases: [string, () => unknown][] = [
      ["bad metric name", () => registry.counter({ name: "1x", help: "" })],
      ["bad label name", () => registry.counter({ name: "a", help: "", labelNames: ["a-b"] })],
      ["reserved label name", () => registry.counter({ name: "b", help: "", labelNames: ["__x"] })],
      ["duplicate label", () => registry.counter({ name: "c", help: "", labelNames: ["x", "x"] })],
      ["le on a histogram", () => registry.histogram({ name: "d", help: "", labelNames: ["le"], buckets: [1] })],
      ["too many labels", () => registry.counter({ name: "e", help: "", labelNames: ["a", "b", "c", "d", "e"] })],
      ["unsorted buckets", () => registry.histogram({ name: "f", help: "", buckets: [1, 1] })],
      ["infinite bucket", () => registry.histogram({ name: "g", help: "", buckets: [Infinity] })],
      ["counter going down", () => registry.counter({ name: "h", help: "" }).inc(-1)],
      ["NaN observation", () => registry.histogram({ name: "i", help: "", buckets: [1] }).observe(NaN)],
      ["missing label value", () => (registry.counter({ name: "j", help: "", labelNames: ["a", "b"] }).labels as (...v: string[]) => unknown)("x")],
    ];
    for (const [what, run] of cases) {
      let error: unknown;
      try {
        run();
      } catch (e) {
        error = e;
      }
      expect({ what, name: (error as Error | undefined)?.name }).toEqual({ what, name: "MetricsError" });
    }
  });
});

describe("bounded series", () => {
  test("past the cap, new label sets are ignored and counted; existing ones keep counting", () => {
    const registry = new MetricsRegistry({ maxSeriesPerMetric: 3 });
    const counter = registry.counter({ name: "rpc_total", help: "r", labelNames: ["method"] });
    for (const m of ["a", "b", "c"]) counter.labels(m).inc();
    for (let i = 0; i < 10_000; i++) counter.labels(`random-${i}`).inc();
    counter.labels("a").inc();
    const families = parseExposition(registry.render());
    expect(families.get("rpc_total")!.samples.map((s) => [s.labels.method, s.value])).toEqual([["a", 2], ["b", 1], ["c", 1]]);
    expect(valueOf(families, "openclaw_metrics_series_dropped_total", { metric: "rpc_total" })).toBe(10_000);
  });

  test("collected metrics are capped the same way", () => {
    const registry = new MetricsRegistry({ maxSeriesPerMetric: 2 });
    registry.collected({ name: "roles", help: "r", type: "gauge", labelNames: ["role"], collect: (emit) => ["a", "b", "c"].forEach((r) => emit(1, r)) });
    const families = parseExposition(registry.render());
    expect(families.get("roles")!.samples.length).toBe(2);
    expect(valueOf(families, "openclaw_metrics_series_dropped_total", { metric: "roles" })).toBe(1);
  });

  test("long label values are cut and share a series", () => {
    const registry = new MetricsRegistry({ maxLabelValueLength: 8 });
    const counter = registry.counter({ name: "m_total", help: "m", labelNames: ["method", "code"] });
    counter.labels("x".repeat(100), "ok").inc();
    counter.labels("x".repeat(50), "ok").inc();
    const samples = parseExposition(registry.render()).get("m_total")!.samples;
    expect(samples).toEqual([{ name: "m_total", labels: { method: "xxxxxxxx", code: "ok" }, value: 2 }]);
  });

  test("the same label values return the same series", () => {
    const counter = new MetricsRegistry().counter({ name: "s_total", help: "s", labelNames: ["a", "b"] });
    expect(counter.labels("x", "y")).toBe(counter.labels("x", "y"));
    expect(counter.labels("x", "y")).not.toBe(counter.labels("y", "x"));
  });
});

describe("collected metrics", () => {
  test("the callback runs at each render and sees current values", () => {
    const registry = new MetricsRegistry();
    let n = 1;
    registry.collected({ name: "now", help: "n", type: "gauge", collect: (emit) => emit(n) });
    expect(valueOf(parseExposition(registry.render()), "now")).toBe(1);
    n = 7;
    expect(valueOf(parseExposition(registry.render()), "now")).toBe(7);
  });

  test("a throwing callback leaves its metric empty, is reported, and the scrape goes on", () => {
    const errors: string[] = [];
    const registry = new MetricsRegistry({ onCollectError: (metric, error) => errors.push(`${metric}: ${(error as Error).message}`) });
    registry.collected({ name: "broken", help: "b", type: "gauge", collect: (emit) => { emit(1); throw new Error("no /proc"); } });
    registry.counter({ name: "fine_total", help: "f" }).inc();
    const families = parseExposition(registry.render());
    expect(families.get("broken")!.samples).toEqual([]);
    expect(valueOf(families, "fine_total")).toBe(1);
    expect(errors).toEqual(["broken: no /proc"]);
  });
});

describe("gateway metrics", () => {
  function gatewayMetrics(options: { knownMethods?: string[]; roles?: () => Record<string, number> | Map<string, number> } = {}) {
    const eventLoop = new EventLoopDelayMonitor();
    const metrics = createGatewayMetrics({ connectionsByRole: options.roles ?? (() => ({ operator: 2, node: 1 })), eventLoop, knownMethods: options.knownMethods });
    metrics.stop(); // samples come from record() below, not from the timer
    return { metrics, eventLoop };
  }

  test("every gateway and process metric renders and parses", () => {
    const { metrics, eventLoop } = gatewayMetrics();
    metrics.rpc("health", null, 0.02);
    metrics.rpc("health", null, 1.5);
    metrics.rpc("node.invoke", "UNAVAILABLE", 31_000);
    metrics.eventsSent("presence", 3, 1);
    metrics.eventsSent("tick", 2, 0);
    metrics.handshakeFailed("token_mismatch");
    metrics.httpRequest("/tools/invoke", 413);
    eventLoop.record(4);
    const families = parseExposition(metrics.render());
    expect(valueOf(families, "openclaw_connections", { role: "operator" })).toBe(2);
    expect(valueOf(families, "openclaw_rpc_requests_total", { method: "health", code: "ok" })).toBe(2);
    expect(valueOf(families, "openclaw_rpc_requests_total", { method: "node.invoke", code: "UNAVAILABLE" })).toBe(1);
    expect(valueOf(families, "openclaw_rpc_errors_total", { method: "node.invoke", code: "UNAVAILABLE" })).toBe(1);
    expect(valueOf(families, "openclaw_rpc_errors_total", { method: "health", code: "ok" })).toBeUndefined();
    expect(valueOf(families, "openclaw_rpc_duration_seconds_bucket", { method: "health", le: "0.000025" })).toBe(1); // 20 µs
    expect(valueOf(families, "openclaw_rpc_duration_seconds_bucket", { method: "health", le: "0.0025" })).toBe(2);
    expect(valueOf(families, "openclaw_rpc_duration_seconds_bucket", { method: "node.invoke", le: "30" })).toBe(0);
    expect(valueOf(families, "openclaw_rpc_duration_seconds_sum", { method: "health" })).toBeCloseTo(0.00152, 10);
    expect(valueOf(families, "openclaw_events_sent_total", { event: "presence" })).toBe(3);
    expect(valueOf(families, "openclaw_events_dropped_total", { event: "presence" })).toBe(1);
    expect(valueOf(families, "openclaw_events_dropped_total", { event: "tick" })).toBeUndefined();
    expect(valueOf(families, "openclaw_handshake_failures_total", { reason: "token_mismatch" })).toBe(1);
    expect(valueOf(families, "openclaw_http_requests_total", { route: "/tools/invoke", status: "413" })).toBe(1);
    expect(valueOf(families, "openclaw_event_loop_delay_max_seconds")).toBe(0.004);
    expect(valueOf(families, "process_resident_memory_bytes")).toBeGreaterThan(1024 * 1024);
    expect(valueOf(families, "process_cpu_seconds_total")).toBeGreaterThan(0);
    expect(valueOf(families, "process_start_time_seconds")).toBeLessThanOrEqual(Date.now() / 1000);
    expect(valueOf(families, "process_uptime_seconds")).toBeGreaterThan(0);
    if (process.platform === "linux") expect(valueOf(families, "process_open_fds")).toBeGreaterThan(2);
  });

  test("unknown methods share one label when the known set is given", () => {
    const { metrics } = gatewayMetrics({ knownMethods: ["health"] });
    for (let i = 0; i < 50; i++) metrics.rpc(`made-up-${i}`, "INVALID_REQUEST", 0.01);
    metrics.rpc("health", null, 0.01);
    const requests = parseExposition(metrics.render()).get("openclaw_rpc_requests_total")!.samples;
    expect(requests.map((s) => [s.labels.method, s.labels.code, s.value])).toEqual([["unknown", "INVALID_REQUEST", 50], ["health", "ok", 1]]);
  });

  test("connections by role come from a record or an iterable, read at each scrape", () => {
    let roles = new Map([["operator", 1]]);
    const { metrics } = gatewayMetrics({ roles: () => roles });
    expect(valueOf(parseExposition(metrics.render()), "openclaw_connections", { role: "operator" })).toBe(1);
    roles = new Map([["node", 4]]);
    const families = parseExposition(metrics.render());
    expect(families.get("openclaw_connections")!.samples).toEqual([{ name: "openclaw_connections", labels: { role: "node" }, value: 4 }]);
  });

  test("eventLoopDelay is null before the first sample, then the monitor's figures", () => {
    const { metrics, eventLoop } = gatewayMetrics();
    expect(metrics.eventLoopDelay()).toBeNull();
    for (const ms of [1, 2, 3, 50]) eventLoop.record(ms);
    expect(metrics.eventLoopDelay()).toEqual({ p50Ms: 2, p99Ms: 50, maxMs: 50 });
  });

  test("later parts register on the same registry; a duplicate of a gateway name throws", () => {
    const { metrics } = gatewayMetrics();
    metrics.registry.counter({ name: "openclaw_channel_messages_total", help: "m", labelNames: ["channel"] }).labels("telegram").inc();
    expect(valueOf(parseExposition(metrics.render()), "openclaw_channel_messages_total", { channel: "telegram" })).toBe(1);
    expect(() => metrics.registry.counter({ name: "openclaw_rpc_requests_total", help: "again" })).toThrow(MetricsError);
  });
});
