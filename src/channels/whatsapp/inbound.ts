/**
 * A Baileys `WAMessage` as the gateway's `InboundMessage` (channels-and-models.md §1.9), or
 * the reason it is none: status and broadcast posts, system stubs, reactions and other
 * protocol messages, our own sends echoed back, and what the owner types on the phone to
 * other people. Identities are canonical (see `identities.ts`): DMs are keyed by E.164 when
 * the number is known, mentions and replies are compared with our phone JID *and* our LID.
 */
import type { proto, WAMessage, WAMessageKey } from "@whiskeysockets/baileys";
import type { InboundMedia, InboundMessage } from "../types.ts";
import type { Identities, SelfIdentity } from "./identities.ts";
import { isBroadcastJid, isGroupJid, isLidJid, normalizeJid, parseJid } from "./jid.ts";
import { wasSentByUs, type SentMessageStore } from "./stores.ts";

export interface InboundContext {
  accountId: string;
  self: SelfIdentity;
  identities: Identities;
  /** What we sent: a reply to one of these is a mention, an echo of one is skipped. */
  sent: SentMessageStore;
  /** Messages the owner writes in their own chat reach the agent. */
  selfChatMode: boolean;
}

/** A media attachment still to download. */
export interface PendingMedia {
  media: InboundMedia;
  /** What WhatsApp says the file's size is, when it says (bytes). */
  declaredBytes: number | null;
}

export type InboundDecision =
  | { skip: string }
  | {
      message: InboundMessage;
      media: PendingMedia | null;
      /** The key to mark read once stored; null when no receipt may go out (our own chat, our own message). */
      readKey: WAMessageKey | null;
    };

type Content = proto.IMessage;

/** Peels the wrappers WhatsApp puts around a message (disappearing, view once, a document with caption, synced from our phone). */
export function unwrapContent(message: Content | null | undefined): Content | null {
  let content = message ?? null;
  for (let depth = 0; content && depth < 6; depth++) {
    const inner =
      content.ephemeralMessage?.message ??
      content.viewOnceMessage?.message ??
      content.viewOnceMessageV2?.message ??
      content.viewOnceMessageV2Extension?.message ??
      content.documentWithCaptionMessage?.message ??
      content.deviceSentMessage?.message;
    if (!inner) break;
    content = inner;
  }
  return content;
}

/** protobuf numbers may come as `Long`; we only need them as plain numbers. */
export function toNumber(value: number | { toNumber(): number } | string | null | undefined): number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (typeof value === "string") return Number.isFinite(Number(value)) ? Number(value) : null;
  return typeof value.toNumber === "function" ? value.toNumber() : null;
}

function textOf(content: Content): string {
  return (
    content.conversation ??
    content.extendedTextMessage?.text ??
    content.imageMessage?.caption ??
    content.videoMessage?.caption ??
    content.documentMessage?.caption ??
    ""
  );
}

function contextInfoOf(content: Content): proto.IContextInfo | null {
  return (
    content.extendedTextMessage?.contextInfo ??
    content.imageMessage?.contextInfo ??
    content.videoMessage?.contextInfo ??
    content.audioMessage?.contextInfo ??
    content.documentMessage?.contextInfo ??
    content.stickerMessage?.contextInfo ??
    null
  );
}

function mediaOf(content: Content): PendingMedia | null {
  const pick = (
    kind: InboundMedia["kind"],
    part: { mimetype?: string | null; fileLength?: number | { toNumber(): number } | null; caption?: string | null; fileName?: string | null },
  ): PendingMedia => {
    const media: InboundMedia = { kind };
    if (part.mimetype) media.mimeType = part.mimetype;
    if (part.fileName) media.fileName = part.fileName;
    if (part.caption) media.caption = part.caption;
    return { media, declaredBytes: toNumber(part.fileLength) };
  };
  if (content.imageMessage) return pick("image", content.imageMessage);
  if (content.videoMessage) return pick("video", content.videoMessage);
  if (content.audioMessage) return pick(content.audioMessage.ptt ? "voice" : "audio", content.audioMessage);
  if (content.documentMessage) return pick("document", content.documentMessage);
  if (content.stickerMessage) return pick("sticker", content.stickerMessage);
  return null;
}

