/**
 * Process metrics, all read at scrape time (nothing runs between scrapes). Names are the
 * standard `process_*` ones every Prometheus client exports, so existing dashboards work;
 * the event-loop gauges are ours and carry the `openclaw_` prefix.
 */
import { readdirSync, readFileSync } from "node:fs";
import type { EventLoopDelayMonitor } from "./event-loop-delay.ts";
import type { MetricsRegistry } from "./registry.ts";

export interface ProcessMetricsOptions {
  /** Event-loop delay source; its start/stop stays with the caller. Default: no event-loop metrics. */
  eventLoop?: EventLoopDelayMonitor;
  /**
   * Where this process's `fd/` and `limits` live. Default `/proc/self` on Linux; elsewhere
   * there is no cheap way to count descriptors, so the fd metrics are left out.
   */
  procDir?: string | null;
  /** Unix seconds when the process started. Default: now minus `process.uptime()`. */
  startTimeSeconds?: number;
}

/** `Max open files` soft limit from /proc/<pid>/limits, or null when unlimited or unreadable. */
function maxFds(procDir: string): number | null {
  const line = /^Max open files\s+(\S+)/m.exec(readFileSync(`${procDir}/limits`, "utf8"));
  const value = Number(line?.[1]);
  return Number.isFinite(value) ? value : null;
}

export function registerProcessMetrics(registry: MetricsRegistry, options: ProcessMetricsOptions = {}): void {
  const startTime = options.startTimeSeconds ?? Date.now() / 1000 - process.uptime();
  registry.collected({
    name: "process_resident_memory_bytes",
    help: "Resident memory size in bytes",
    type: "gauge",
    collect: (emit) => emit(process.memoryUsage.rss()),
  });
  const cpuSeconds = (pick: (usage: NodeJS.CpuUsage) => number) => pick(process.cpuUsage()) / 1e6;
  registry.collected({ name: "process_cpu_user_seconds_total", help: "User CPU time spent in seconds", type: "counter", collect: (emit) => emit(cpuSeconds((u) => u.user)) });
  registry.collected({ name: "process_cpu_system_seconds_total", help: "System CPU time spent in seconds", type: "counter", collect: (emit) => emit(cpuSeconds((u) => u.system)) });
  registry.collected({
    name: "process_cpu_seconds_total",
    help: "Total user and system CPU time spent in seconds",
    type: "counter",
    collect: (emit) => emit(cpuSeconds((u) => u.user + u.system)),
  });
  registry.collected({ name: "process_start_time_seconds", help: "Start time of the process since unix epoch in seconds", type: "gauge", collect: (emit) => emit(startTime) });
  registry.collected({ name: "process_uptime_seconds", help: "Seconds since the process started", type: "gauge", collect: (emit) => emit(process.uptime()) });

  const procDir = options.procDir === undefined ? (process.platform === "linux" ? "/proc/self" : null) : options.procDir;
  if (procDir) {
    registry.collected({
      name: "process_open_fds",
      help: "Number of open file descriptors",
      type: "gauge",
      // readdir opens the directory itself, which then shows up in the listing.
      collect: (emit) => emit(Math.max(0, readdirSync(`${procDir}/fd`).length - 1)),
    });
    registry.collected({
      name: "process_max_fds",
      help: "Maximum number of open file descriptors",
      type: "gauge",
      collect: (emit) => {
        const max = maxFds(procDir);
        if (max !== null) emit(max);
      },
    });
  }

  const loop = options.eventLoop;
  if (loop) {
    const help = (what: string) => `${what} event-loop delay over the recent samples (about one a second), in seconds`;
    registry.collected({ name: "openclaw_event_loop_delay_p50_seconds", help: help("Median"), type: "gauge", collect: (emit) => emit(loop.p50Ms / 1000) });
    registry.collected({ name: "openclaw_event_loop_delay_p99_seconds", help: help("99th percentile"), type: "gauge", collect: (emit) => emit(loop.p99Ms / 1000) });
    registry.collected({ name: "openclaw_event_loop_delay_max_seconds", help: help("Longest"), type: "gauge", collect: (emit) => emit(loop.maxMs / 1000) });
  }
}
