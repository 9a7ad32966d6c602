/**
 * What the WhatsApp adapter keeps besides the auth state: the messages we sent, so Baileys'
 * `getMessage` can answer a recipient's retry request (it re-encrypts the original), and the
 * LID <-> phone number map, so a sender who shows up as `…@lid` still matches an E.164
 * allowlist after a restart (user-needs B7). Message values are the caller's JSON text.
 */
import type { Database } from "bun:sqlite";

export interface StoredWhatsAppMessage {
  remoteJid: string;
  id: string;
  /** `proto.IMessage` as JSON (BufferJSON) text. */
  message: string;
  ts: number;
}

export class WhatsAppMessageStore {
  constructor(private readonly db: Database) {}

  saveMessage(accountId: string, message: StoredWhatsAppMessage): void {
    this.db
      .query(
        "INSERT INTO whatsapp_messages (account_id, remote_jid, id, message, ts) VALUES (?, ?, ?, ?, ?) ON CONFLICT(account_id, remote_jid, id) DO UPDATE SET message = excluded.message, ts = excluded.ts",
      )
      .run(accountId, message.remoteJid, message.id, message.message, message.ts);
  }

  readMessage(accountId: string, remoteJid: string, id: string): string | null {
    return (
      this.db
        .query<{ message: string }, [string, string, string]>("SELECT message FROM whatsapp_messages WHERE account_id = ? AND remote_jid = ? AND id = ?")
        .get(accountId, remoteJid, id)?.message ?? null
    );
  }

  /** Drops messages older than `before` (ms); returns how many. Retries come within days, not months. */
  pruneMessages(accountId: string, before: number): number {
    return this.db.query("DELETE FROM whatsapp_messages WHERE account_id = ? AND ts < ?").run(accountId, before).changes;
  }

  saveLidMapping(accountId: string, mapping: { lid: string; pn: string }, now: number): void {
    this.db
      .query(
        "INSERT INTO whatsapp_lid_map (account_id, lid, pn, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT(account_id, lid) DO UPDATE SET pn = excluded.pn, updated_at = excluded.updated_at",
      )
      .run(accountId, mapping.lid, mapping.pn, now);
  }

  pnForLid(accountId: string, lid: string): string | null {
    return this.db.query<{ pn: string }, [string, string]>("SELECT pn FROM whatsapp_lid_map WHERE account_id = ? AND lid = ?").get(accountId, lid)?.pn ?? null;
  }

  /** The most recently seen LID for a phone number (a number can have had several). */
  lidForPn(accountId: string, pn: string): string | null {
    return (
      this.db
        .query<{ lid: string }, [string, string]>("SELECT lid FROM whatsapp_lid_map WHERE account_id = ? AND pn = ? ORDER BY updated_at DESC LIMIT 1")
        .get(accountId, pn)?.lid ?? null
    );
  }
}
