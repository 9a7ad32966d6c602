/** Agent runs (protocol.md §6 "Agent runs"): the two-stage `agent` method, `agent.wait`, identities. */
import { method } from "../method-record.ts";
import { t, type Static } from "../schema-builder.ts";
import { Scopes } from "../scopes.ts";

const key = (maxLength = 512) => t.string({ minLength: 1, maxLength });

export const AgentParams = t.object({
  message: t.string({ maxLength: 200_000 }),
  idempotencyKey: key(256),
  agentId: t.optional(t.string({ maxLength: 64 })),
  to: t.optional(t.string({ maxLength: 256 })),
  sessionId: t.optional(t.string({ maxLength: 256 })),
  sessionKey: t.optional(key()),
  thinking: t.optional(t.string({ maxLength: 32 })),
  deliver: t.optional(t.boolean()),
  channel: t.optional(t.string({ maxLength: 64 })),
  /** Seconds. */
  timeout: t.optional(t.integer({ minimum: 1, maximum: 86_400 })),
  extraSystemPrompt: t.optional(t.string({ maxLength: 100_000 })),
  label: t.optional(t.string({ maxLength: 256 })),
});
export type AgentParams = Static<typeof AgentParams>;

export const AgentAccepted = t.object({ runId: t.string(), status: t.literal("accepted"), acceptedAt: t.integer() });

export const AgentResultPayload = t.object({
  text: t.optional(t.string()),
  mediaUrl: t.optional(t.string()),
  mediaUrls: t.optional(t.array(t.string())),
  replyToId: t.optional(t.string()),
  isError: t.optional(t.boolean()),
});

export const AgentFinal = t.object({
  runId: t.string(),
  status: t.enum(["ok", "error"]),
  summary: t.string(),
  result: t.optional(
    t.object({
      payloads: t.array(AgentResultPayload),
      meta: t.object({
        durationMs: t.number({ minimum: 0 }),
        model: t.optional(t.nullable(t.string())),
        aborted: t.optional(t.boolean()),
        stopReason: t.optional(t.nullable(t.string())),
        usage: t.optional(t.object({ inputTokens: t.integer(), outputTokens: t.integer() })),
        error: t.optional(t.object({ kind: t.string(), message: t.string() })),
      }),
    }),
  ),
});
export type AgentFinal = Static<typeof AgentFinal>;

export const AgentWaitParams = t.object({ runId: key(256), timeoutMs: t.optional(t.integer({ minimum: 0, maximum: 600_000 })) });
export type AgentWaitParams = Static<typeof AgentWaitParams>;
export const AgentWaitResult = t.object({
  runId: t.string(),
  status: t.enum(["ok", "error", "timeout"]),
  startedAt: t.optional(t.integer()),
  endedAt: t.optional(t.integer()),
  error: t.optional(t.string()),
});

export const AgentIdentityParams = t.object({ agentId: t.optional(t.string({ maxLength: 64 })), sessionKey: t.optional(key()) });
export const AgentIdentity = t.object({ agentId: t.string(), name: t.optional(t.string()), avatar: t.optional(t.string()), emoji: t.optional(t.string()) });

export const AgentsListParams = t.object({});
/** One configured agent: what a picker shows. */
export const AgentSummary = t.object({
  id: t.string(),
  name: t.optional(t.string()),
  identity: t.optional(t.object({ name: t.optional(t.string()), emoji: t.optional(t.string()), avatar: t.optional(t.string()) })),
});
export const AgentsListResult = t.object({
  defaultId: t.string(),
  /** The main session's last key part (`main`): `agent:<id>:<mainKey>`. */
  mainKey: t.string(),
  scope: t.enum(["per-sender", "global"]),
  agents: t.array(AgentSummary),
});

/** The `agent` event (protocol.md §7): per-run `seq`, one stream per event. */
export const AgentEventPayload = t.object({
  runId: t.string(),
  seq: t.integer({ minimum: 1 }),
  stream: t.enum(["lifecycle", "assistant", "tool", "error"]),
  ts: t.integer(),
  data: t.record(t.unknown()),
  sessionKey: t.optional(t.string()),
});
export type AgentEventPayload = Static<typeof AgentEventPayload>;

export const agentMethods = {
  agent: method({ params: AgentParams, result: AgentFinal, scope: Scopes.WRITE, idempotent: true }),
  "agent.wait": method({ params: AgentWaitParams, result: AgentWaitResult, scope: Scopes.WRITE }),
  "agent.identity.get": method({ params: AgentIdentityParams, result: AgentIdentity, scope: Scopes.READ }),
  "agents.list": method({ params: AgentsListParams, result: AgentsListResult, scope: Scopes.READ }),
};
