/**
 * One outbound message through WhatsApp: text, attachments (image, video, voice note,
 * document), each paced (`pacing.ts`) and stored once sent (for `getMessage` and to recognise
 * its echo). A message that became several WhatsApp messages (text + attachments) remembers
 * the parts already out for a while, so the outbox retrying it after a failure in the middle
 * does not send the first parts twice (user-needs D1).
 */
import type { AnyMessageContent } from "@whiskeysockets/baileys";
import { ChannelSendError, type OutboundMessage, type SendResult } from "../types.ts";
import type { Clock } from "./clock.ts";
import { toSendError } from "./errors.ts";
import { chatJidOf } from "./jid.ts";
import { carriesCaption, mediaContent } from "./media-out.ts";
import type { Pacer } from "./pacing.ts";
import type { WaSocket } from "./socket.ts";
import type { SentMessageStore } from "./stores.ts";

/**
 * The WhatsApp message id of part `index` of an outbox item: the same on every attempt, so a
 * message resent after a crash (sent, but not yet marked sent) reaches the recipient as the
 * message it already has, which WhatsApp keys by id, instead of as a second copy. Shaped like
 * Baileys' own ids (`3EB0` + 18 bytes of upper-case hex).
 */
export function stableMessageId(dedupeKey: string, index: number): string {
  const digest = new Bun.CryptoHasher("sha256").update(`${dedupeKey}\n${index}`).digest("hex");
  return `3EB0${digest.slice(0, 36).toUpperCase()}`;
}

/** WhatsApp shows about this much caption under an attachment; longer text goes as its own message. */
const CAPTION_MAX = 1024;
const PARTS_KEEP_MS = 30 * 60_000;

export interface SenderOptions {
  /** An open socket, waiting a while for one; throws a transient `ChannelSendError` when none comes. */
  connected: () => Promise<WaSocket>;
  pacer: Pacer;
  sent: SentMessageStore;
  clock: Clock;
  /** Attachments larger than this are refused (bytes). */
  mediaMaxBytes: number;
}

export class WhatsAppSender {
  /** Message fingerprint → ids of its parts already sent, and when. */
  private readonly partsSent = new Map<string, { ids: string[]; at: number }>();

  constructor(private readonly options: SenderOptions) {}

  async send(message: OutboundMessage): Promise<SendResult> {
    const jid = chatJidOf(message.to);
    if (!jid) throw new ChannelSendError(`not a WhatsApp chat: ${JSON.stringify(message.to.slice(0, 60))}`, { kind: "refused" });
    const contents = await this.contentsOf(message);
    const key = JSON.stringify([jid, message.text ?? "", message.media ?? []]);
    this.prune();
    const done = this.partsSent.get(key) ?? { ids: [], at: this.options.clock.now() };
    for (let index = done.ids.length; index < contents.length; index++) {
      await this.options.pacer.wait(jid);
      const socket = await this.options.connected();
      let id: string;
      try {
        const messageId = message.dedupeKey ? stableMessageId(message.dedupeKey, index) : undefined;
        const result = await socket.sendMessage(jid, contents[index]!, messageId ? { messageId } : undefined);
        if (!result?.key?.id) throw new ChannelSendError("WhatsApp returned no message id", { kind: "transient" });
        id = result.key.id;
        if (result.message) this.options.sent.remember({ chatJid: jid, id, message: result.message, sentAt: this.options.clock.now() });
      } catch (error) {
        throw toSendError(error);
      }
      done.ids.push(id);
      done.at = this.options.clock.now();
      this.partsSent.set(key, done);
    }
    this.partsSent.delete(key);
    return { messageId: done.ids[done.ids.length - 1]!, chatId: jid };
  }

  /** "typing…" in a chat, when connected; a courtesy, so failures are swallowed. */
  async typing(socket: WaSocket | null, chatId: string): Promise<void> {
    const jid = chatJidOf(chatId);
    if (!socket || !jid) return;
    await socket.sendPresenceUpdate("composing", jid).catch(() => {});
  }

  private async contentsOf(message: OutboundMessage): Promise<AnyMessageContent[]> {
    const text = message.text?.trim() ? message.text : undefined;
    const media = message.media ?? [];
    if (!text && media.length === 0) throw new ChannelSendError("nothing to send: no text and no attachment", { kind: "refused" });
    const attachments: AnyMessageContent[] = [];
    for (const item of media) attachments.push(await mediaContent(item, { maxBytes: this.options.mediaMaxBytes }));
    const first = attachments[0];
    // Short text rides as the first attachment's caption, as a person would send it.
    if (text && first && carriesCaption(first) && !media[0]!.caption && text.length <= CAPTION_MAX) {
      (first as { caption?: string }).caption = text;
      return attachments;
    }
    return text ? [{ text }, ...attachments] : attachments;
  }

  private prune(): void {
    const before = this.options.clock.now() - PARTS_KEEP_MS;
    for (const [key, entry] of this.partsSent) if (entry.at < before) this.partsSent.delete(key);
  }
}
