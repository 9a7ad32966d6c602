/**
 * The one place WhatsApp identities are compared (user-needs B7). A person shows up as
 * `<digits>@s.whatsapp.net` (legacy `@c.us`), as a privacy id `<digits>@lid`, either with a
 * device suffix (`:12`) or an agent suffix (`_1`), and in the config as E.164 (`+1555…`).
 * Everything here is plain string work, so the factory and the access policy can use it
 * without loading Baileys.
 */

export const PN_SERVER = "s.whatsapp.net";
export const LID_SERVER = "lid";
export const GROUP_SERVER = "g.us";

export interface ParsedJid {
  user: string;
  server: string;
  device?: number;
}

/** `user[_agent][:device]@server` → its parts; null for anything that is not a JID. */
export function parseJid(jid: string | null | undefined): ParsedJid | null {
  if (typeof jid !== "string") return null;
  const at = jid.lastIndexOf("@");
  if (at <= 0 || at === jid.length - 1) return null;
  const server = jid.slice(at + 1).toLowerCase();
  const [userAgent = "", device] = jid.slice(0, at).split(":");
  const user = userAgent.split("_")[0] ?? "";
  if (!user) return null;
  const parsed: ParsedJid = { user, server: server === "c.us" ? PN_SERVER : server };
  if (device !== undefined && /^\d+$/.test(device)) parsed.device = Number(device);
  return parsed;
}

/** The JID of the person or chat, without device or agent suffix; null when it is not a JID. */
export function normalizeJid(jid: string | null | undefined): string | null {
  const parsed = parseJid(jid);
  return parsed ? `${parsed.user}@${parsed.server}` : null;
}

export const isGroupJid = (jid: string) => parseJid(jid)?.server === GROUP_SERVER;
export const isLidJid = (jid: string) => parseJid(jid)?.server === LID_SERVER;
export const isPnJid = (jid: string) => parseJid(jid)?.server === PN_SERVER;

/** Status updates, broadcast lists and channels: nothing there is a conversation with us. */
export function isBroadcastJid(jid: string): boolean {
  const server = parseJid(jid)?.server;
  return server === "broadcast" || server === "newsletter";
}

/** `+<digits>` for a phone-number JID; null for LIDs, groups and the rest. */
export function e164OfJid(jid: string | null | undefined): string | null {
  const parsed = parseJid(jid);
  return parsed?.server === PN_SERVER && /^\d{5,20}$/.test(parsed.user) ? `+${parsed.user}` : null;
}

/**
 * A phone number as the config writes it (`+1 (555) 123-4567`, `whatsapp:+1555…`, bare
 * digits, or a phone JID) → `+<digits>`; null when it is none of those.
 */
export function normalizeE164(value: string): string | null {
  const trimmed = value.trim().replace(/^whatsapp:/i, "");
  if (trimmed.includes("@")) return e164OfJid(trimmed);
  const digits = trimmed.replace(/[\s().-]/g, "");
  const match = /^\+?(\d{5,20})$/.exec(digits);
  return match ? `+${match[1]}` : null;
}

/** The phone JID of an E.164 number (or of bare digits). */
export function jidOfE164(value: string): string | null {
  const e164 = normalizeE164(value);
  return e164 ? `${e164.slice(1)}@${PN_SERVER}` : null;
}

/**
 * Where an outbound `to` points: a JID as given (device suffix dropped: we write to the
 * person, and Baileys fans out to their devices), or an E.164 number as its phone JID.
 */
export function chatJidOf(to: string): string | null {
  const value = to.trim();
  if (value.includes("@")) {
    const jid = normalizeJid(value);
    if (!jid || isBroadcastJid(jid)) return null;
    return jid;
  }
  return jidOfE164(value);
}
