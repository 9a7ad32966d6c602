/**
 * Building the `Message` a user "sends" on the fake Bot API (`pushMessage`), in the shape the
 * Bot API delivers: private chats or (super)groups, forum topics, entities for @mentions and
 * commands, replies, and media whose file ids `getFile` knows.
 */
import type { Message, MessageEntity, User } from "grammy/types";

export interface PushMessageInput {
  /** The chat; default the sender's id (a private chat). */
  chatId?: number;
  /** Default "private" for a positive id, else "supergroup". */
  chatType?: "private" | "group" | "supergroup";
  /** Group title; default "Test group". */
  title?: string;
  /** The sender; default `{ id: 1001, first_name: "Ada", username: "ada" }`. */
  from?: Partial<User>;
  text?: string;
  caption?: string;
  /** Default: `mention` entities for every `@name` and `bot_command` for a leading `/cmd`. */
  entities?: MessageEntity[];
  /** A forum topic: sets `message_thread_id`, `is_topic_message` and `chat.is_forum`. */
  threadId?: number;
  /** A message id seen before (sent or pushed), or a reply built here (`fromBot`: written by the bot). */
  replyTo?: number | { messageId: number; text?: string; fromBot?: boolean };
  photo?: boolean;
  document?: { fileName?: string; mimeType?: string };
  voice?: boolean;
  sticker?: boolean;
  /** Unix seconds; default now. */
  date?: number;
}

export const DEFAULT_SENDER: User = { id: 1001, is_bot: false, first_name: "Ada", username: "ada" };

function autoEntities(text: string): MessageEntity[] {
  const entities: MessageEntity[] = [];
  const command = /^\/[A-Za-z0-9_]+(@[A-Za-z0-9_]+)?/.exec(text);
  if (command) entities.push({ type: "bot_command", offset: 0, length: command[0].length });
  for (const match of text.matchAll(/(^|[^\w@/])(@[A-Za-z0-9_]{3,})/g)) {
    entities.push({ type: "mention", offset: match.index! + match[1]!.length, length: match[2]!.length });
  }
  return entities;
}

export interface MessageDeps {
  messageId: number;
  /** The bot's own user, for replies to it. */
  bot: User;
  addFile(bytes: Uint8Array, options: { fileName?: string; mimeType?: string }): string;
  /** A message seen before (sent or pushed), for `replyTo: <id>`. */
  known(id: number): Message | undefined;
}

function replyOf(replyTo: NonNullable<PushMessageInput["replyTo"]>, chat: unknown, sender: User, deps: MessageDeps): Message {
  const date = Math.floor(Date.now() / 1000);
  if (typeof replyTo === "number") return deps.known(replyTo) ?? ({ message_id: replyTo, date, chat, from: sender } as unknown as Message);
  const from = replyTo.fromBot ? deps.bot : sender;
  return { message_id: replyTo.messageId, date, chat, from, ...(replyTo.text ? { text: replyTo.text } : {}) } as unknown as Message;
}

export function buildMessage(input: PushMessageInput, deps: MessageDeps): Record<string, unknown> {
  const from: User = { ...DEFAULT_SENDER, ...input.from };
  const chatId = input.chatId ?? from.id;
  const chatType = input.chatType ?? (chatId > 0 ? "private" : "supergroup");
  const chat =
    chatType === "private"
      ? { id: chatId, type: "private" as const, first_name: from.first_name, ...(from.username ? { username: from.username } : {}) }
      : { id: chatId, type: chatType, title: input.title ?? "Test group", ...(input.threadId !== undefined ? { is_forum: true } : {}) };
  const message: Record<string, unknown> = { message_id: deps.messageId, date: input.date ?? Math.floor(Date.now() / 1000), chat, from };
  if (input.threadId !== undefined) Object.assign(message, { message_thread_id: input.threadId, is_topic_message: true });
  if (input.text !== undefined) Object.assign(message, { text: input.text, entities: input.entities ?? autoEntities(input.text) });
  if (input.caption !== undefined) Object.assign(message, { caption: input.caption, caption_entities: input.entities ?? autoEntities(input.caption) });
  if (input.photo) {
    const small = deps.addFile(new Uint8Array(100), { mimeType: "image/jpeg" });
    const large = deps.addFile(new Uint8Array(1000), { mimeType: "image/jpeg" });
    message.photo = [
      { file_id: small, file_unique_id: `u${small}`, width: 90, height: 60, file_size: 100 },
      { file_id: large, file_unique_id: `u${large}`, width: 1280, height: 853, file_size: 1000 },
    ];
  }
  if (input.document) {
    const id = deps.addFile(new Uint8Array(10), { mimeType: input.document.mimeType });
    message.document = { file_id: id, file_unique_id: `u${id}`, file_name: input.document.fileName ?? "file.bin", mime_type: input.document.mimeType ?? "application/octet-stream" };
  }
  if (input.voice) {
    const id = deps.addFile(new Uint8Array(10), { mimeType: "audio/ogg" });
    message.voice = { file_id: id, file_unique_id: `u${id}`, duration: 2, mime_type: "audio/ogg" };
  }
  if (input.sticker) {
    const id = deps.addFile(new Uint8Array(10), { mimeType: "image/webp" });
    message.sticker = { file_id: id, file_unique_id: `u${id}`, type: "regular", width: 512, height: 512, is_animated: false, is_video: false };
  }
  if (input.replyTo !== undefined) message.reply_to_message = replyOf(input.replyTo, chat, from, deps);
  return message;
}
