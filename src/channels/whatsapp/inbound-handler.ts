/**
 * One `messages.upsert` batch into the gateway: `notify` (live) and `append` (arrived while we
 * were offline) alike, since handling only `notify` loses what came during downtime. Each
 * message is normalised, its media downloaded, handed to `ctx.receive` (which resolves once
 * the inbox has it; the inbox recognises redeliveries), and only then marked read.
 */
import type { BaileysEventMap, WAMessage, WAMessageKey } from "@whiskeysockets/baileys";
import type { ChannelContext } from "../types.ts";
import type { Identities } from "./identities.ts";
import { normalizeInbound, type InboundContext } from "./inbound.ts";
import { isLidJid, normalizeJid } from "./jid.ts";
import { downloadInboundMedia } from "./media-in.ts";
import type { WaSocket } from "./socket.ts";

/** Keys recently handed over, so a message in both a `notify` and an `append` batch is downloaded once. */
const RECENT_KEYS = 5000;

export interface InboundHandlerOptions {
  ctx: ChannelContext;
  identities: Identities;
  /** Read per message: our identity can arrive with the connection. */
  context: () => InboundContext;
  sendReadReceipts: boolean;
  /** `<workspace>/inbox/whatsapp`. */
  mediaDir: string;
  mediaMaxBytes: number;
}

export class InboundHandler {
  private readonly recent = new Set<string>();

  constructor(private readonly options: InboundHandlerOptions) {}

  async handle(socket: WaSocket, batch: BaileysEventMap["messages.upsert"]): Promise<void> {
    const { ctx } = this.options;
    const receipts: WAMessageKey[] = [];
    // Baileys has acknowledged these already: even when stopping, every one is handed over
    // (media downloads are cut short then, the message goes in without the file).
    for (const msg of batch.messages) {
      const seen = `${normalizeJid(msg.key.remoteJid) ?? ""}\u0000${msg.key.id ?? ""}`;
      if (this.recent.has(seen)) continue;
      await this.resolveLids(socket, msg);
      const decision = normalizeInbound(msg, this.options.context());
      if ("skip" in decision) {
        ctx.log.trace(`whatsapp ${batch.type} message ${msg.key.id ?? "?"} skipped: ${decision.skip}`);
        continue;
      }
      const { message } = decision;
      if (decision.media) {
        const result = await downloadInboundMedia({
          socket,
          message: msg,
          pending: decision.media,
          accountId: message.accountId,
          dir: this.options.mediaDir,
          maxBytes: this.options.mediaMaxBytes,
          signal: ctx.signal,
        });
        if ("skipped" in result) ctx.log.info(`whatsapp ${decision.media.media.kind} in message ${message.messageId} not downloaded: ${result.skipped}`);
        message.media.push(result.media);
      }
      await ctx.receive(message);
      this.remember(seen);
      if (decision.readKey) receipts.push(decision.readKey);
    }
    if (this.options.sendReadReceipts && receipts.length > 0) {
      await socket.readMessages(receipts).catch((error: unknown) => ctx.log.debug(`whatsapp read receipts failed: ${(error as Error)?.message ?? error}`));
    }
  }

  /** Asks Baileys for the phone number of LIDs we do not know yet (sender and mentions), so they compare right. */
  private async resolveLids(socket: WaSocket, msg: WAMessage): Promise<void> {
    const { identities } = this.options;
    const contextInfo =
      msg.message?.extendedTextMessage?.contextInfo ?? msg.message?.imageMessage?.contextInfo ?? msg.message?.videoMessage?.contextInfo ?? null;
    const candidates = [msg.key.participant, msg.key.remoteJid, ...(contextInfo?.mentionedJid ?? []).slice(0, 10)];
    for (const jid of candidates) {
      if (typeof jid !== "string" || !isLidJid(jid) || !identities.unknownLid(jid)) continue;
      const pn = await socket.pnForLid(normalizeJid(jid)!).catch(() => null);
      if (pn) identities.learn(jid, pn);
    }
  }

  private remember(key: string): void {
    this.recent.add(key);
    if (this.recent.size > RECENT_KEYS) this.recent.delete(this.recent.values().next().value!);
  }
}