/** Whether the text carries an `@<digits>` token for one of our numbers (clients that send no `mentionedJid`). */
function textMentions(text: string, self: SelfIdentity): boolean {
  for (const jid of [self.pn, self.lid]) {
    const user = parseJid(jid)?.user;
    if (user && new RegExp(`(^|[^\\w])@${user}(?!\\d)`).test(text)) return true;
  }
  return false;
}

/**
 * `@<lid digits>` tokens mean nothing to the model (user-needs B7): a mentioned person whose
 * number we know is written as `@+<E.164>` instead.
 */
function readableMentions(text: string, mentioned: readonly string[], identities: Identities): string {
  let result = text;
  for (const jid of mentioned) {
    const parsed = parseJid(jid);
    if (!parsed || !isLidJid(jid)) continue;
    const person = identities.personId(jid);
    if (person && person.startsWith("+")) result = result.replace(new RegExp(`@${parsed.user}(?!\\d)`, "g"), `@${person}`);
  }
  return result;
}

export function normalizeInbound(msg: WAMessage, context: InboundContext): InboundDecision {
  const { key } = msg;
  const remoteJid = normalizeJid(key.remoteJid);
  if (!remoteJid || !key.id) return { skip: "no chat or id" };
  if (isBroadcastJid(remoteJid)) return { skip: "status or broadcast" };
  const content = unwrapContent(msg.message);
  if (!content) return { skip: "system message" };
  if (content.protocolMessage || content.reactionMessage || content.pollUpdateMessage) return { skip: "protocol message" };

  const { identities, self } = context;
  const isGroup = isGroupJid(remoteJid);
  // Learn what WhatsApp tells us about who is who before using it.
  identities.learn(key.remoteJid, key.remoteJidAlt);
  identities.learn(key.remoteJidAlt, key.remoteJid);
  identities.learn(key.participant, key.participantAlt);
  identities.learn(key.participantAlt, key.participant);

  const selfChat = !isGroup && identities.isSelf(remoteJid, self);
  const chatForms = [remoteJid, normalizeJid(key.remoteJidAlt), identities.canonical(remoteJid)];
  if (key.fromMe) {
    if (wasSentByUs(context.sent, key.id, chatForms)) return { skip: "our own message" };
    if (!(selfChat && context.selfChatMode)) return { skip: "written by the owner" };
  }

  const text = textOf(content);
  const media = mediaOf(content);
  if (text.trim() === "" && !media) return { skip: "nothing to answer" };

  const senderJid = key.fromMe ? (self.pn ?? self.lid) : isGroup ? (key.participantAlt ?? key.participant) : (key.remoteJidAlt ?? key.remoteJid);
  const senderId = identities.personId(senderJid);
  if (!senderId) return { skip: "no sender" };
  const chatId = isGroup ? remoteJid : (identities.canonical(key.remoteJidAlt ?? remoteJid) ?? remoteJid);

  const contextInfo = contextInfoOf(content);
  const mentionedJids = (contextInfo?.mentionedJid ?? []).filter((jid): jid is string => typeof jid === "string");
  const quotedId = contextInfo?.stanzaId ?? null;
  const replyFromSelf = quotedId !== null && (identities.isSelf(contextInfo?.participant, self) || wasSentByUs(context.sent, quotedId, chatForms));
  const mentioned = mentionedJids.some((jid) => identities.isSelf(jid, self)) || replyFromSelf || textMentions(text, self);

  const ts = toNumber(msg.messageTimestamp);
  const message: InboundMessage = {
    channel: "whatsapp",
    accountId: context.accountId,
    messageId: key.id,
    chat: { id: chatId, kind: isGroup ? "group" : "direct" },
    sender: { id: senderId, ...(identities.isSelf(senderJid, self) ? { isOwner: true } : {}) },
    text: readableMentions(text, mentionedJids, identities),
    media: [],
    mentioned,
    ts: ts === null ? Date.now() : ts * 1000,
  };
  if (msg.pushName && !key.fromMe) message.sender.name = msg.pushName;
  if (quotedId) {
    message.replyTo = { messageId: quotedId, fromSelf: replyFromSelf };
    const quoted = unwrapContent(contextInfo?.quotedMessage);
    const quotedText = quoted ? textOf(quoted) : "";
    if (quotedText) message.replyTo.text = quotedText;
  }
  const readKey: WAMessageKey | null =
    key.fromMe || selfChat ? null : { remoteJid: key.remoteJid, id: key.id, fromMe: false, ...(key.participant ? { participant: key.participant } : {}) };
  return { message, media, readKey };
}
