/** The `tick` keepalive: one event to every client per `tickIntervalMs`, so idle clients know the gateway lives. */
import type { EventPublisher } from "./event-publisher.ts";
import type { Part, PartStatus } from "./part.ts";

export function tickPart(events: EventPublisher, intervalMs: number, now: () => number): Part {
  let timer: ReturnType<typeof setInterval> | null = null;
  return {
    name: "tick",
    start() {
      timer = setInterval(() => events.publish("tick", { ts: now() }), intervalMs);
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
