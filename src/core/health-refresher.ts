/**
 * The part that keeps the health picture current: one refresh per interval, each announced as
 * a `health` event by the monitor's `onRefresh`. The first picture is taken by the gateway once
 * every part has started, so it shows them running.
 */
import { HEALTH_REFRESH_MS, type HealthMonitor } from "./health.ts";
import type { Part, PartStatus } from "./part.ts";

export function healthRefresher(monitor: HealthMonitor, intervalMs = HEALTH_REFRESH_MS): Part {
  let timer: ReturnType<typeof setInterval> | null = null;
  return {
    name: "health",
    start() {
      timer = setInterval(() => void monitor.refresh(), intervalMs);
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = null;
    },
    status(): PartStatus {
      return { state: timer ? "running" : "stopped", info: { intervalMs } };
    },
  };
}
