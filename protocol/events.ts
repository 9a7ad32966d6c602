/** Payloads of the events the gateway emits, and who receives each (protocol.md §7). */
import { event } from "./event-record.ts";
import { ConnectChallenge } from "./handshake.ts";
import { AgentEventPayload } from "./methods/agent.ts";
import { ChatEventPayload } from "./methods/chat.ts";
import { DevicePairRequest } from "./methods/devices.ts";
import { NodeInvokeRequestEvent, NodePairResolvedEvent } from "./methods/nodes.ts";
import { HealthSummary, PresenceEntry } from "./methods/system.ts";
import { t, type Static } from "./schema-builder.ts";
import { Scopes } from "./scopes.ts";

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
  /** Set on loopback auto-approvals, which are announced coalesced (see the pairing announcer). */
  silent: t.optional(t.boolean()),
});
export type DevicePairResolvedEvent = Static<typeof DevicePairResolvedEvent>;

/** What `node.pair.requested` announces: the stored request. */
export const NodePairRequestedEvent = t.object({
  requestId: t.string(),
  nodeId: t.string(),
  displayName: t.optional(t.string()),
  platform: t.optional(t.string()),
  version: t.optional(t.string()),
  caps: t.optional(t.array(t.string())),
  commands: t.optional(t.array(t.string())),
  remoteIp: t.optional(t.string()),
  isRepair: t.boolean(),
  ts: t.integer({ minimum: 0 }),
});

const pairing = { scope: Scopes.PAIRING } as const;

/** Every event this gateway emits, in the order `hello-ok.features.events` lists them. */
export const eventRecords = {
  "connect.challenge": event(ConnectChallenge, { audience: "connection" }),
  tick: event(TickEvent, { audience: "all", dropIfSlow: true }),
  presence: event(PresenceEvent, { audience: "all", dropIfSlow: true, stateVersion: true }),
  health: event(HealthSummary, { audience: "all", dropIfSlow: true, stateVersion: true }),
  shutdown: event(ShutdownEvent, { audience: "all" }),
  "device.pair.requested": event(DevicePairRequest, { audience: pairing }),
  "device.pair.resolved": event(DevicePairResolvedEvent, { audience: pairing }),
  "node.invoke.request": event(NodeInvokeRequestEvent, { audience: "connection" }),
  "node.pair.requested": event(NodePairRequestedEvent, { audience: pairing }),
  "node.pair.resolved": event(NodePairResolvedEvent, { audience: pairing }),
  // Runs stream to the connection that started them and to the subscribers of the run or session.
  agent: event(AgentEventPayload, { audience: "subscribers" }),
  chat: event(ChatEventPayload, { audience: "subscribers" }),
};
