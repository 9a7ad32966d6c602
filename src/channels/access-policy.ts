/**
 * Reads an account section's `dmPolicy`/`allowFrom`/`groupPolicy`/`groupAllowFrom`/`groups`
 * into an `AccessPolicy` (channels-and-models.md §3.1), for every channel: only what an id
 * looks like differs (Telegram user ids, WhatsApp E.164 numbers), so each channel passes its
 * own id normaliser and group-key test. Everything the policy does not understand makes it
 * `invalid`, which the manager treats as "refuse everyone": a typo in `dmPolicy` must never
 * open an account to strangers.
 */
import type { AccessPolicy } from "./types.ts";

const DM_POLICIES = ["pairing", "allowlist", "open", "disabled"] as const;
const GROUP_POLICIES = ["allowlist", "open", "disabled"] as const;

type GroupEntry = AccessPolicy["groups"][string];

export interface AccessIds {
  /** The usable ids of an `allowFrom`-style list (`"*"` kept); entries that can never match are left out. */
  normalizeIds(value: unknown): string[];
  /** Whether a `groups` key can name a chat (besides `"*"`); others are skipped. */
  isGroupKey(key: string): boolean;
  /** What `allowlist` needs in words, e.g. "numeric user id". */
  idHint: string;
}

export interface AccessDefaults {
  /** `channels.defaults.groupPolicy`, used when the account sets none. */
  groupPolicy?: unknown;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function pick<T extends string>(value: unknown, allowed: readonly T[], fallback: T, key: string): { value: T; invalid?: string } {
  if (value === undefined || value === null) return { value: fallback };
  if (typeof value === "string" && (allowed as readonly string[]).includes(value)) return { value: value as T };
  return { value: fallback, invalid: `${key} ${JSON.stringify(value)} is not one of ${allowed.join(", ")}` };
}

/** One `groups` entry; a per-group `groupPolicy` maps onto the shared shape (`open` = any member, `disabled` = off). */
function groupEntry(key: string, value: unknown, ids: AccessIds): { entry: GroupEntry; invalid?: string } {
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
  if (value.allowFrom !== undefined) entry.allowFrom = ids.normalizeIds(value.allowFrom);
  const policy = pick(value.groupPolicy, GROUP_POLICIES, "allowlist", `groups.${key}.groupPolicy`);
  if (policy.invalid) return { entry, invalid: policy.invalid };
  if (value.groupPolicy === "open" && entry.allowFrom === undefined) entry.allowFrom = ["*"];
  if (value.groupPolicy === "disabled") entry.enabled = false;
  return { entry };
}

/**
 * The policy of an account section. `groupAllowFrom` falls back to `allowFrom` (never to the
 * pairing store: DM pairing grants nothing in groups), so the manager reads one list.
 */
export function parseAccessPolicy(section: Readonly<Record<string, unknown>>, ids: AccessIds, defaults: AccessDefaults = {}): AccessPolicy {
  const problems: string[] = [];
  const dm = pick(section.dmPolicy, DM_POLICIES, "pairing", "dmPolicy");
  if (dm.invalid) problems.push(dm.invalid);
  const group = pick(section.groupPolicy ?? defaults.groupPolicy, GROUP_POLICIES, "allowlist", "groupPolicy");
  if (group.invalid) problems.push(group.invalid);

  const allowFrom = ids.normalizeIds(section.allowFrom);
  if (dm.value === "open" && !allowFrom.includes("*")) problems.push('dmPolicy "open" needs "*" in allowFrom');
  if (dm.value === "allowlist" && allowFrom.length === 0) problems.push(`dmPolicy "allowlist" needs at least one ${ids.idHint} in allowFrom`);
  const groupAllowFrom = section.groupAllowFrom === undefined ? allowFrom : ids.normalizeIds(section.groupAllowFrom);

  const groups: AccessPolicy["groups"] = {};
  if (section.groups !== undefined && !isRecord(section.groups)) problems.push("groups must be an object keyed by chat id");
  for (const [rawKey, value] of Object.entries(isRecord(section.groups) ? section.groups : {})) {
    const key = rawKey.trim();
    // Chat ids and "*" only: nothing else can match a chat, and a key such as `__proto__`
    // must never reach the object.
    if (key !== "*" && !ids.isGroupKey(key)) continue;
    const { entry, invalid } = groupEntry(key, value, ids);
    if (invalid) problems.push(invalid);
    groups[key] = entry;
  }

  const policy: AccessPolicy = { dmPolicy: dm.value, allowFrom, groupPolicy: group.value, groupAllowFrom, groups };
  if (problems.length > 0) policy.invalid = problems.join("; ");
  return policy;
}
