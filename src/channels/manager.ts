/**
 * The channel manager, a gateway part: it runs every configured channel account (one
 * `AccountRunner` each), the inbound pipeline (inbox → access → agent → outbox) and the outbox
 * worker, and reports the accounts' status for `health`, `status`, `/readyz` and
 * `channels.status`. A config change restarts only the accounts whose settings changed; other
 * accounts and agent runs are untouched. Adding a channel means adding a factory to the
 * registry, never changing this file.
 */
import type { Options } from "../config/load.ts";
import type { Part, PartContext, PartStatus } from "../core/part.ts";
import { silentLogger, type Logger } from "../log/logger.ts";
import type { MetricsRegistry } from "../metrics/registry.ts";
import { AccountRunner, type AccountSnapshot } from "./account-runner.ts";
import { wildcardDefeatsPairing } from "./access.ts";
import type { BackoffOptions } from "./backoff.ts";
import { createChannelMetrics, type ChannelMetrics } from "./channel-metrics.ts";
import { channelHealth, channelsStatus, DEFAULT_ACCOUNT_ID } from "./channel-status.ts";
import { InboundPipeline, type PipelineAgent } from "./inbound-pipeline.ts";
import { OutboxWorker, type SenderLookup } from "./outbox-worker.ts";
import type { CursorStore, EnqueueRequest, InboxStore, OutboxItem, OutboxStore, PairingStore } from "./store-types.ts";
import type { ChannelAccountConfig, ChannelFactory } from "./types.ts";

/** Done inbox items are kept this long: redeliveries within it are recognised (Telegram keeps updates 24 h). */
export const INBOX_KEEP_MS = 48 * 60 * 60_000;
const PRUNE_INTERVAL_MS = 60 * 60_000;

export interface ChannelManagerOptions {
  /** The running options (read on every use: hot reload replaces them). */
  options: () => Readonly<Options>;
  /** The channels this build has, in the order status lists them. */
  factories: readonly ChannelFactory[];
  inbox: InboxStore;
  outbox: OutboxStore;
  cursors: CursorStore;
  /** DM pairing; null fails closed (nobody approved, no codes). */
  pairing: () => PairingStore | null;
  agent: PipelineAgent;
  registry: MetricsRegistry;
  /** Default `Date.now`. */
  now?: () => number;
  /** Told (coalesced, at most once per tick) when an account's linked/connected/running state or error changed. */
  onStatusChange?: () => void;
  /** The fetch adapters use for their platform (tests point it elsewhere). Default: the adapter's own. */
  fetch?: typeof fetch;
  /** Timing knobs, for tests and tuning. */
  tuning?: ChannelTuning;
}

export interface ChannelTuning {
  /** Reconnect delays. Default 1 s doubling to 5 min, full jitter. */
  reconnect?: BackoffOptions;
  /** A connection up this long resets the reconnect backoff. Default 60 s. */
  healthyAfterMs?: number;
  /** Outbox retry delays. Default 2 s doubling to 5 min, full jitter. */
  sendRetry?: BackoffOptions;
  /** Attempts per outbox item. Default 8. */
  maxSendAttempts?: number;
  /** Outbox items older than this are dropped unsent. Default 1 h. */
  outboxMaxAgeMs?: number;
  /** Inbound messages unanswered for longer are not answered. Default 1 h. */
  inboxMaxAgeMs?: number;
  /** "typing…" repeat. Default 4 s. */
  typingIntervalMs?: number;
  /** How long `send` waits for the platform before it answers "queued". Default 20 s (below the CLI's 30 s timeout). */
  sendWaitMs?: number;
}

export const DEFAULT_SEND_WAIT_MS = 20_000;

/** Where a `send` goes, or why it cannot. */
export type SendTarget =
  | { ok: true; channel: string; accountId: string }
  | { ok: false; code: "unsupported" | "not_linked"; message: string };

const keyOf = (channel: string, accountId: string) => `${channel}\u0000${accountId}`;
const fingerprint = (config: ChannelAccountConfig) => JSON.stringify(config);

