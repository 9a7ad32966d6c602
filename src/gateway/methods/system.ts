/** Handlers for the core system methods: health, status, presence, system events, heartbeats. */
import type { PresenceEntry, StatusSummary, SystemEventParams } from "../../../protocol/methods/system.ts";
import { ErrorCodes } from "../../../protocol/errors.ts";
import { DEFAULT_AGENT_ID } from "../../core/health.ts";
import { resolveModels } from "../../agent/model/resolve-models.ts";
import { PresenceRegistry } from "../../core/presence/registry.ts";
import type { logsMethods } from "../../../protocol/methods/logs.ts";
import type { systemMethods as systemRecords } from "../../../protocol/methods/system.ts";
import type { HandlersOf, MethodContext } from "../rpc/dispatcher.ts";
import { tailLog } from "../../core/log-tail.ts";
import { RawJson } from "../../core/raw-json.ts";
import { RpcError } from "../rpc/rpc-error.ts";

/** How many posted system events `status` keeps until an agent consumes them. */
export const SYSTEM_EVENT_QUEUE_MAX = 20;

const PRESENCE_FIELDS = [
  "deviceId", "instanceId", "host", "ip", "mode", "version", "platform", "deviceFamily", "modelIdentifier",
  "lastInputSeconds", "reason", "roles", "scopes", "tags",
] as const satisfies readonly (keyof SystemEventParams & keyof PresenceEntry)[];

/** The default agent's primary model and its context window, as `status` shows them. */
function defaultModel(services: MethodContext["services"]): { model: string | null; contextTokens: number | null } {
  const options = services.options;
  const [primary] = resolveModels(options.config, options.env).modelsFor(services.agent.settings().defaultAgentId);
  return primary ? { model: primary.ref, contextTokens: primary.contextWindow } : { model: null, contextTokens: null };
}

function status(_params: unknown, { services, session }: MethodContext): StatusSummary {
  const sessionsPath = services.health.snapshot().sessions?.path;
  const channels = services.parts.channels();
  const linked = Object.entries(channels).find(([, c]) => c.linked);
  return {
    ...(linked ? { linkChannel: { id: linked[0], label: linked[0], linked: true, authAgeMs: linked[1].authAgeMs ?? null } } : {}),
    heartbeat: { defaultAgentId: DEFAULT_AGENT_ID, agents: [] },
    channelSummary: Object.entries(channels).map(([id, c]) => `${id}: ${c.linked ? "linked" : c.configured ? "not linked" : "not configured"}`),
    queuedSystemEvents: [...services.systemEvents],
    sessions: {
      paths: sessionsPath ? [sessionsPath] : [],
      count: services.sessions.count(),
      defaults: defaultModel(services),
      recent: services.sessions.list({ limit: 5 }).map((s) => ({ key: s.key, updatedAt: s.updatedAtMs, age: services.now() - s.updatedAtMs })),
      byAgent: services.agent.settings().agents.map((a) => ({ agentId: a.id, count: services.sessions.count(a.id) })),
    },
    // Process details are for operators who may change things, not for read-only viewers.
    ...(session.scopes.includes("operator.admin")
      ? {
          gateway: {
            version: services.version,
            pid: process.pid,
            uptimeMs: services.now() - services.startedAtMs,
            port: services.listening?.port ?? 0,
            bindHost: services.listening?.host ?? "",
            connections: services.connections.size,
          },
        }
      : {}),
  };
}

function systemEvent(params: SystemEventParams, { services, caller }: MethodContext): { ok: true } {
  const text = params.text.trim();
  if (!text) throw new RpcError(ErrorCodes.INVALID_REQUEST, "text required");
  const fields: Partial<PresenceEntry> = {};
  // Copy only presence fields: anything else a client adds must not be rebroadcast to everyone.
  for (const name of PRESENCE_FIELDS) if (params[name] !== undefined) Object.assign(fields, { [name]: params[name] });
  const key = PresenceRegistry.keyFor(fields, caller.connId);
  services.presence.upsert(key, { ...fields, text, reason: params.reason ?? "system-event" });
  services.systemEvents.push(text);
  if (services.systemEvents.length > SYSTEM_EVENT_QUEUE_MAX) services.systemEvents.shift();
  return { ok: true };
}

export const systemMethods: HandlersOf<typeof systemRecords & typeof logsMethods> = {
  health: (params, { services }) => {
    const entry = services.health.get(params.probe === true);
    return entry instanceof Promise ? entry.then((e) => new RawJson(e.json)) : new RawJson(entry.json);
  },
  status,
  "system-presence": (_params, { services }) => services.presence.list(),
  "system-event": systemEvent,
  // Heartbeats arrive with the agent runtime; until then there has been none.
  "last-heartbeat": () => null,
  "logs.tail": (params, { services }) => {
    const file = services.logFile();
    if (!file) throw new RpcError(ErrorCodes.UNAVAILABLE, "this gateway does not write a file log");
    return tailLog(file, params);
  },
};
