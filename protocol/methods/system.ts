/** Core system methods: health, status, presence, system events, heartbeats (protocol.md §6). */
import { method } from "../method-record.ts";
import { t, type Static } from "../schema-builder.ts";
import { Scopes } from "../scopes.ts";

export const PresenceEntry = t.object({
  host: t.optional(t.string()),
  ip: t.optional(t.string()),
  version: t.optional(t.string()),
  platform: t.optional(t.string()),
  deviceFamily: t.optional(t.string()),
  modelIdentifier: t.optional(t.string()),
  mode: t.optional(t.string()),
  lastInputSeconds: t.optional(t.number({ minimum: 0 })),
  reason: t.optional(t.string()),
  tags: t.optional(t.array(t.string())),
  text: t.optional(t.string()),
  ts: t.integer({ minimum: 0 }),
  deviceId: t.optional(t.string()),
  roles: t.optional(t.array(t.string())),
  scopes: t.optional(t.array(t.string())),
  instanceId: t.optional(t.string()),
});
export type PresenceEntry = Static<typeof PresenceEntry>;

export const SessionsSummary = t.object({
  path: t.string(),
  count: t.integer({ minimum: 0 }),
  recent: t.array(t.object({ key: t.string(), updatedAt: t.nullable(t.integer()), age: t.nullable(t.integer()) })),
});

export const ChannelHealth = t.object({
  accountId: t.optional(t.string()),
  configured: t.optional(t.boolean()),
  linked: t.optional(t.boolean()),
  authAgeMs: t.optional(t.nullable(t.integer())),
  probe: t.optional(t.unknown()),
  lastProbeAt: t.optional(t.nullable(t.integer())),
  accounts: t.optional(t.record(t.unknown())),
});

export const PartHealth = t.object({
  state: t.enum(["stopped", "starting", "running", "degraded", "failed", "disabled"]),
  detail: t.optional(t.string()),
  info: t.optional(t.record(t.unknown())),
});

export const HealthSummary = t.object({
  ok: t.boolean(),
  ts: t.integer({ minimum: 0 }),
  durationMs: t.number({ minimum: 0 }),
  channels: t.record(ChannelHealth),
  channelOrder: t.array(t.string()),
  channelLabels: t.record(t.string()),
  heartbeatSeconds: t.integer({ minimum: 0 }),
  defaultAgentId: t.string(),
  agents: t.array(
    t.object({
      agentId: t.string(),
      name: t.optional(t.string()),
      isDefault: t.boolean(),
      heartbeat: t.object({ enabled: t.boolean() }),
      sessions: SessionsSummary,
    }),
  ),
  sessions: SessionsSummary,
  /** How late the event loop ran timers lately, in ms (a busy or blocked gateway shows here first). */
  eventLoop: t.optional(t.object({ p50Ms: t.number({ minimum: 0 }), p99Ms: t.number({ minimum: 0 }), maxMs: t.number({ minimum: 0 }) })),
  /** Each long-lived part of the gateway by name: its state and, when not running, why. */
  parts: t.optional(t.record(PartHealth)),
});
export type HealthSummary = Static<typeof HealthSummary>;

export const HealthParams = t.object({ probe: t.optional(t.boolean()) });
export type HealthParams = Static<typeof HealthParams>;

export const EmptyParams = t.object({});

export const StatusSummary = t.object({
  linkChannel: t.optional(
    t.object({ id: t.string(), label: t.string(), linked: t.boolean(), authAgeMs: t.nullable(t.integer()) }),
  ),
  heartbeat: t.object({ defaultAgentId: t.string(), agents: t.array(t.unknown()) }),
  channelSummary: t.array(t.string()),
  queuedSystemEvents: t.array(t.string()),
  sessions: t.object({
    paths: t.array(t.string()),
    count: t.integer({ minimum: 0 }),
    defaults: t.object({ model: t.nullable(t.string()), contextTokens: t.nullable(t.integer()) }),
    recent: t.array(t.unknown()),
    byAgent: t.array(t.unknown()),
  }),
  gateway: t.optional(
    t.object({
      version: t.string(),
      pid: t.integer(),
      uptimeMs: t.integer({ minimum: 0 }),
      port: t.integer(),
      bindHost: t.string(),
      connections: t.integer({ minimum: 0 }),
    }),
  ),
});
export type StatusSummary = Static<typeof StatusSummary>;

export const SystemEventParams = t.object({
  text: t.string({ maxLength: 4096 }),
  deviceId: t.optional(t.string({ maxLength: 256 })),
  instanceId: t.optional(t.string({ maxLength: 256 })),
  host: t.optional(t.string({ maxLength: 256 })),
  ip: t.optional(t.string({ maxLength: 64 })),
  mode: t.optional(t.string({ maxLength: 64 })),
  version: t.optional(t.string({ maxLength: 128 })),
  platform: t.optional(t.string({ maxLength: 128 })),
  deviceFamily: t.optional(t.string({ maxLength: 128 })),
  modelIdentifier: t.optional(t.string({ maxLength: 128 })),
  lastInputSeconds: t.optional(t.number({ minimum: 0 })),
  reason: t.optional(t.string({ maxLength: 128 })),
  roles: t.optional(t.array(t.string({ maxLength: 64 }), { maxItems: 16 })),
  scopes: t.optional(t.array(t.string({ maxLength: 128 }), { maxItems: 64 })),
  tags: t.optional(t.array(t.string({ maxLength: 128 }), { maxItems: 64 })),
});
export type SystemEventParams = Static<typeof SystemEventParams>;

export const OkResult = t.object({ ok: t.literal(true) });

export const HeartbeatEvent = t.object({
  ts: t.integer({ minimum: 0 }),
  status: t.enum(["sent", "ok-empty", "ok-token", "skipped", "failed"]),
  to: t.optional(t.string()),
  accountId: t.optional(t.string()),
  preview: t.optional(t.string()),
  durationMs: t.optional(t.number()),
  hasMedia: t.optional(t.boolean()),
  reason: t.optional(t.string()),
  channel: t.optional(t.string()),
  silent: t.optional(t.boolean()),
  indicatorType: t.optional(t.enum(["ok", "alert", "error"])),
});
export type HeartbeatEvent = Static<typeof HeartbeatEvent>;

export const LastHeartbeatResult = t.nullable(HeartbeatEvent);

/** The core system methods, in the order `hello-ok.features.methods` lists them. */
export const systemMethods = {
  // Any connected client may ask for health, nodes included.
  health: method({ params: HealthParams, result: HealthSummary, roles: ["operator", "node"], scope: null }),
  status: method({ params: EmptyParams, result: StatusSummary, scope: Scopes.READ }),
  "system-presence": method({ params: EmptyParams, result: t.array(PresenceEntry), scope: Scopes.READ }),
  "system-event": method({ params: SystemEventParams, result: OkResult, scope: Scopes.ADMIN }),
  "last-heartbeat": method({ params: EmptyParams, result: LastHeartbeatResult, scope: Scopes.READ }),
};
