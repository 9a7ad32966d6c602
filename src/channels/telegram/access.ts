/**
 * The access policy of one Telegram account, read from its merged section
 * (channels-and-models.md §3.1, §3.3) by the shared parser (`../access-policy.ts`); what is
 * Telegram's own is what an id looks like.
 */
import { parseAccessPolicy, type AccessDefaults, type AccessIds } from "../access-policy.ts";
import type { AccessPolicy } from "../types.ts";

export type { AccessDefaults } from "../access-policy.ts";

/**
 * User ids as strings: `telegram:`/`tg:` prefixes dropped, `"*"` kept. Entries that are not
 * numeric ids (old `@username` entries, chat ids by mistake) can never match a sender, so they
 * are left out rather than failing the whole policy.
 */
export function normalizeTelegramIds(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  const ids = new Set<string>();
  for (const entry of value) {
    if (typeof entry !== "string" && typeof entry !== "number") continue;
    const id = String(entry).trim().replace(/^(telegram|tg):/i, "").trim();
    if (id === "*" || /^\d+$/.test(id)) ids.add(id);
  }
  return [...ids];
}

const TELEGRAM_IDS: AccessIds = {
  normalizeIds: normalizeTelegramIds,
  isGroupKey: (key) => /^-?\d+$/.test(key),
  idHint: "numeric user id",
};

export function parseTelegramAccess(section: Readonly<Record<string, unknown>>, defaults: AccessDefaults = {}): AccessPolicy {
  return parseAccessPolicy(section, TELEGRAM_IDS, defaults);
}