export class ChannelManager implements Part {
  readonly name = "channels";
  /** See `ChannelTuning.sendWaitMs`. */
  readonly sendWaitMs: number;
  private readonly deps: ChannelManagerOptions;
  private readonly now: () => number;
  private readonly runners = new Map<string, AccountRunner>();
  private readonly metrics: ChannelMetrics;
  private readonly worker: OutboxWorker;
  private readonly pipeline: InboundPipeline;
  private log: Logger = silentLogger();
  private started = false;
  private syncing: Promise<void> = Promise.resolve();
  private pruneTimer: ReturnType<typeof setInterval> | null = null;
  private changeQueued = false;

  constructor(deps: ChannelManagerOptions) {
    this.deps = deps;
    this.now = deps.now ?? Date.now;
    const tuning = deps.tuning ?? {};
    this.sendWaitMs = tuning.sendWaitMs ?? DEFAULT_SEND_WAIT_MS;
    this.metrics = createChannelMetrics(deps.registry, {
      outboxDepth: () => deps.outbox.depth(),
      accounts: () => [...this.runners.values()].map((r) => ({ channel: r.channel, accountId: r.accountId, connected: r.snapshot().connected })),
      now: this.now,
    });
    // Both get the manager's log through a getter: the part's tagged logger arrives at start.
    const log = this.logProxy();
    this.worker = new OutboxWorker({
      store: deps.outbox,
      sender: (channel, accountId) => this.senderFor(channel, accountId),
      metrics: this.metrics,
      log,
      now: this.now,
      maxAttempts: tuning.maxSendAttempts,
      backoff: tuning.sendRetry,
      maxAgeMs: tuning.outboxMaxAgeMs,
      onSettled: (item) => this.settled(item),
    });
    this.pipeline = new InboundPipeline({
      inbox: deps.inbox,
      outbox: this.worker,
      pairing: deps.pairing,
      agent: deps.agent,
      account: (channel, accountId) => {
        const runner = this.runners.get(keyOf(channel, accountId));
        const adapter = runner?.current;
        return runner && adapter && !runner.isLoggedOut ? { adapter, access: runner.config.access } : null;
      },
      metrics: this.metrics,
      log,
      now: this.now,
      typingIntervalMs: tuning.typingIntervalMs,
      maxAgeMs: tuning.inboxMaxAgeMs,
    });
  }

  // --- the part ----------------------------------------------------------------------------

  async start(ctx: PartContext): Promise<void> {
    this.log = ctx.log;
    this.started = true;
    this.pipeline.restart();
    this.worker.start();
    this.prune();
    this.pruneTimer = setInterval(() => this.prune(), PRUNE_INTERVAL_MS);
    // Accounts connect in the background: the gateway is up while a platform is slow or down.
    this.syncing = this.sync(this.deps.options());
    await this.syncing;
  }

  async stop(): Promise<void> {
    this.started = false;
    if (this.pruneTimer) clearInterval(this.pruneTimer);
    this.pruneTimer = null;
    await this.syncing.catch(() => {});
    await Promise.all([...this.runners.values()].map((runner) => runner.stop()));
    await this.pipeline.stop();
    await this.worker.stop();
  }

  /** Diffs the accounts the new config describes against the running ones (see `sync`). */
  optionsChanged(next: Readonly<Options>, _previous?: Readonly<Options>): void {
    this.syncing = this.syncing.then(() => this.sync(next)).catch((error) => this.log.error("channel settings could not be applied:", error));
  }

  status(): PartStatus {
    const snapshots = this.accounts();
    const channels = channelHealth(snapshots);
    const depth = this.deps.outbox.depth();
    const info = { accounts: snapshots.length, connected: snapshots.filter((s) => s.connected).length, outboxDepth: depth.count };
    if (!this.started) return { state: "stopped", channels, info };
    if (snapshots.length === 0) return { state: "disabled", detail: "no channel is configured", channels, info };
    const troubled = snapshots.find((s) => s.enabled && (s.stoppedReason || (!s.connected && s.lastError)));
    if (troubled) return { state: "degraded", detail: `${troubled.channel}/${troubled.accountId}: ${troubled.stoppedReason ?? troubled.lastError}`, channels, info };
    return { state: "running", channels, info };
  }

  // --- what methods use ----------------------------------------------------------------------

  /** Every account's snapshot, in config order. */
  accounts(): AccountSnapshot[] {
    return [...this.runners.values()].map((runner) => runner.snapshot());
  }

