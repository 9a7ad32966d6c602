/**
 * Where an inbound message goes: which agent answers it and in which session
 * (channels-and-models.md §3.5, §3.6). Sessions follow the `per-channel-peer` scope, so two
 * people who DM the bot never share a conversation:
 *   DM     `agent:<agentId>:<channel>:direct:<peerId>`
 *   group  `agent:<agentId>:<channel>:group:<chatId>` (+ `:topic:<threadId>` for a forum topic)
 * The agent is the default one; `bindings` can refine this later without touching callers.
 */
import { parseSessionKey, SessionKeyError } from "../agent/sessions/session-key.ts";
import type { InboundMessage } from "./types.ts";

export interface InboundRoute {
  agentId: string;
  sessionKey: string;
}

// Ids come from the platform, but a `:` would fake extra key segments and blanks would make an
// invalid key, so those (and `%`, to keep the mapping one-to-one) are percent-encoded.
function segment(value: string): string {
  return value
    .trim()
    .toLowerCase()
    .replace(/[\s\p{Cc}:%]/gu, (c) => `%${c.codePointAt(0)!.toString(16).padStart(2, "0")}`);
}

/** The session key of a message's conversation. Throws SessionKeyError when the ids cannot make one. */
export function sessionKeyFor(agentId: string, message: Pick<InboundMessage, "channel" | "chat" | "sender">): string {
  const channel = segment(message.channel);
  const key =
    message.chat.kind === "direct"
      ? `agent:${agentId}:${channel}:direct:${segment(message.sender.id)}`
      : `agent:${agentId}:${channel}:group:${segment(message.chat.id)}${message.chat.threadId ? `:topic:${segment(message.chat.threadId)}` : ""}`;
  const parsed = parseSessionKey(key);
  if (!parsed) throw new SessionKeyError(`no session key for ${message.channel} chat ${message.chat.id.slice(0, 40)}`, key);
  return parsed.key;
}

/** The agent and session for an inbound message. */
export function routeInbound(message: Pick<InboundMessage, "channel" | "chat" | "sender">, defaultAgentId: string): InboundRoute {
  return { agentId: defaultAgentId, sessionKey: sessionKeyFor(defaultAgentId, message) };
}
