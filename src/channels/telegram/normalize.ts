/**
 * A Telegram update as the gateway's `InboundMessage`. Only `message` updates from people
 * carry something to answer; everything else (edits, service messages, channel posts,
 * callback queries) returns null and the poller just moves the offset past it.
 */
import type { Message, MessageEntity, Update } from "grammy/types";
import type { InboundMessage } from "../types.ts";
import { inboundMedia } from "./media.ts";

export interface BotIdentity {
  id: number;
  username: string;
}

export interface NormalizeContext {
  channel: string;
  accountId: string;
  bot: BotIdentity;
}

function entityText(text: string, entity: MessageEntity): string {
  // Telegram offsets are UTF-16 code units, which is what JS string indices are.
  return text.slice(entity.offset, entity.offset + entity.length);
}

/**
 * Whether the text addresses the bot: an `@username` mention, a text mention of its user id,
 * or a `/command@username`. Without entities (a forwarded text, a client that omits them) a
 * case-insensitive `@username` on word boundaries counts too.
 */
export function mentionsBot(text: string, entities: readonly MessageEntity[] | undefined, bot: BotIdentity): boolean {
  const handle = `@${bot.username}`.toLowerCase();
  if (entities && entities.length > 0) {
    for (const entity of entities) {
      if (entity.type === "mention" && entityText(text, entity).toLowerCase() === handle) return true;
      if (entity.type === "text_mention" && entity.user.id === bot.id) return true;
      if (entity.type === "bot_command" && entityText(text, entity).toLowerCase().endsWith(handle)) return true;
    }
    return false;
  }
  const escaped = bot.username.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`(^|[^\\w@])@${escaped}(?![\\w])`, "i").test(text);
}

function senderName(from: NonNullable<Message["from"]>): string {
  return [from.first_name, from.last_name].filter(Boolean).join(" ");
}

/** The message of an update, or null when the update has nothing to hand to the gateway. */
export function normalizeUpdate(update: Update, context: NormalizeContext): InboundMessage | null {
  const message = update.message;
  if (!message || !message.from) return null;
  const text = message.text ?? message.caption ?? "";
  const entities = message.entities ?? message.caption_entities;
  const media = inboundMedia(message);
  // Joins, pins, topic edits…: nothing a person said.
  if (text.trim() === "" && media.length === 0) return null;

  const chat = message.chat;
  const isGroup = chat.type === "group" || chat.type === "supergroup";
  // In a forum topic every message "replies" to the topic's creation message; that is no
  // reply, and counting it would make every message in a bot-made topic a mention.
  const reply = message.reply_to_message?.forum_topic_created ? undefined : message.reply_to_message;
  const replyFromSelf = reply?.from?.id === context.bot.id;

  const inbound: InboundMessage = {
    channel: context.channel,
    accountId: context.accountId,
    messageId: String(message.message_id),
    chat: { id: String(chat.id), kind: isGroup ? "group" : "direct" },
    sender: { id: String(message.from.id), name: senderName(message.from) },
    text,
    media,
    mentioned: replyFromSelf || mentionsBot(text, entities, context.bot),
    ts: message.date * 1000,
  };
  if (isGroup && "title" in chat && chat.title) inbound.chat.title = chat.title;
  // Only forum topics are threads we can answer into; a reply chain in an ordinary
  // supergroup also has a message_thread_id, and sending to it would fail.
  if (message.is_topic_message && message.message_thread_id !== undefined) inbound.chat.threadId = String(message.message_thread_id);
  if (message.from.username) inbound.sender.username = message.from.username;
  if (reply) {
    inbound.replyTo = { messageId: String(reply.message_id), fromSelf: replyFromSelf };
    const replyText = reply.text ?? reply.caption;
    if (replyText) inbound.replyTo.text = replyText;
  }
  return inbound;
}
