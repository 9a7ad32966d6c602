/** Chat (protocol.md §6 "Chat"): WebChat and the control UI talk to a session through these. */
import { method } from "../method-record.ts";
import { t, type Static } from "../schema-builder.ts";
import { Scopes } from "../scopes.ts";

const sessionKey = () => t.string({ minLength: 1, maxLength: 512 });

export const ChatSendParams = t.object({
  sessionKey: sessionKey(),
  message: t.string({ maxLength: 200_000 }),
  thinking: t.optional(t.string({ maxLength: 32 })),
  deliver: t.optional(t.boolean()),
  timeoutMs: t.optional(t.integer({ minimum: 1, maximum: 86_400_000 })),
  idempotencyKey: t.string({ minLength: 1, maxLength: 256 }),
});
export type ChatSendParams = Static<typeof ChatSendParams>;
export const ChatSendResult = t.object({ runId: t.string(), status: t.enum(["started", "in_flight", "ok", "error"]) });

export const ChatHistoryParams = t.object({ sessionKey: sessionKey(), limit: t.optional(t.integer({ minimum: 1, maximum: 1000 })) });
export type ChatHistoryParams = Static<typeof ChatHistoryParams>;

export const ChatMessage = t.object({
  role: t.enum(["user", "assistant", "tool"]),
  content: t.array(t.record(t.unknown())),
  timestamp: t.integer(),
  runId: t.optional(t.string()),
});
export const ChatHistoryResult = t.object({ sessionKey: t.string(), sessionId: t.nullable(t.string()), messages: t.array(ChatMessage) });

export const ChatAbortParams = t.object({ sessionKey: sessionKey(), runId: t.optional(t.string({ maxLength: 256 })) });
export const ChatAbortResult = t.object({ ok: t.literal(true), aborted: t.boolean(), runIds: t.array(t.string()) });

export const ChatInjectParams = t.object({ sessionKey: sessionKey(), message: t.string({ maxLength: 200_000 }), label: t.optional(t.string({ maxLength: 100 })) });

/** The `chat` event (protocol.md §7). */
export const ChatEventPayload = t.object({
  runId: t.string(),
  sessionKey: t.string(),
  seq: t.integer({ minimum: 1 }),
  state: t.enum(["delta", "final", "aborted", "error"]),
  message: t.optional(ChatMessage),
  deltaText: t.optional(t.string()),
  errorMessage: t.optional(t.string()),
  usage: t.optional(t.object({ inputTokens: t.integer(), outputTokens: t.integer() })),
  stopReason: t.optional(t.nullable(t.string())),
});
export type ChatEventPayload = Static<typeof ChatEventPayload>;

export const chatMethods = {
  "chat.send": method({ params: ChatSendParams, result: ChatSendResult, scope: Scopes.WRITE, idempotent: true }),
  "chat.history": method({ params: ChatHistoryParams, result: ChatHistoryResult, scope: Scopes.READ }),
  "chat.abort": method({ params: ChatAbortParams, result: ChatAbortResult, scope: Scopes.WRITE }),
  "chat.inject": method({ params: ChatInjectParams, scope: Scopes.ADMIN }),
};
