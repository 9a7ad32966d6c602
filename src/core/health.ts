/**
 * The health picture (`health` method, `health` event, `hello-ok.snapshot.health`). It is
 * built from observed facts only: channels and part states come from the parts' status
 * snapshots, the event-loop delay from its monitor. Refreshes are coalesced: many connects in
 * a burst cause one refresh, not one each.
 */
import { join } from "node:path";
import type { HealthSummary } from "../../protocol/methods/system.ts";
import type { PartStatus } from "./part.ts";

export const HEALTH_REFRESH_MS = 60_000;
/** A cached summary younger than this is served as is. */
export const HEALTH_CACHE_MS = 60_000;
export const DEFAULT_AGENT_ID = "main";

export interface EventLoopDelay {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface HealthSources {
  stateDir: string;
  now: () => number;
  /** Every part's status by name. */
  parts: () => Record<string, PartStatus>;
  /** The union of the channels the parts report. */
  channels: () => NonNullable<PartStatus["channels"]>;
  /** How many sessions there are and the newest few (key, last update), for the summary. */
  sessions?: () => { count: number; recent: { key: string; updatedAt: number }[] };
  /** Recent event-loop delay, or null before the first sample. */
  eventLoop?: () => EventLoopDelay | null;
  /** Called after each refresh with the new entry and version. */
  onRefresh: (entry: HealthEntry, version: number) => void;
}

/** A summary with its serialisation, built once per refresh and shared by every reader. */
export interface HealthEntry {
  summary: HealthSummary;
  json: string;
}

/** Channel labels as clients show them; a channel not listed shows its id. */
const CHANNEL_LABELS: Record<string, string> = { whatsapp: "WhatsApp", telegram: "Telegram" };

export class HealthMonitor {
  private cached: HealthEntry | null = null;
  private pending: Promise<HealthEntry> | null = null;
  /** Bumped on every refresh; reported as `stateVersion.health`. */
  version = 1;

  constructor(private readonly sources: HealthSources) {}

  /** The cached entry when fresh (synchronously), else a new one. `probe` forces a refresh. */
  get(probe = false): HealthEntry | Promise<HealthEntry> {
    const cached = this.cached;
    if (!probe && cached && this.sources.now() - cached.summary.ts < HEALTH_CACHE_MS) return cached;
    return this.refresh();
  }

  /** The last summary without waiting, or an empty object before the first refresh. */
  snapshot(): HealthSummary | Record<string, never> {
    return this.cached?.summary ?? {};
  }

  /** After a connect: refresh and announce, unless a refresh happened within the last second. */
  refreshSoon(): void {
    if (this.cached && this.sources.now() - this.cached.summary.ts < 1000) return;
    void this.refresh();
  }

  /** Builds a new summary and announces it; concurrent callers share one refresh. */
  refresh(): Promise<HealthEntry> {
    this.pending ??= Promise.resolve()
      .then(() => this.build())
      .then((summary) => {
        const entry = { summary, json: JSON.stringify(summary) };
        this.cached = entry;
        this.version += 1;
        this.sources.onRefresh(entry, this.version);
        return entry;
      })
      .finally(() => {
        this.pending = null;
      });
    return this.pending;
  }

  private build(): HealthSummary {
    const started = performance.now();
    const sessionsPath = join(this.sources.stateDir, "agents", DEFAULT_AGENT_ID, "sessions");
    const now = this.sources.now();
    const known = this.sources.sessions?.() ?? { count: 0, recent: [] };
    const sessions = { path: sessionsPath, count: known.count, recent: known.recent.map((s) => ({ key: s.key, updatedAt: s.updatedAt, age: now - s.updatedAt })) };
    const channels = this.sources.channels();
    const parts = Object.fromEntries(
      Object.entries(this.sources.parts()).map(([name, s]) => [name, { state: s.state, ...(s.detail ? { detail: s.detail } : {}), ...(s.info ? { info: s.info } : {}) }]),
    );
    const eventLoop = this.sources.eventLoop?.() ?? null;
    const channelOrder = Object.keys(channels);
    return {
      // The gateway answered; what is wrong with a part or a channel is in `parts` and `channels`.
      ok: true,
      ts: this.sources.now(),
      durationMs: Math.round((performance.now() - started) * 1000) / 1000,
      channels,
      channelOrder,
      channelLabels: Object.fromEntries(channelOrder.map((id) => [id, CHANNEL_LABELS[id] ?? id])),
      heartbeatSeconds: 0,
      defaultAgentId: DEFAULT_AGENT_ID,
      agents: [{ agentId: DEFAULT_AGENT_ID, isDefault: true, heartbeat: { enabled: false }, sessions }],
      sessions,
      ...(eventLoop ? { eventLoop } : {}),
      parts,
    };
  }
}
