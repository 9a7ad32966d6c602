/**
 * The access policy of one Telegram account, read from its merged section
 * (channels-and-models.md §3.1, §3.3). Everything the policy does not understand makes it
 * `invalid`, which the manager treats as "refuse everyone": a typo in `dmPolicy` must never
 * open the bot to strangers.
 */
import type { AccessPolicy } from "../types.ts";

const DM_POLICIES = ["pairing", "allowlist", "open", "disabled"] as const;
const GROUP_POLICIES = ["allowlist", "open", "disabled"] as const;

type GroupEntry = AccessPolicy["groups"][string];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

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

function pick<T extends string>(value: unknown, allowed: readonly T[], fallback: T, key: string): { value: T; invalid?: string } {
  if (value === undefined || value === null) return { value: fallback };
  if (typeof value === "string" && (allowed as readonly string[]).includes(value)) return { value: value as T };
  return { value: fallback, invalid: `${key} ${JSON.stringify(value)} is not one of ${allowed.join(", ")}` };
}

/** One `groups` entry; a per-group `groupPolicy` maps onto the shared shape (`open` = any member, `disabled` = off). */
function groupEntry(key: string, value: unknown): { entry: GroupEntry; invalid?: string } {
  const entry: GroupEntry = { requireMention: true };
  if (value === undefined || value === null || value === true) return { entry };
  if (!isRecord(value)) return { entry, invalid: `groups.${key} must be an object` };
  if (value.requireMention !== undefined) {
    if (typeof value.requireMention !== "boolean") return { entry, invalid: `groups.${key}.requireMention must be true or false` };
    entry.requireMention = value.requireMention;
  }
  if (value.enabled !== undefined) {
    if (typeof value.enabled !== "boolean") return { entry, invalid: `groups.${key}.enabled must be true or false` };
    entry.enabled = value.enabled;
  }
  if (value.allowFrom !== undefined) entry.allowFrom = normalizeTelegramIds(value.allowFrom);
  const policy = pick(value.groupPolicy, GROUP_POLICIES, "allowlist", `groups.${key}.groupPolicy`);
  if (policy.invalid) return { entry, invalid: policy.invalid };
  if (value.groupPolicy === "open" && entry.allowFrom === undefined) entry.allowFrom = ["*"];
  if (value.groupPolicy === "disabled") entry.enabled = false;
  return { entry };
}

export interface AccessDefaults {
  /** `channels.defaults.groupPolicy`, used when the account sets none. */
  groupPolicy?: unknown;
}

/**
 * The policy of an account section. `groupAllowFrom` falls back to `allowFrom` (never to the
 * pairing store: DM pairing grants nothing in groups), so the manager reads one list.
 */
export function parseTelegramAccess(section: Readonly<Record<string, unknown>>, defaults: AccessDefaults = {}): AccessPolicy {
  const problems: string[] = [];
  const dm = pick(section.dmPolicy, DM_POLICIES, "pairing", "dmPolicy");
  if (dm.invalid) problems.push(dm.invalid);
  const group = pick(section.groupPolicy ?? defaults.groupPolicy, GROUP_POLICIES, "allowlist", "groupPolicy");
  if (group.invalid) problems.push(group.invalid);

  const allowFrom = normalizeTelegramIds(section.allowFrom);
  if (dm.value === "open" && !allowFrom.includes("*")) problems.push('dmPolicy "open" needs "*" in allowFrom');
  if (dm.value === "allowlist" && allowFrom.length === 0) problems.push('dmPolicy "allowlist" needs at least one numeric user id in allowFrom');
  const groupAllowFrom = section.groupAllowFrom === undefined ? allowFrom : normalizeTelegramIds(section.groupAllowFrom);

  const groups: AccessPolicy["groups"] = {};
  if (section.groups !== undefined && !isRecord(section.groups)) problems.push("groups must be an object keyed by chat id");
  for (const [rawKey, value] of Object.entries(isRecord(section.groups) ? section.groups : {})) {
    const key = rawKey.trim();
    // Chat ids and "*" only: nothing else can match a chat, and a key such as `__proto__`
    // must never reach the object.
    if (key !== "*" && !/^-?\d+$/.test(key)) continue;
    const { entry, invalid } = groupEntry(key, value);
    if (invalid) problems.push(invalid);
    groups[key] = entry;
  }

  const policy: AccessPolicy = { dmPolicy: dm.value, allowFrom, groupPolicy: group.value, groupAllowFrom, groups };
  if (problems.length > 0) policy.invalid = problems.join("; ");
  return policy;
}
