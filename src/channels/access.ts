/**
 * Who may talk to the agent through a channel account (channels-and-models.md §3.1), decided
 * in one documented order so nobody has to guess (user-needs F6). Anything unclear fails closed.
 *
 * Direct messages:
 *   1. an invalid policy refuses everyone;
 *   2. `disabled` refuses everyone;
 *   3. the account's owner (WhatsApp's linked number) is always allowed, and `open` allows everyone;
 *   4. a sender in `allowFrom` (or `"*"` there) or approved through pairing is allowed;
 *   5. `allowlist` refuses the rest silently; `pairing` offers them a pairing code.
 * Groups (DM pairing grants nothing here):
 *   1. an invalid policy, or `groupPolicy: disabled`, refuses;
 *   2. when `groups` has entries it is the group allowlist: the chat's entry, else `"*"`, else refused;
 *      an entry with `enabled: false` refuses;
 *   3. `allowlist` needs the sender in the entry's `allowFrom`, else `groupAllowFrom`, else
 *      `allowFrom` (`"*"` allows all); `open` lets every sender of an allowed group through;
 *   4. a mention is required unless the entry says `requireMention: false`.
 * A store that cannot say whether a sender is approved counts as "not approved".
 */
import type { AccessPolicy, InboundMessage } from "./types.ts";

export type AccessRefusal =
  | "invalid-policy"
  | "dm-disabled"
  | "not-allowed"
  | "group-disabled"
  | "group-not-allowed"
  | "sender-not-allowed"
  | "no-mention";

export type AccessDecision = { action: "allow" } | { action: "pair" } | { action: "refuse"; reason: AccessRefusal };

export interface AccessRequest {
  message: Pick<InboundMessage, "chat" | "sender" | "mentioned">;
  policy: AccessPolicy;
  /** Whether DM pairing approved this sender on this account; may throw (then: not approved). */
  isApproved: (senderId: string) => boolean;
}

const ALLOW: AccessDecision = { action: "allow" };
const refuse = (reason: AccessRefusal): AccessDecision => ({ action: "refuse", reason });

/** `"*"` or the id itself; list entries are compared as trimmed strings. */
export function listAllows(list: readonly string[] | undefined, senderId: string): boolean {
  if (!list) return false;
  return list.some((entry) => {
    const value = String(entry).trim();
    return value === "*" || value === senderId;
  });
}

function approved(isApproved: (senderId: string) => boolean, senderId: string): boolean {
  try {
    return isApproved(senderId) === true;
  } catch {
    return false;
  }
}

export function decideAccess(request: AccessRequest): AccessDecision {
  const { message, policy } = request;
  if (policy.invalid !== undefined) return refuse("invalid-policy");
  const senderId = message.sender.id;
  if (message.chat.kind === "direct") {
    if (policy.dmPolicy === "disabled") return refuse("dm-disabled");
    if (policy.dmPolicy === "open" || message.sender.isOwner === true) return ALLOW;
    if (listAllows(policy.allowFrom, senderId) || approved(request.isApproved, senderId)) return ALLOW;
    if (policy.dmPolicy === "pairing") return { action: "pair" };
    return refuse("not-allowed");
  }

  if (policy.groupPolicy === "disabled") return refuse("group-disabled");
  const groups = policy.groups ?? {};
  const hasGroups = Object.keys(groups).length > 0;
  const entry = Object.hasOwn(groups, message.chat.id) ? groups[message.chat.id] : Object.hasOwn(groups, "*") ? groups["*"] : undefined;
  if (hasGroups && !entry) return refuse("group-not-allowed");
  if (entry?.enabled === false) return refuse("group-disabled");
  if (policy.groupPolicy !== "open") {
    const senders = entry?.allowFrom ?? (policy.groupAllowFrom.length > 0 ? policy.groupAllowFrom : policy.allowFrom);
    if (!listAllows(senders, senderId)) return refuse("sender-not-allowed");
  }
  if ((entry?.requireMention ?? true) && !message.mentioned) return refuse("no-mention");
  return ALLOW;
}

/** What to warn about when an account starts with this policy, or null (user-needs F6). */
export function accessWarning(policy: AccessPolicy): string | null {
  if (policy.invalid !== undefined) return `invalid access policy (${policy.invalid}); every message will be refused`;
  if (wildcardDefeatsPairing(policy)) return 'dmPolicy is "pairing" but allowFrom has "*", so anyone may message the agent without a code';
  return null;
}

/** A config that lets everyone in while it says "pairing": worth a warning at start (user-needs F6). */
export function wildcardDefeatsPairing(policy: AccessPolicy): boolean {
  return policy.dmPolicy === "pairing" && policy.allowFrom.some((entry) => String(entry).trim() === "*");
}
