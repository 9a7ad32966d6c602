/**
 * The event-loop delay monitor (percentiles over a rolling window, a real timer that sees a
 * blocked loop, never keeping the process alive) and the process metrics read at scrape time.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EventLoopDelayMonitor } from "../../src/metrics/event-loop-delay.ts";
import { registerProcessMetrics } from "../../src/metrics/process-metrics.ts";
import { MetricsRegistry } from "../../src/metrics/registry.ts";
import { eventually } from "../helpers/condition.ts";

/** `name{…} value` → value, for metrics without labels. */
function sample(text: string, name: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(name.length + 1));
}

describe("EventLoopDelayMonitor", () => {
  const monitors: EventLoopDelayMonitor[] = [];
  afterEach(() => monitors.splice(0).forEach((m) => m.stop()));

  test("percentiles are nearest-rank over the window; 0 before any sample", () => {
    const monitor = new EventLoopDelayMonitor({ window: 100 });
    expect([monitor.sampleCount, monitor.p50Ms, monitor.p99Ms, monitor.maxMs]).toEqual([0, 0, 0, 0]);
    for (let ms = 100; ms >= 1; ms--) monitor.record(ms);
    expect([monitor.sampleCount, monitor.p50Ms, monitor.p99Ms, monitor.maxMs]).toEqual([100, 50, 99, 100]);
  });

  test("old samples leave the window", () => {
    const monitor = new EventLoopDelayMonitor({ window: 3 });
    for (const ms of [500, 1, 2, 3]) monitor.record(ms);
    expect([monitor.sampleCount, monitor.maxMs, monitor.p50Ms]).toEqual([3, 3, 2]);
  });

  test("a timer that fired early counts as no delay", () => {
    const monitor = new EventLoopDelayMonitor();
    monitor.record(-0.3);
    expect(monitor.maxMs).toBe(0);
  });

  test("the timer sees a blocked event loop", async () => {
    const monitor = new EventLoopDelayMonitor({ intervalMs: 20, random: () => 0 });
    monitors.push(monitor);
    monitor.start();
    expect(monitor.running).toBe(true);
    const until = performance.now() + 120;
    while (performance.now() < until) {
      // Block the loop: the 20 ms timer can only fire about 100 ms late.
    }
    await eventually("a sample", () => (monitor.sampleCount > 0 ? true : undefined));
    expect(monitor.maxMs).toBeGreaterThanOrEqual(80);
    monitor.stop();
    expect(monitor.running).toBe(false);
  });

  test("a started monitor does not keep the process alive", async () => {
    const script = `import { EventLoopDelayMonitor } from ${JSON.stringify(join(import.meta.dir, "../../src/metrics/event-loop-delay.ts"))};
new EventLoopDelayMonitor().start(); console.log("started");`;
    const child = Bun.spawn([process.execPath, "-e", script], { stdout: "pipe", stderr: "pipe" });
    const killer = setTimeout(() => child.kill(), 10_000);
    const [code, out] = await Promise.all([child.exited, new Response(child.stdout).text()]);
    clearTimeout(killer);
    expect({ code, out: out.trim() }).toEqual({ code: 0, out: "started" });
  });
});

describe("process metrics", () => {
  test("open fds are counted from /proc at each scrape", () => {
    if (process.platform !== "linux") return;
    const dir = mkdtempSync(join(tmpdir(), "openclaw-metrics-"));
    const registry = new MetricsRegistry();
    registerProcessMetrics(registry);
    const fds: number[] = [];
    try {
      const file = join(dir, "f");
      writeFileSync(file, "");
      const before = sample(registry.render(), "process_open_fds")!;
      for (let i = 0; i < 100; i++) fds.push(openSync(file, "r"));
      // Other parts of the process (sockets, child pipes) may open or close a few meanwhile.
      const grown = sample(registry.render(), "process_open_fds")! - before;
      expect(grown).toBeGreaterThanOrEqual(95);
      expect(grown).toBeLessThanOrEqual(105);
      expect(sample(registry.render(), "process_max_fds")).toBeGreaterThan(0);
    } finally {
      fds.forEach((fd) => closeSync(fd));
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("without a /proc dir the fd metrics are left out", () => {
    const registry = new MetricsRegistry();
    registerProcessMetrics(registry, { procDir: null, startTimeSeconds: 1_700_000_000 });
    const text = registry.render();
    expect(text).not.toContain("process_open_fds");
    expect(text).not.toContain("openclaw_event_loop_delay");
    expect(sample(text, "process_start_time_seconds")).toBe(1_700_000_000);
  });

  test("CPU seconds grow with work and user + system add up to the total", () => {
    const registry = new MetricsRegistry();
    registerProcessMetrics(registry, { procDir: null });
    const first = sample(registry.render(), "process_cpu_seconds_total")!;
    const until = performance.now() + 30;
    while (performance.now() < until) {
      // burn CPU so the counter has something to show
    }
    const text = registry.render();
    const total = sample(text, "process_cpu_seconds_total")!;
    expect(total).toBeGreaterThan(first);
    const parts = sample(text, "process_cpu_user_seconds_total")! + sample(text, "process_cpu_system_seconds_total")!;
    expect(Math.abs(parts - total)).toBeLessThan(0.01); // read a moment apart
  });

  test("event-loop gauges come from the monitor, in seconds", () => {
    const monitor = new EventLoopDelayMonitor();
    for (const ms of [1, 2, 250]) monitor.record(ms);
    const registry = new MetricsRegistry();
    registerProcessMetrics(registry, { procDir: null, eventLoop: monitor });
    const text = registry.render();
    expect([sample(text, "openclaw_event_loop_delay_p50_seconds"), sample(text, "openclaw_event_loop_delay_p99_seconds"), sample(text, "openclaw_event_loop_delay_max_seconds")]).toEqual([0.002, 0.25, 0.25]);
  });
});
