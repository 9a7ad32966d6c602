/**
 * The channel picture `health`, `status`, `/readyz` and `channels.status` show, built from the
 * accounts' snapshots only (what the adapters observed, never what the config hopes for). A
 * channel's top-level fields are its default account's (`default`, else the first listed);
 * every account is under `accounts`.
 */
import type { ChannelHealth } from "../../protocol/methods/system.ts";
import type { Static } from "../../protocol/schema-builder.ts";
import type { PartStatus } from "../core/part.ts";
import type { AccountSnapshot } from "./account-status.ts";

export const DEFAULT_ACCOUNT_ID = "default";
const CHANNEL_LABELS: Record<string, string> = { telegram: "Telegram", whatsapp: "WhatsApp" };

export const channelLabel = (channel: string) => CHANNEL_LABELS[channel] ?? channel;

/** The account a channel is known by: `default` when it exists, else the first. */
export function defaultAccountOf<T extends { accountId: string }>(accounts: readonly T[]): T | undefined {
  return accounts.find((a) => a.accountId === DEFAULT_ACCOUNT_ID) ?? accounts[0];
}

/** Accounts grouped by channel, channels in the order their first account was listed. */
export function byChannel(snapshots: readonly AccountSnapshot[]): Map<string, AccountSnapshot[]> {
  const grouped = new Map<string, AccountSnapshot[]>();
  for (const snapshot of snapshots) {
    const list = grouped.get(snapshot.channel) ?? [];
    list.push(snapshot);
    grouped.set(snapshot.channel, list);
  }
  return grouped;
}

/** One account as clients list it (no channel field: the map key says it). */
export function accountEntry(snapshot: AccountSnapshot): Omit<AccountSnapshot, "channel"> {
  const { channel: _channel, ...entry } = snapshot;
  return entry;
}

export function channelHealth(snapshots: readonly AccountSnapshot[]): Record<string, Static<typeof ChannelHealth>> {
  const channels: Record<string, Static<typeof ChannelHealth>> = {};
  for (const [channel, accounts] of byChannel(snapshots)) {
    const main = defaultAccountOf(accounts)!;
    channels[channel] = {
      accountId: main.accountId,
      configured: accounts.some((a) => a.configured),
      linked: main.linked,
      // Telegram has no auth age (a bot token does not age); WhatsApp reports it when linked.
      authAgeMs: null,
      ...(main.probe ? { probe: main.probe, lastProbeAt: main.lastProbeAt ?? null } : {}),
      accounts: Object.fromEntries(accounts.map((a) => [a.accountId, accountEntry(a)])),
    };
  }
  return channels;
}

/** The `channels.status` result (the reference's shape: summaries, account lists, defaults). */
export function channelsStatus(snapshots: readonly AccountSnapshot[], ts: number) {
  const grouped = byChannel(snapshots);
  const order = [...grouped.keys()];
  return {
    ts,
    channelOrder: order,
    channelLabels: Object.fromEntries(order.map((id) => [id, channelLabel(id)])),
    channels: channelHealth(snapshots),
    channelAccounts: Object.fromEntries([...grouped].map(([id, accounts]) => [id, accounts.map(accountEntry)])),
    channelDefaultAccountId: Object.fromEntries([...grouped].map(([id, accounts]) => [id, defaultAccountOf(accounts)!.accountId])),
  };
}

/** The channels part's own status: stopped, disabled (nothing configured), degraded (an account in trouble) or running. */
export function channelsPartStatus(snapshots: readonly AccountSnapshot[], started: boolean, outboxDepth: number): PartStatus {
  const channels = channelHealth(snapshots);
  const info = { accounts: snapshots.length, connected: snapshots.filter((s) => s.connected).length, outboxDepth };
  if (!started) return { state: "stopped", channels, info };
  if (snapshots.length === 0) return { state: "disabled", detail: "no channel is configured", channels, info };
  const troubled = snapshots.find((s) => s.enabled && (s.stoppedReason || (!s.connected && s.lastError)));
  if (troubled) return { state: "degraded", detail: `${troubled.channel}/${troubled.accountId}: ${troubled.stoppedReason ?? troubled.lastError}`, channels, info };
  return { state: "running", channels, info };
}
