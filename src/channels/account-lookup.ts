/**
 * Which running account a request means: the send target a `send` resolves to, the sender the
 * outbox worker asks for, and the account `logout` picks. Kept apart from the manager because
 * these are pure choices over the runners (no lifecycle), and the fallback rules are the part
 * the runbook documents and tests pin down.
 */
import type { AccountRunner } from "./account-runner.ts";
import { DEFAULT_ACCOUNT_ID } from "./channel-status.ts";
import type { SenderLookup } from "./outbox-options.ts";

/** Where a `send` goes, or why it cannot. */
export type SendTarget =
  | { ok: true; channel: string; accountId: string }
  | { ok: false; code: "unsupported" | "not_linked"; message: string };

/** The runners map key; NUL cannot occur in a channel id or account id, so keys never collide. */
export const keyOf = (channel: string, accountId: string) => `${channel}\u0000${accountId}`;

/**
 * Where a send goes: the named channel (default: the first with a linked account) and account
 * (default: `default`, else the first linked one); an account that is still coming up is used
 * when none is linked (the outbox waits for it). Nothing else is ever fallen back to (runbook).
 */
export function chooseTarget(runners: Iterable<AccountRunner>, channelIds: readonly string[], channel?: string, accountId?: string): SendTarget {
  const wanted = channel?.trim().toLowerCase();
  if (wanted !== undefined && !channelIds.includes(wanted)) return { ok: false, code: "unsupported", message: `unsupported channel: ${channel}` };
  const candidates = [...runners].filter((r) => (wanted === undefined || r.channel === wanted) && (accountId === undefined || r.accountId === accountId));
  const linked = candidates.filter((r) => r.canSend());
  // Right after a start or during a reconnect nothing is linked yet: queue rather than refuse.
  const usable = linked.length > 0 ? linked : candidates.filter((r) => r.comingUp());
  const chosen = usable.find((r) => r.accountId === DEFAULT_ACCOUNT_ID) ?? usable[0];
  if (chosen) return { ok: true, channel: chosen.channel, accountId: chosen.accountId };
  if (wanted === undefined) return { ok: false, code: "not_linked", message: accountId === undefined ? "no channel is linked" : `no channel has a linked account ${accountId}` };
  return { ok: false, code: "not_linked", message: `channel ${wanted}${accountId === undefined ? "" : ` account ${accountId}`} is not linked` };
}

/**
 * The adapter the outbox worker may send through, or why not: "not_linked" fails the item now
 * (only a person can fix it), "transient" keeps it queued while the account connects.
 */
export function senderLookup(runner: AccountRunner | undefined, channel: string, accountId: string): SenderLookup {
  const label = `${channel}/${accountId}`;
  if (!runner) return { unavailable: "not_linked", reason: `${label} is not configured` };
  const snapshot = runner.snapshot();
  if (!runner.config.enabled) return { unavailable: "not_linked", reason: `${label} is disabled` };
  if (runner.isLoggedOut) return { unavailable: "not_linked", reason: `${label} is logged out` };
  const adapter = runner.current;
  if (adapter && snapshot.linked) return { adapter };
  if (snapshot.stoppedReason) return { unavailable: "not_linked", reason: `${label} is not linked: ${snapshot.stoppedReason}` };
  return { unavailable: "transient", reason: `${label} is connecting` };
}

/** The account `logout` means: the named one, else the channel's `default`, else its first. */
export function logoutRunner(runners: Iterable<AccountRunner>, channel: string, accountId?: string): AccountRunner | undefined {
  const ofChannel = [...runners].filter((r) => r.channel === channel);
  return accountId === undefined ? (ofChannel.find((r) => r.accountId === DEFAULT_ACCOUNT_ID) ?? ofChannel[0]) : ofChannel.find((r) => r.accountId === accountId);
}
