/**
 * How a channel message is put to the agent: the user's turn as the model reads it, and where it
 * came from (sender and group names as cleaned labels: data, never a place to smuggle instructions).
 */
import type { AgentRunInput } from "../agent/runner-types.ts";
import type { InboundMessage } from "./types.ts";

const MAX_LABEL_LENGTH = 80;

/** Control characters and line breaks out, length capped: a name is a label, not a place for text. */
export function cleanLabel(value: string | undefined): string | undefined {
  const cleaned = value?.replace(/[\p{Cc}\p{Cf}\u2028\u2029]+/gu, " ").replace(/\s+/g, " ").trim();
  if (!cleaned) return undefined;
  return cleaned.length > MAX_LABEL_LENGTH ? `${cleaned.slice(0, MAX_LABEL_LENGTH - 1)}…` : cleaned;
}

/** What the model reads as the user's turn: the text, media as placeholders, a quoted message marked. */
export function agentMessageOf(message: InboundMessage): string {
  const parts: string[] = [];
  if (message.replyTo?.text) parts.push(`[Replying to message ${message.replyTo.messageId}]\n${message.replyTo.text}\n[/Replying]`);
  if (message.text.trim()) parts.push(message.text);
  for (const media of message.media) {
    parts.push(`<media:${media.kind}>`);
    if (media.caption && media.caption !== message.text) parts.push(media.caption);
  }
  return parts.join("\n");
}

export function sourceOf(message: InboundMessage): NonNullable<AgentRunInput["source"]> {
  const name = cleanLabel(message.sender.name) ?? (message.sender.username ? `@${cleanLabel(message.sender.username)}` : undefined);
  const from = name ? `${name} (id ${cleanLabel(message.sender.id)})` : `id ${cleanLabel(message.sender.id)}`;
  return { channel: message.channel, from, ...(message.chat.kind === "group" ? { label: cleanLabel(message.chat.title) ?? `group ${cleanLabel(message.chat.id)}` } : {}) };
}
