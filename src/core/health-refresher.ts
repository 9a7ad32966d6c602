/**
 * The part that keeps the health picture current: one refresh at start, then one per
 * interval, each announced as a `health` event by the monitor's `onRefresh`.
 */
import { HEALTH_REFRESH_MS, type HealthMonitor } from "./health.ts";
import type { Part, PartStatus } from "./part.ts";

export function healthRefresher(monitor: HealthMonitor, intervalMs = HEALTH_REFRESH_MS): Part {
  let timer: ReturnType<typeof setInterval> | null = null;
  return {
    name: "health",
    async start() {
      await monitor.refresh();
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
