/**
 * An account's status record: what it starts as (from its config), which changes are worth
 * telling watchers about, and the snapshot `health` and `channels.status` read.
 */
import type { ChannelAccountConfig, ChannelAccountStatus, ChannelProbe } from "./types.ts";

/** An account's status with what the config says about it, for `health` and `channels.status`. */
export interface AccountSnapshot extends ChannelAccountStatus {
  enabled: boolean;
  dmPolicy: string;
  probe?: ChannelProbe;
  lastProbeAt?: number;
}

/** Changes people look at; counters and timestamps alone do not announce a status change. */
const SIGNIFICANT = ["linked", "connected", "running", "stoppedReason", "lastError"] as const;

export function initialStatus(config: ChannelAccountConfig): ChannelAccountStatus {
  return {
    channel: config.channel,
    accountId: config.accountId,
    configured: true,
    linked: false,
    running: false,
    connected: false,
    lastConnectedAt: null,
    lastInboundAt: null,
    lastOutboundAt: null,
    reconnectAttempts: 0,
    lastError: config.problem ?? null,
    stoppedReason: !config.enabled ? "disabled in the config" : (config.problem ?? null),
  };
}

export function isSignificant(change: Partial<ChannelAccountStatus>, status: ChannelAccountStatus): boolean {
  return SIGNIFICANT.some((key) => key in change && change[key] !== status[key]);
}

export function snapshotOf(status: ChannelAccountStatus, config: ChannelAccountConfig, lastProbe: { probe: ChannelProbe; at: number } | null): AccountSnapshot {
  return {
    ...status,
    ...(status.self ? { self: { ...status.self } } : {}),
    enabled: config.enabled,
    dmPolicy: config.access.invalid !== undefined ? "invalid" : config.access.dmPolicy,
    ...(lastProbe ? { probe: lastProbe.probe, lastProbeAt: lastProbe.at } : {}),
  };
}
