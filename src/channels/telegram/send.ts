/**
 * One outbound message through the Bot API. The caller (the manager) has already chunked the
 * text at `textLimit`; a text that still exceeds Telegram's 4096 is refused, never cut here.
 * Everything that can be checked (lengths, attachments) is checked before the first call, so a
 * message is refused whole rather than going out half. Text goes as our HTML rendering and,
 * when Telegram cannot parse it, once more as the same text in plain (user-needs C5).
 *
 * A single attachment without a caption takes a short text (≤ 1024) as its caption, so "here
 * is the chart" + image arrives as one message. Otherwise the text goes first, then each
 * attachment; if a later part fails the outbox retries the whole message, which may repeat
 * the parts that went out (the platform gives no way to make that atomic).
 */
import type { Bot, InputFile } from "grammy";
import type { Message } from "grammy/types";
import { ChannelSendError, type OutboundMessage, type SendResult } from "../types.ts";
import { asBotApiError, isEntityParseError, toSendError } from "./errors.ts";
import { markdownToTelegramHtml } from "./format.ts";
import { CAPTION_MAX, prepareMedia, type PreparedMedia } from "./media.ts";
import { TELEGRAM_TEXT_MAX } from "./settings.ts";

export interface SendContext {
  bot: Bot;
  InputFile: typeof InputFile;
  /** Only to scrub it from error text. */
  token: string;
  linkPreview: boolean;
}

type ChatId = number | string;

/** Numeric ids as numbers (what the Bot API documents), `@channel` names as they are. */
function chatIdOf(to: string): ChatId {
  return /^-?\d+$/.test(to) && Number.isSafeInteger(Number(to)) ? Number(to) : to;
}

/** Extra fields every part of the message gets. General (topic 1) takes no thread id: Telegram refuses it there. */
function threadField(threadId: string | undefined): { message_thread_id?: number } {
  if (!threadId || threadId === "1" || !/^\d+$/.test(threadId)) return {};
  return { message_thread_id: Number(threadId) };
}

/**
 * Runs `call` for the chat, and once more for the new id when Telegram says the group became
 * a supergroup (400 with `migrate_to_chat_id`).
 */
async function withMigration<T>(chatId: ChatId, call: (chatId: ChatId) => Promise<T>): Promise<T> {
  try {
    return await call(chatId);
  } catch (error) {
    const migrated = asBotApiError(error)?.parameters?.migrate_to_chat_id;
    if (typeof migrated !== "number") throw error;
    return await call(migrated);
  }
}

/** HTML first; on "can't parse entities" the same text, plain. */
async function withPlainFallback<T>(markdown: string, call: (text: string, html: boolean) => Promise<T>): Promise<T> {
  const html = markdownToTelegramHtml(markdown);
  try {
    return await call(html, true);
  } catch (error) {
    if (!isEntityParseError(error)) throw error;
    return await call(markdown, false);
  }
}

function check(message: OutboundMessage): string {
  const text = message.text ?? "";
  if (text.length > TELEGRAM_TEXT_MAX) {
    throw new ChannelSendError(`text is ${text.length} characters, over Telegram's ${TELEGRAM_TEXT_MAX}-character limit; chunk it first`, { kind: "refused" });
  }
  return text;
}

export async function sendTelegramMessage(context: SendContext, message: OutboundMessage): Promise<SendResult> {
  try {
    const text = check(message);
    const media: PreparedMedia[] = await Promise.all((message.media ?? []).map(prepareMedia));
    if (text.trim() === "" && media.length === 0) throw new ChannelSendError("nothing to send: the message has no text and no media", { kind: "refused" });
    let remainingText = text.trim() === "" ? "" : text;
    if (media.length === 1 && media[0]!.caption === undefined && remainingText && remainingText.length <= CAPTION_MAX) {
      media[0]!.caption = remainingText;
      remainingText = "";
    }

    const api = context.bot.api;
    const thread = threadField(message.threadId);
    let reply = message.replyToMessageId && /^\d+$/.test(message.replyToMessageId)
      ? { reply_parameters: { message_id: Number(message.replyToMessageId), allow_sending_without_reply: true } }
      : {};
    // Only the first part quotes the message it answers.
    const replyOnce = () => {
      const value = reply;
      reply = {};
      return value;
    };
    let last: Message | undefined;
    let chatId = chatIdOf(message.to);

    if (remainingText) {
      const extra = { ...thread, ...replyOnce(), ...(context.linkPreview ? {} : { link_preview_options: { is_disabled: true } }) };
      last = await withMigration(chatId, (chat) =>
        withPlainFallback(remainingText, (body, html) => api.sendMessage(chat, body, html ? { ...extra, parse_mode: "HTML" } : extra)),
      );
      chatId = last.chat.id;
    }
    for (const item of media) {
      const extra = { ...thread, ...replyOnce() };
      const source = item.source;
      const send = (chat: ChatId, caption: string | undefined, html: boolean): Promise<Message> => {
        // A fresh InputFile per attempt: a retried upload reads the file again.
        const file = "url" in source ? source.url : new context.InputFile(source.path, source.fileName);
        const fields = { ...extra, ...(caption ? { caption } : {}), ...(caption && html ? { parse_mode: "HTML" as const } : {}) };
        return item.method === "sendPhoto" ? api.sendPhoto(chat, file, fields) : api.sendDocument(chat, file, fields);
      };
      const caption = item.caption;
      last = await withMigration(chatId, (chat) => (caption ? withPlainFallback(caption, (body, html) => send(chat, body, html)) : send(chat, undefined, false)));
      chatId = last.chat.id;
    }
    if (!last) throw new ChannelSendError("nothing was sent", { kind: "refused" });
    return { messageId: String(last.message_id), chatId: String(last.chat.id) };
  } catch (error) {
    throw toSendError(error, context.token);
  }
}