  /** The channels this build can run, whether configured or not. */
  get channelIds(): string[] {
    return this.deps.factories.map((f) => f.channel);
  }

  /** The `channels.status` result; `probe` asks each platform about its account first. */
  async channelsStatus(options: { probe?: boolean; timeoutMs?: number } = {}) {
    if (options.probe) await Promise.all([...this.runners.values()].map((runner) => runner.probe(options.timeoutMs ?? 10_000)));
    return channelsStatus(this.accounts(), this.now());
  }

  /**
   * Where a send goes: the named channel (default: the first with a linked account) and account
   * (default: `default`, else the first linked one); an account that is still coming up is used
   * when none is linked (the outbox waits for it). Nothing else is ever fallen back to (runbook).
   */
  target(channel?: string, accountId?: string): SendTarget {
    const wanted = channel?.trim().toLowerCase();
    if (wanted !== undefined && !this.channelIds.includes(wanted)) return { ok: false, code: "unsupported", message: `unsupported channel: ${channel}` };
    const candidates = [...this.runners.values()].filter((r) => (wanted === undefined || r.channel === wanted) && (accountId === undefined || r.accountId === accountId));
    const linked = candidates.filter((r) => r.canSend());
    // Right after a start or during a reconnect nothing is linked yet: queue rather than refuse.
    const usable = linked.length > 0 ? linked : candidates.filter((r) => r.comingUp());
    const chosen = usable.find((r) => r.accountId === DEFAULT_ACCOUNT_ID) ?? usable[0];
    if (chosen) return { ok: true, channel: chosen.channel, accountId: chosen.accountId };
    if (wanted === undefined) return { ok: false, code: "not_linked", message: accountId === undefined ? "no channel is linked" : `no channel has a linked account ${accountId}` };
    return { ok: false, code: "not_linked", message: `channel ${wanted}${accountId === undefined ? "" : ` account ${accountId}`} is not linked` };
  }

  /** Stores an outbound message (a repeat key returns the first one) and wakes the worker. */
  enqueue(request: Omit<EnqueueRequest, "now">): { item: OutboxItem; isNew: boolean } {
    return this.worker.enqueue({ ...request, now: this.now() });
  }

  /** The outbox item once sent or failed, or as it stands after `timeoutMs`. */
  settledItem(idempotencyKey: string, timeoutMs: number): Promise<OutboxItem | null> {
    return this.worker.settled(idempotencyKey, timeoutMs);
  }

  /** Stops an account and forgets its platform session; null when there is no such account. */
  async logout(channel: string, accountId?: string): Promise<{ channel: string; accountId: string; cleared: boolean } | null> {
    const ofChannel = [...this.runners.values()].filter((r) => r.channel === channel);
    const runner = accountId === undefined ? (ofChannel.find((r) => r.accountId === DEFAULT_ACCOUNT_ID) ?? ofChannel[0]) : ofChannel.find((r) => r.accountId === accountId);
    if (!runner) return null;
    const { cleared } = await runner.logout();
    this.log.info(`${runner.label} logged out`);
    return { channel: runner.channel, accountId: runner.accountId, cleared };
  }

  /**
   * Stops one account, runs `change` (its credentials being replaced: a new link), then re-reads
   * the config and starts the account afresh even where its settings look the same (a runner
   * that stopped for good, or was logged out, gets a new life). Serialised with config syncs.
   * Resolves with whether the config has that account.
   */
  restartAccount(channel: string, accountId: string, change: () => Promise<void> | void = () => {}): Promise<boolean> {
    const key = keyOf(channel, accountId);
    const restart = this.syncing.then(async () => {
      await this.runners.get(key)?.stop();
      try {
        await change();
      } finally {
        await this.sync(this.deps.options(), key);
      }
      return this.runners.has(key);
    });
    this.syncing = restart.then(() => {}, () => {});
    return restart;
  }

  // --- inside ----------------------------------------------------------------------------------

