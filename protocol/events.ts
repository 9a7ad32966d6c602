/** Payloads of the events the gateway emits (protocol.md §7). */
import { t, type Static } from "./schema-builder.ts";
import { PresenceEntry } from "./methods/system.ts";

export const TickEvent = t.object({ ts: t.integer({ minimum: 0 }) });
export type TickEvent = Static<typeof TickEvent>;

export const PresenceEvent = t.object({ presence: t.array(PresenceEntry) });
export type PresenceEvent = Static<typeof PresenceEvent>;

export const ShutdownEvent = t.object({
  reason: t.string(),
  /** Milliseconds until the gateway expects to be back; null when it is stopping for good. */
  restartExpectedMs: t.nullable(t.integer({ minimum: 0 })),
});
export type ShutdownEvent = Static<typeof ShutdownEvent>;

export const DevicePairResolvedEvent = t.object({
  requestId: t.string(),
  deviceId: t.string(),
  decision: t.enum(["approved", "rejected"]),
  ts: t.integer({ minimum: 0 }),
});
export type DevicePairResolvedEvent = Static<typeof DevicePairResolvedEvent>;
