/**
 * `chat.*` for WebChat and the control UI: send (one response, progress as `chat` events on
 * the session), history (the transcript, bounded), abort, inject (an assistant note).
 */
import { ErrorCodes } from "../../../protocol/errors.ts";
import type { chatMethods } from "../../../protocol/methods/chat.ts";
import type { ModelMessage } from "../../agent/model/types.ts";
import type { TranscriptEntry } from "../../agent/sessions/types.ts";
import type { HandlersOf, MethodContext } from "../rpc/dispatcher.ts";
import { RpcError } from "../rpc/rpc-error.ts";
import { agentFor, finalOf, sessionKeyFor } from "./agent.ts";

/** One message in `chat.history` is at most this big; a larger one is replaced by a placeholder. */
export const HISTORY_MESSAGE_MAX_BYTES = 128 * 1024;
/** The whole `chat.history` answer stays under this. */
export const HISTORY_TOTAL_MAX_BYTES = 6 * 1024 * 1024;

function contentOf(message: ModelMessage): Record<string, unknown>[] {
  switch (message.role) {
    case "user":
      return [{ type: "text", text: message.content }];
    case "assistant":
      return [
        ...(message.content ? [{ type: "text", text: message.content }] : []),
        ...(message.toolCalls ?? []).map((call) => ({ type: "toolCall", id: call.id, name: call.name, arguments: call.arguments })),
      ];
    case "tool":
      return [{ type: "toolResult", toolCallId: message.toolCallId, name: message.name, text: message.content, ...(message.isError ? { isError: true } : {}) }];
  }
}

function historyMessages(entries: TranscriptEntry[]) {
  const out = [];
  let total = 0;
  // Newest first, so the cap drops the oldest.
  for (const entry of [...entries].reverse()) {
    let message = { role: entry.message.role, content: contentOf(entry.message), timestamp: entry.ts, ...(entry.runId ? { runId: entry.runId } : {}) };
    let size = Buffer.byteLength(JSON.stringify(message));
    if (size > HISTORY_MESSAGE_MAX_BYTES) {
      message = { ...message, content: [{ type: "text", text: `[message of ${size} bytes left out]` }] };
      size = Buffer.byteLength(JSON.stringify(message));
    }
    if (total + size > HISTORY_TOTAL_MAX_BYTES) break;
    total += size;
    out.push(message);
  }
  return out.reverse();
}

/** The session a chat method names, and the agent it belongs to. */
function sessionOf(ctx: MethodContext, raw: string) {
  const sessionKey = sessionKeyFor(agentFor(ctx, undefined).id, raw);
  return { sessionKey, agent: agentFor(ctx, sessionKey.split(":")[1]) };
}

export const chatHandlers: HandlersOf<typeof chatMethods> = {
  "chat.send": (params, ctx) => {
    const { services, caller } = ctx;
    const runId = params.idempotencyKey;
    const key = `chat:${runId}`;
    const previous = services.idempotency.lookup(key);
    if (previous instanceof Promise) return { runId, status: "in_flight" };
    if (previous) return { runId, status: previous.ok ? "ok" : "error" };
    const { sessionKey, agent } = sessionOf(ctx, params.sessionKey);
    services.events.subscribe(`session:${sessionKey}`, caller.connId);
    const run = services.agent.start({
      runId,
      agentId: agent.id,
      sessionKey,
      message: params.message,
      timeoutMs: params.timeoutMs,
      call: (method, callParams) => services.call(method, callParams, caller),
    });
    // The outcome is remembered for retries; progress and the end reach the client as `chat` events.
    void services.idempotency.run(key, async () => finalOf(await run.result), { persist: true }).catch(() => {});
    return { runId, status: "started" };
  },

  "chat.history": (params, ctx) => {
    const { services, caller } = ctx;
    const { sessionKey } = sessionOf(ctx, params.sessionKey);
    const session = services.sessions.get(sessionKey);
    // A client that reads the history follows the conversation from here on.
    services.events.subscribe(`session:${sessionKey}`, caller.connId);
    const entries = session ? services.sessions.transcript(sessionKey, { limit: params.limit ?? 200 }) : [];
    return { sessionKey, sessionId: session?.sessionId ?? null, messages: historyMessages(entries) };
  },

  "chat.abort": (params, ctx) => {
    const { services } = ctx;
    const { sessionKey } = sessionOf(ctx, params.sessionKey);
    const candidates = params.runId ? [params.runId] : services.agent.runsOf(sessionKey);
    const runIds = candidates.filter((runId) => services.agent.runsOf(sessionKey).includes(runId) && services.agent.abort(runId));
    return { ok: true, aborted: runIds.length > 0, runIds };
  },

  "chat.inject": (params, ctx) => {
    const { services } = ctx;
    const { sessionKey, agent } = sessionOf(ctx, params.sessionKey);
    if (!params.message.trim()) throw new RpcError(ErrorCodes.INVALID_REQUEST, "message required");
    const text = params.label ? `[${params.label}] ${params.message}` : params.message;
    services.sessions.ensure(sessionKey, agent.id);
    services.sessions.append(sessionKey, [{ ts: services.now(), message: { role: "assistant", content: text }, runId: null }]);
    return { ok: true, sessionKey };
  },
};