  /** Makes the running accounts match `options`: new ones start, removed ones stop, changed ones (and `renew`) restart. */
  private async sync(options: Readonly<Options>, renew?: string): Promise<void> {
    const { wanted, unreadable } = this.describe(options);
    for (const [key, runner] of this.runners) {
      if (wanted.has(key) || unreadable.has(runner.channel)) continue;
      await runner.stop();
      this.runners.delete(key);
      this.log.info(`${runner.label} removed from the config; stopped`);
    }
    for (const [key, { factory, config }] of wanted) {
      const current = this.runners.get(key);
      if (current && key !== renew && fingerprint(current.config) === fingerprint(config)) {
        if (this.started) current.start();
        continue;
      }
      if (current) {
        this.log.info(`${current.label} ${key === renew ? "has new credentials" : "settings changed"}; restarting it`);
        await current.stop();
        this.metrics.reconnect(config.channel, "config");
      }
      const runner = this.runnerFor(factory, config);
      this.runners.set(key, runner);
      if (this.started) runner.start();
    }
    this.changed();
  }

  /** The accounts each factory reads from `options`; a factory that throws leaves its channel as it is. */
  private describe(options: Readonly<Options>) {
    const wanted = new Map<string, { factory: ChannelFactory; config: ChannelAccountConfig }>();
    const unreadable = new Set<string>();
    for (const factory of this.deps.factories) {
      let accounts: ChannelAccountConfig[];
      try {
        accounts = factory.accounts(options.config, options.env, { stateDir: options.paths.stateDir });
      } catch (error) {
        this.log.error(`channels.${factory.channel} could not be read; it is left as it was:`, error);
        unreadable.add(factory.channel);
        continue;
      }
      for (const config of accounts) {
        if (config.channel !== factory.channel || !config.accountId) continue;
        wanted.set(keyOf(config.channel, config.accountId), { factory, config });
      }
    }
    return { wanted, unreadable };
  }

  private runnerFor(factory: ChannelFactory, config: ChannelAccountConfig): AccountRunner {
    const log = this.log.withTag(config.channel);
    if (config.access.invalid !== undefined) log.warn(`${config.channel}/${config.accountId}: invalid access policy (${config.access.invalid}); every message will be refused`);
    else if (wildcardDefeatsPairing(config.access)) log.warn(`${config.channel}/${config.accountId}: dmPolicy is "pairing" but allowFrom has "*", so anyone may message the agent without a code`);
    const tuning = this.deps.tuning ?? {};
    const runner: AccountRunner = new AccountRunner({
      factory,
      config,
      deps: () => {
        const options = this.deps.options();
        return { env: options.env, stateDir: options.paths.stateDir, workspace: options.workspace, metrics: this.deps.registry, ...(this.deps.fetch ? { fetch: this.deps.fetch } : {}) };
      },
      cursors: this.deps.cursors,
      receive: (message) => this.pipeline.receive(message),
      onAdapter: () => this.pipeline.resume((item) => item.message.channel === config.channel && item.message.accountId === config.accountId),
      onChange: () => this.changed(),
      metrics: this.metrics,
      log,
      now: this.now,
      backoff: tuning.reconnect,
      healthyAfterMs: tuning.healthyAfterMs,
    });
    return runner;
  }

  private senderFor(channel: string, accountId: string): SenderLookup {
    const runner = this.runners.get(keyOf(channel, accountId));
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

  private settled(item: OutboxItem): void {
    if (item.state === "sent") this.runners.get(keyOf(item.channel, item.accountId))?.sent(item.sentAt ?? this.now());
    this.pipeline.outboxSettled(item);
  }

  private prune(): void {
    try {
      this.deps.inbox.prune(this.now() - INBOX_KEEP_MS);
      // Send keys are remembered as long as inbox ids: a repeat within that time never sends twice.
      this.deps.outbox.prune(this.now() - INBOX_KEEP_MS);
    } catch (error) {
      this.log.warn("pruning the inbox and outbox failed:", error);
    }
  }

  /** Coalesces status changes into one notice per tick (a reconnect changes several fields). */
  private changed(): void {
    if (this.changeQueued || !this.deps.onStatusChange) return;
    this.changeQueued = true;
    queueMicrotask(() => {
      this.changeQueued = false;
      this.deps.onStatusChange?.();
    });
  }

  private logProxy(): Logger {
    return new Proxy({} as Logger, {
      get: (_target, property) => {
        const value = Reflect.get(this.log, property);
        return typeof value === "function" ? value.bind(this.log) : value;
      },
    });
  }
}
