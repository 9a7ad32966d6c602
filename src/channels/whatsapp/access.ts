/**
 * The access policy of one WhatsApp account (channels-and-models.md §3.1, §3.2), read by the
 * shared parser: senders are E.164 numbers (`+15551234567`) or `"*"`, groups are keyed by
 * group JID (`…@g.us`) or `"*"`. An entry that is no phone number can never match a sender,
 * so it is left out rather than failing the whole policy (fail closed either way).
 */
import { parseAccessPolicy, type AccessDefaults, type AccessIds } from "../access-policy.ts";
import type { AccessPolicy } from "../types.ts";
import { GROUP_SERVER, normalizeE164, parseJid } from "./jid.ts";

/** `allowFrom`-style entries as `+<digits>`, `"*"` kept, duplicates and unusable entries dropped. */
export function normalizeWhatsAppIds(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  const ids = new Set<string>();
  for (const entry of value) {
    if (typeof entry !== "string" && typeof entry !== "number") continue;
    const text = String(entry).trim();
    if (text === "*") {
      ids.add("*");
      continue;
    }
    const e164 = normalizeE164(text);
    if (e164) ids.add(e164);
  }
  return [...ids];
}

const WHATSAPP_IDS: AccessIds = {
  normalizeIds: normalizeWhatsAppIds,
  // Only exact group JIDs: a `groups` key must match `chat.id` as the adapter writes it.
  isGroupKey: (key) => {
    const parsed = parseJid(key);
    return parsed?.server === GROUP_SERVER && key === `${parsed.user}@${GROUP_SERVER}`;
  },
  idHint: "phone number in E.164 (+15551234567)",
};

export function parseWhatsAppAccess(section: Readonly<Record<string, unknown>>, defaults: AccessDefaults = {}): AccessPolicy {
  return parseAccessPolicy(section, WHATSAPP_IDS, defaults);
}
