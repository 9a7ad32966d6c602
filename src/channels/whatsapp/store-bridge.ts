/**
 * The adapter's stores (`stores.ts`) over the gateway's sqlite tables (`whatsapp_messages`,
 * `whatsapp_lid_map`, kept by `src/store/whatsapp-messages.ts`). Message contents are
 * `proto.IMessage` in Baileys' BufferJSON form; the codec comes from the caller because only
 * code that has loaded Baileys can provide it.
 */
import type { proto } from "@whiskeysockets/baileys";
import type { WhatsAppMessageStore } from "../../store/whatsapp-messages.ts";
import type { LidMapStore, SentMessage, SentMessageStore } from "./stores.ts";

/** Ids this process sent lately, for recognising echoes without a query. */
const RECENT_IDS = 2000;

export interface MessageCodec {
  encode(message: proto.IMessage): string;
  decode(text: string): proto.IMessage;
}

/** protobuf's own JSON form (bytes as base64, longs as strings), which `fromObject` reads back; `proto` is Baileys'. */
export function protoMessageCodec(protoModule: typeof proto): MessageCodec {
  return {
    encode: (message) => JSON.stringify(protoModule.Message.fromObject(message).toJSON()),
    decode: (text) => protoModule.Message.fromObject(JSON.parse(text)),
  };
}

export class SqliteLidMap implements LidMapStore {
  constructor(
    private readonly store: WhatsAppMessageStore,
    private readonly accountId: string,
    private readonly now: () => number = Date.now,
  ) {}

  pnForLid(lid: string): string | null {
    return this.store.pnForLid(this.accountId, lid);
  }

  lidForPn(pn: string): string | null {
    return this.store.lidForPn(this.accountId, pn);
  }

  remember(lid: string, pn: string): void {
    this.store.saveLidMapping(this.accountId, { lid, pn }, this.now());
  }
}

export class SqliteSentMessages implements SentMessageStore {
  private readonly recent = new Set<string>();

  constructor(
    private readonly store: WhatsAppMessageStore,
    private readonly accountId: string,
    private readonly codec: MessageCodec,
  ) {}

  remember(sent: SentMessage): void {
    this.recent.add(sent.id);
    if (this.recent.size > RECENT_IDS) this.recent.delete(this.recent.values().next().value!);
    this.store.saveMessage(this.accountId, { remoteJid: sent.chatJid, id: sent.id, message: this.codec.encode(sent.message), ts: sent.sentAt });
  }

  find(chatJid: string, id: string): proto.IMessage | undefined {
    const text = this.store.readMessage(this.accountId, chatJid, id);
    if (text === null) return undefined;
    try {
      return this.codec.decode(text);
    } catch {
      return undefined;
    }
  }

  sentRecently(id: string): boolean {
    return this.recent.has(id);
  }

  /** Forgets messages older than `before` (ms): retries come within days. */
  prune(before: number): number {
    return this.store.pruneMessages(this.accountId, before);
  }
}
