/**
 * What the adapter keeps across restarts, as narrow interfaces: the LID↔phone map (so a
 * person keeps one identity however WhatsApp addresses them) and the messages we sent (so a
 * recipient's retry request can be answered, and our own echoes recognised). The sqlite
 * implementations live in `store-bridge.ts`; tests use the in-memory ones below.
 */
import type { proto } from "@whiskeysockets/baileys";

export interface LidMapStore {
  /** The phone JID (`<digits>@s.whatsapp.net`) behind a LID JID (`<digits>@lid`), when known. */
  pnForLid(lid: string): string | null;
  lidForPn(pn: string): string | null;
  /** Both normalised user JIDs (no device). */
  remember(lid: string, pn: string): void;
}

export interface SentMessage {
  /** The chat JID the message went to. */
  chatJid: string;
  id: string;
  message: proto.IMessage;
  sentAt: number;
}

export interface SentMessageStore {
  remember(sent: SentMessage): void;
  /** The content of a message we sent, by chat and id (for `getMessage`). */
  find(chatJid: string, id: string): proto.IMessage | undefined;
  /** Whether this process sent a message with this id lately (to any chat): cheap, for echoes. */
  sentRecently(id: string): boolean;
  /** Forgets messages sent before `before` (ms); retry requests come within days. */
  prune?(before: number): number;
}

/** Whether we sent message `id` to one of `chats` (the forms a chat's JID may take), recently or before a restart. */
export function wasSentByUs(store: SentMessageStore, id: string, chats: readonly (string | null | undefined)[]): boolean {
  if (store.sentRecently(id)) return true;
  return chats.some((chat) => typeof chat === "string" && store.find(chat, id) !== undefined);
}

export class MemoryLidMap implements LidMapStore {
  private readonly byLid = new Map<string, string>();
  private readonly byPn = new Map<string, string>();

  pnForLid(lid: string): string | null {
    return this.byLid.get(lid) ?? null;
  }

  lidForPn(pn: string): string | null {
    return this.byPn.get(pn) ?? null;
  }

  remember(lid: string, pn: string): void {
    this.byLid.set(lid, pn);
    this.byPn.set(pn, lid);
  }
}

export class MemorySentMessages implements SentMessageStore {
  readonly sent: SentMessage[] = [];

  remember(sent: SentMessage): void {
    this.sent.push(sent);
  }

  find(chatJid: string, id: string): proto.IMessage | undefined {
    return this.sent.find((s) => s.chatJid === chatJid && s.id === id)?.message;
  }

  sentRecently(id: string): boolean {
    return this.sent.some((s) => s.id === id);
  }
}
