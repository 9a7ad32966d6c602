/**
 * One channel account's life: build its adapter, keep `run` going with capped, jittered
 * backoff (reset once a connection has been healthy for a minute), stop for good on a
 * `ChannelFatalError` and say why, and keep the account's status snapshot. The manager owns
 * the runners; a config change replaces a runner instead of mutating it, so an old adapter
 * never runs with new settings.
 */
import type { Env } from "../config/paths.ts";
import type { Logger } from "../log/logger.ts";
import { Backoff, pause, type BackoffOptions } from "./backoff.ts";
import { initialStatus, isSignificant, snapshotOf, type AccountSnapshot } from "./account-status.ts";
import { reasonLabel, type ChannelMetrics } from "./channel-metrics.ts";
import type { CursorStore } from "./store-types.ts";
import {
  ChannelFatalError,
  type ChannelAccountConfig,
  type ChannelAccountStatus,
  type ChannelAdapter,
  type ChannelContext,
  type ChannelFactory,
  type ChannelProbe,
  type InboundMessage,
} from "./types.ts";

export const DEFAULT_HEALTHY_AFTER_MS = 60_000;
export const DEFAULT_STOP_WAIT_MS = 10_000;

export interface AccountRunnerOptions {
  factory: ChannelFactory;
  config: ChannelAccountConfig;
  /** What `factory.create` gets, read when the adapter is built. */
  deps: () => { env: Env; stateDir: string; workspace?: string; fetch?: typeof fetch };
  cursors: CursorStore;
  /** Stores an inbound message (the pipeline); resolves once it is durable. */
  receive: (message: InboundMessage) => Promise<void>;
  /** The adapter exists now: messages of this account that wait can be worked on. */
  onAdapter: () => void;
  /** Something people look at changed (linked, connected, running, errors). */
  onChange: () => void;
  metrics: ChannelMetrics;
  log: Logger;
  now: () => number;
  /** Reconnect delays. Default 1 s doubling to 5 min, full jitter. */
  backoff?: BackoffOptions;
  /** A connection up this long resets the backoff. Default 60 000 ms. */
  healthyAfterMs?: number;
  /** How long `stop` waits for `run` to end before it moves on and says so. Default 10 000 ms. */
  stopWaitMs?: number;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class AccountRunner {
  readonly channel: string;
  readonly accountId: string;
  readonly config: ChannelAccountConfig;
  private readonly status: ChannelAccountStatus;
  private readonly backoff: Backoff;
  private readonly log: Logger;
  private adapter: ChannelAdapter | null = null;
  private controller: AbortController | null = null;
  private loop: Promise<void> | null = null;
  private loggedOut = false;
  private warnedProblem = false;
  private lastProbe: { probe: ChannelProbe; at: number } | null = null;

  constructor(private readonly options: AccountRunnerOptions) {
    const { config } = options;
    this.channel = config.channel;
    this.accountId = config.accountId;
    this.config = config;
    this.backoff = new Backoff(options.backoff);
    this.log = options.log;
    this.status = initialStatus(config);
  }

  get label(): string {
    return `${this.channel}/${this.accountId}`;
  }

  /** The adapter, once built (it may send while `run` reconnects). */
  get current(): ChannelAdapter | null {
    return this.adapter;
  }

  get isLoggedOut(): boolean {
    return this.loggedOut;
  }

  /** Linked and allowed to send now. */
  canSend(): boolean {
    return this.adapter !== null && this.status.linked && this.config.enabled && !this.loggedOut;
  }

  /**
   * Configured and on its way up (starting, reconnecting after a network error): a send to it is
   * queued, since the outbox holds items until the account is back. Only an account that cannot
   * come back by itself (not configured, logged out, stopped by a fatal error) refuses sends.
   */
  comingUp(): boolean {
    return this.loop !== null && this.config.enabled && !this.loggedOut && this.status.stoppedReason === null;
  }

  /**
   * Starts the account unless it is running, disabled, logged out or cannot run. A runner
   * stopped by a fatal error stays stopped (its loop ended, it is not started again): only a
   * config change, which replaces the runner, or `stop()` then `start()` tries again.
   */
  start(): void {
    if (this.loop || !this.config.enabled || this.loggedOut) return;
    if (this.config.problem) {
      if (!this.warnedProblem) this.log.warn(`${this.label} is configured but cannot run: ${this.config.problem}`);
      this.warnedProblem = true;
      return;
    }
    const controller = new AbortController();
    this.controller = controller;
    this.update({ stoppedReason: null });
    this.loop = this.supervise(controller.signal).catch((error) => this.log.error(`${this.label} supervisor failed:`, error));
  }

  /** Aborts `run` and waits for it to end (at most `stopWaitMs`, then goes on and says so). */
  async stop(): Promise<void> {
    const { controller, loop } = this;
    this.controller = null;
    this.loop = null;
    if (!controller || !loop) return;
    controller.abort();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const waitMs = this.options.stopWaitMs ?? DEFAULT_STOP_WAIT_MS;
    const ended = await Promise.race([loop.then(() => true), new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), waitMs)))]);
    clearTimeout(timer);
    if (!ended) this.log.warn(`${this.label} did not stop within ${waitMs} ms; going on without waiting`);
    this.update({ running: false, connected: false });
  }

  /** Stops the account and forgets its platform session where the platform has one. */
  async logout(): Promise<{ cleared: boolean }> {
    await this.stop();
    let cleared = false;
    if (this.adapter?.logout) {
      await this.adapter.logout();
      cleared = true;
    }
    this.loggedOut = true;
    this.update({ linked: false, connected: false, running: false, stoppedReason: "logged out" });
    return { cleared };
  }

  /** Asks the platform about the credentials now, when the adapter can; null when it cannot. */
  async probe(timeoutMs: number): Promise<ChannelProbe | null> {
    const adapter = this.adapter;
    if (!adapter?.probe) return null;
    let probe: ChannelProbe;
    try {
      probe = await adapter.probe(AbortSignal.timeout(timeoutMs));
    } catch (error) {
      probe = { ok: false, error: messageOf(error) };
    }
    this.lastProbe = { probe, at: this.options.now() };
    return probe;
  }

  /** The platform accepted a message from this account. */
  sent(at: number): void {
    this.status.lastOutboundAt = at;
  }

  snapshot(): AccountSnapshot {
    return snapshotOf(this.status, this.config, this.lastProbe);
  }

  private update(change: Partial<ChannelAccountStatus>): void {
    const significant = isSignificant(change, this.status);
    Object.assign(this.status, change);
    if (significant) this.options.onChange();
  }

  private async supervise(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      if (!this.adapter) {
        try {
          this.adapter = await this.options.factory.create(this.config, this.options.deps());
        } catch (error) {
          if (signal.aborted || !(await this.failed(error, signal))) return;
          continue;
        }
        if (signal.aborted) return;
        this.options.onAdapter();
      }
      this.update({ running: true });
      const healthy = setTimeout(() => {
        this.backoff.reset();
        this.update({ reconnectAttempts: 0 });
      }, this.options.healthyAfterMs ?? DEFAULT_HEALTHY_AFTER_MS);
      let failure: unknown = null;
      try {
        await this.adapter.run(this.context(signal));
      } catch (error) {
        failure = error ?? new Error("the connection failed");
      } finally {
        clearTimeout(healthy);
      }
      this.update({ running: false, connected: false });
      if (signal.aborted || !(await this.failed(failure, signal))) return;
    }
  }

  /** Records a failure (null: `run` ended by itself); waits the backoff. False: do not try again. */
  private async failed(error: unknown, signal: AbortSignal): Promise<boolean> {
    if (error instanceof ChannelFatalError) {
      this.update({ running: false, connected: false, lastError: error.message, stoppedReason: error.message });
      this.log.error(`${this.label} stopped: ${error.message} (it stays stopped until its config changes or the gateway restarts)`);
      return false;
    }
    const message = error === null ? "the connection ended by itself" : messageOf(error);
    const delay = this.backoff.next();
    this.options.metrics.reconnect(this.channel, error === null ? "ended" : reasonLabel(error));
    this.update({ lastError: message, reconnectAttempts: this.backoff.attempts });
    this.log.warn(`${this.label}: ${message}; trying again in ${(delay / 1000).toFixed(1)} s (attempt ${this.backoff.attempts})`);
    await pause(delay, signal);
    return !signal.aborted;
  }

  private context(signal: AbortSignal): ChannelContext {
    const { channel, accountId } = this;
    return {
      receive: (message) => {
        this.status.lastInboundAt = this.options.now();
        // The account decides where a message belongs, not what the adapter wrote into it.
        return this.options.receive({ ...message, channel, accountId });
      },
      cursor: {
        get: () => this.options.cursors.get(channel, accountId),
        set: (value) => this.options.cursors.set(channel, accountId, value),
      },
      report: (update) => {
        // A run that was told to stop does not get to change the status of the next one.
        if (signal.aborted) return;
        const { channel: _c, accountId: _a, ...change } = update as Partial<ChannelAccountStatus>;
        if (change.connected === true && change.lastConnectedAt === undefined) change.lastConnectedAt = this.options.now();
        this.update(change);
      },
      log: this.log,
      signal,
    };
  }
}
