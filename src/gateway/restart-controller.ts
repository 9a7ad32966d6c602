/**
 * In-process restarts on request (config writes, a restart-class reload, an authorised
 * SIGUSR1). Requests within the delay coalesce into one restart, and restarts are spaced by a
 * cooldown so a flapping config cannot put the gateway into a restart loop.
 */
export const DEFAULT_RESTART_DELAY_MS = 2000;
export const RESTART_COOLDOWN_MS = 30_000;

export interface RestartTicket {
  ok: true;
  pid: number;
  signal: "SIGUSR1";
  delayMs: number;
  reason: string;
  mode: "emit";
  coalesced: boolean;
  cooldownMsApplied: number;
}

export class RestartController {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private dueAt = 0;
  private reasons: string[] = [];

  private readonly perform: (reason: string) => void;
  private readonly now: () => number;
  private readonly lastRestartAtMs: number;
  private readonly cooldownMs: number;

  constructor(options: {
    /** Performs the restart; set by whoever runs the gateway loop. */
    perform: (reason: string) => void;
    now: () => number;
    /** When the previous restart happened (default 0 = never), carried across restarts. */
    lastRestartAtMs?: number;
    /** Default 30 s. */
    cooldownMs?: number;
  }) {
    this.perform = options.perform;
    this.now = options.now;
    this.lastRestartAtMs = options.lastRestartAtMs ?? 0;
    this.cooldownMs = options.cooldownMs ?? RESTART_COOLDOWN_MS;
  }

  /** Schedules a restart after `delayMs` (clamped to 0–60 000), or joins the one already scheduled. */
  request(reason: string, delayMs = DEFAULT_RESTART_DELAY_MS): RestartTicket {
    const delay = Math.min(60_000, Math.max(0, Math.round(delayMs)));
    const now = this.now();
    const cooldownLeft = this.lastRestartAtMs ? Math.max(0, this.lastRestartAtMs + this.cooldownMs - now) : 0;
    const wanted = now + Math.max(delay, cooldownLeft);
    this.reasons.push(reason);
    const coalesced = this.timer !== null;
    if (!coalesced || wanted < this.dueAt) {
      if (this.timer) clearTimeout(this.timer);
      this.dueAt = wanted;
      this.timer = setTimeout(() => this.fire(), wanted - now);
    }
    return {
      ok: true, pid: process.pid, signal: "SIGUSR1", delayMs: this.dueAt - now, reason, mode: "emit", coalesced,
      cooldownMsApplied: Math.max(0, cooldownLeft - delay),
    };
  }

  /** Whether a restart the gateway scheduled itself is pending (an external SIGUSR1 may then run it now). */
  get pending(): boolean {
    return this.timer !== null;
  }

  /** Runs a pending restart at once. */
  fireNow(): void {
    if (this.timer) this.fire();
  }

  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private fire(): void {
    this.cancel();
    const reason = [...new Set(this.reasons)].join("; ");
    this.reasons = [];
    this.perform(reason);
  }
}
