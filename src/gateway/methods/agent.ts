/**
 * `agent` (two-stage: an `accepted` ack, then the final on the same request id), `agent.wait`
 * and `agent.identity.get`. A repeated idempotency key joins the running run (ack, then its
 * final) or gets the stored final; a run cut by a restart answers, from the store, that it was
 * cut, and is never run again.
 */
import { ErrorCodes } from "../../../protocol/errors.ts";
import type { AgentFinal, agentMethods } from "../../../protocol/methods/agent.ts";
import type { Outcome } from "../../core/idempotency.ts";
import { RUN_INTERRUPTED, type AgentRunResult } from "../../agent/runner-types.ts";
import { MAIN_KEY, mainSessionKey, normalizeSessionKey, SessionKeyError } from "../../agent/sessions/session-key.ts";
import { agentById } from "../../agent/agents.ts";
import type { HandlersOf, MethodContext } from "../rpc/dispatcher.ts";
import { RpcError } from "../rpc/rpc-error.ts";


const accepted = (runId: string, acceptedAt: number) => ({ runId, status: "accepted" as const, acceptedAt });

function errorFinal(runId: string, code: string, message: string): Outcome {
  return { ok: false, error: { code, message }, payload: { runId, status: "error", summary: message } };
}

/** The final response of a finished run, or the RpcError that carries its error payload. */
export function finalOf(result: AgentRunResult): AgentFinal {
  const meta = { ...result.meta };
  if (result.status === "ok") return { runId: result.runId, status: "ok", summary: "completed", result: { payloads: result.payloads, meta } };
  const message = result.meta.error?.message ?? "the run failed";
  const code = result.status === "timeout" ? ErrorCodes.AGENT_TIMEOUT : ErrorCodes.UNAVAILABLE;
  throw RpcError.withPayload(code, message, { runId: result.runId, status: "error", summary: message, result: { payloads: result.payloads, meta } });
}

function replay(outcome: Outcome): AgentFinal {
  if (outcome.ok) return outcome.payload as AgentFinal;
  const error = RpcError.fromShape(outcome.error);
  error.payload = outcome.payload;
  throw error;
}

/** The agent a request names (default: the configured default agent); unknown ids are refused. */
export function agentFor(ctx: MethodContext, agentId: string | undefined) {
  const settings = ctx.services.agent.settings();
  const agent = agentById(settings, agentId);
  if (!agent) throw new RpcError(ErrorCodes.INVALID_REQUEST, `unknown agent id: ${agentId}`);
  return agent;
}

export function sessionKeyFor(agentId: string, raw: string | undefined): string {
  if (!raw) return mainSessionKey(agentId);
  try {
    return normalizeSessionKey(raw, { defaultAgentId: agentId });
  } catch (error) {
    if (error instanceof SessionKeyError) throw new RpcError(ErrorCodes.INVALID_REQUEST, error.message);
    throw error;
  }
}

export const agentHandlers: HandlersOf<typeof agentMethods> = {
  agent: async (params, ctx) => {
    const { services, caller } = ctx;
    const runId = params.idempotencyKey;
    const key = `agent:${runId}`;
    const previous = services.idempotency.lookup(key);
    if (previous instanceof Promise) {
      services.events.subscribe(`run:${runId}`, caller.connId);
      ctx.ack(accepted(runId, services.agent.snapshot(runId)?.startedAt ?? services.now()));
      return replay(await previous);
    }
    if (previous) return replay(previous);

    const agent = agentFor(ctx, params.agentId);
    const sessionKey = sessionKeyFor(agent.id, params.sessionKey ?? params.sessionId);
    // Subscribed before the run starts, so its first event already finds this client.
    services.events.subscribe(`run:${runId}`, caller.connId);
    services.events.subscribe(`session:${sessionKey}`, caller.connId);
    const run = services.agent.start({
      runId,
      agentId: agent.id,
      sessionKey,
      message: params.message,
      extraSystemPrompt: params.extraSystemPrompt,
      timeoutMs: params.timeout ? params.timeout * 1000 : undefined,
      source: params.label ? { label: params.label } : undefined,
      call: (method, callParams) => services.call(method, callParams, caller),
    });
    ctx.ack(accepted(runId, run.acceptedAt));
    const interrupted = errorFinal(runId, ErrorCodes.UNAVAILABLE, RUN_INTERRUPTED);
    const outcome = await services.idempotency.run(key, async () => finalOf(await run.result), { persist: true, interrupted });
    return replay(outcome);
  },

  "agent.wait": async ({ runId, timeoutMs }, { services }) => {
    const snapshot = await services.agent.wait(runId, timeoutMs ?? 30_000);
    if (!snapshot || snapshot.status === "running") return { runId, status: "timeout" };
    // The reference reports aborted runs as `timeout`: they did not end with an answer.
    const status = snapshot.status === "ok" ? "ok" : snapshot.status === "error" ? "error" : "timeout";
    return { runId, status, startedAt: snapshot.startedAt, endedAt: snapshot.endedAt, ...(snapshot.error ? { error: snapshot.error } : {}) };
  },

  "agent.identity.get": (params, ctx) => {
    const fromKey = params.sessionKey?.startsWith("agent:") ? params.sessionKey.split(":")[1] : undefined;
    const agent = agentFor(ctx, params.agentId ?? fromKey);
    const { name, emoji, avatar } = agent.identity;
    return { agentId: agent.id, ...(name ?? agent.name ? { name: name ?? agent.name } : {}), ...(emoji ? { emoji } : {}), ...(avatar ? { avatar } : {}) };
  },

  // The control UI's agent picker. Sessions are always per sender in this build.
  "agents.list": (_params, { services }) => {
    const settings = services.agent.settings();
    const agents = settings.agents.map(({ id, name, identity }) => {
      const shown = Object.fromEntries(Object.entries(identity).filter(([, value]) => value !== undefined));
      return { id, ...(name ? { name } : {}), ...(Object.keys(shown).length > 0 ? { identity: shown } : {}) };
    });
    return { defaultId: settings.defaultAgentId, mainKey: MAIN_KEY, scope: "per-sender" as const, agents };
  },
};
