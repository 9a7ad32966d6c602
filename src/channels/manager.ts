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
import { lateBoundLogger } from "../log/late-logger.ts";
import { silentLogger, type Logger } from "../log/logger.ts";
import { AccountRunner } from "./account-runner.ts";
import type { AccountSnapshot } from "./account-status.ts";
import { chooseTarget, keyOf, logoutRunner, senderLookup, type SendTarget } from "./account-lookup.ts";
import { describeAccounts, sameSettings } from "./account-set.ts";
import { accessWarning } from "./access.ts";
import { createChannelMetrics, type ChannelMetrics } from "./channel-metrics.ts";
import { channelsPartStatus, channelsStatus } from "./channel-status.ts";
import { InboundPipeline } from "./inbound-pipeline.ts";
import type { ChannelManagerOptions } from "./manager-options.ts";
import { OutboxWorker } from "./outbox-worker.ts";
import { StorePruner } from "./store-pruner.ts";
import type { EnqueueRequest, OutboxItem } from "./store-types.ts";
import type { ChannelAccountConfig, ChannelFactory } from "./types.ts";

export const DEFAULT_SEND_WAIT_MS = 20_000;


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
  private readonly pruner: StorePruner;
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
    const log = lateBoundLogger(() => this.log);
    this.pruner = new StorePruner(deps, this.now, log);
    this.worker = new OutboxWorker({
      store: deps.outbox,
      sender: (channel, accountId) => senderLookup(this.runners.get(keyOf(channel, accountId)), channel, accountId),
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
    this.pruner.start();
    // Accounts connect in the background: the gateway is up while a platform is slow or down.
    this.syncing = this.sync(this.deps.options());
    await this.syncing;
  }

  async stop(): Promise<void> {
    this.started = false;
    this.pruner.stop();
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
    return channelsPartStatus(this.accounts(), this.started, this.deps.outbox.depth().count);
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

  /** Where a send goes, or why it cannot (the rules are in `chooseTarget`). */
  target(channel?: string, accountId?: string): SendTarget {
    return chooseTarget(this.runners.values(), this.channelIds, channel, accountId);
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
    const runner = logoutRunner(this.runners.values(), channel, accountId);
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
    const { wanted, unreadable } = describeAccounts(this.deps.factories, options, this.log);
    for (const [key, runner] of this.runners) {
      if (wanted.has(key) || unreadable.has(runner.channel)) continue;
      await runner.stop();
      this.runners.delete(key);
      this.log.info(`${runner.label} removed from the config; stopped`);
    }
    for (const [key, { factory, config }] of wanted) {
      const current = this.runners.get(key);
      if (current && key !== renew && sameSettings(current.config, config)) {
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

  private runnerFor(factory: ChannelFactory, config: ChannelAccountConfig): AccountRunner {
    const log = this.log.withTag(config.channel);
    const warning = accessWarning(config.access);
    if (warning) log.warn(`${config.channel}/${config.accountId}: ${warning}`);
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

  private settled(item: OutboxItem): void {
    if (item.state === "sent") this.runners.get(keyOf(item.channel, item.accountId))?.sent(item.sentAt ?? this.now());
    this.pipeline.outboxSettled(item);
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
}
