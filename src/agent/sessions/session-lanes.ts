/**
 * Agent runs are serialised per session and capped across sessions. Two messages to one
 * session must not run at once (both would read the same transcript and answer past each
 * other), so the second waits behind the first; and at most `maxConcurrent` runs call models
 * at a time, so a burst across many chats does not hit provider rate limits all at once.
 *
 * Waiting work starts in arrival order across sessions: when a run ends, the next message of
 * its session queues behind runs of other sessions that were already waiting.
 */

/** The reference's `agents.defaults.maxConcurrent` default. */
export const DEFAULT_MAX_CONCURRENT = 4;

export interface SessionLanesOptions {
  /** Runs at once across all sessions (`agents.defaults.maxConcurrent`); an integer ≥ 1. Default 4. */
  maxConcurrent?: number;
}

export interface RunOptions {
  /** Aborting it while the task still waits removes it: it never starts, and `run` rejects with the signal's reason. */
  signal?: AbortSignal;
}

export interface LaneCounts {
  /** Tasks started and not finished. */
  running: number;
  /** Tasks waiting: behind their session's running task, or for a free slot. */
  queued: number;
  /** Sessions with a task running or waiting. */
  sessions: number;
}

interface Job {
  key: string;
  task: () => unknown;
  resolve(value: unknown): void;
  reject(reason: unknown): void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

export class SessionLanes {
  /**
   * Sessions with work, each with the tasks waiting behind its head (in arrival order). The
   * head itself is running, or waiting for a slot in `ready`.
   */
  private readonly lanes = new Map<string, Job[]>();
  /** Heads of their lanes, waiting for a free slot, in arrival order. */
  private readonly ready: Job[] = [];
  private limit: number;
  private active = 0;
  private waiting = 0;

  constructor(options: SessionLanesOptions = {}) {
    this.limit = checkLimit(options.maxConcurrent ?? DEFAULT_MAX_CONCURRENT);
  }

  get maxConcurrent(): number {
    return this.limit;
  }

  /** A new cap applies at once: raising it starts waiting tasks; lowering it lets running ones finish. */
  set maxConcurrent(value: number) {
    this.limit = checkLimit(value);
    this.pump();
  }

  get running(): number {
    return this.active;
  }

  get queued(): number {
    return this.waiting;
  }

  counts(): LaneCounts {
    return { running: this.active, queued: this.waiting, sessions: this.lanes.size };
  }

  /** Whether the session has a task running or waiting. */
  busy(sessionKey: string): boolean {
    return this.lanes.has(sessionKey);
  }

  /**
   * Runs `task` when the session's earlier tasks have finished and a slot is free; resolves or
   * rejects with its outcome. A task that throws only fails its own promise: the next one starts.
   */
  run<T>(sessionKey: string, task: () => T | Promise<T>, options: RunOptions = {}): Promise<T> {
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<T>((resolve, reject) => {
      const job: Job = { key: sessionKey, task, resolve: resolve as (value: unknown) => void, reject, signal };
      this.waiting++;
      if (signal) {
        job.onAbort = () => this.withdraw(job);
        signal.addEventListener("abort", job.onAbort, { once: true });
      }
      const behind = this.lanes.get(sessionKey);
      if (behind) {
        behind.push(job);
      } else {
        this.lanes.set(sessionKey, []);
        this.ready.push(job);
        this.pump();
      }
    });
  }

  private pump(): void {
    while (this.active < this.limit && this.ready.length > 0) this.start(this.ready.shift()!);
  }

  private start(job: Job): void {
    this.waiting--;
    this.active++;
    if (job.onAbort) job.signal!.removeEventListener("abort", job.onAbort);
    // Through a promise so a task that throws synchronously is handled like one that rejects.
    Promise.resolve()
      .then(() => job.task())
      .then(job.resolve, job.reject)
      .finally(() => {
        this.active--;
        this.advance(job.key);
        this.pump();
      });
  }

  /** The session's head finished (or was withdrawn): its next task waits for a slot, or the lane closes. */
  private advance(key: string): void {
    const next = this.lanes.get(key)!.shift();
    if (next) {
      this.ready.push(next);
    } else {
      this.lanes.delete(key);
    }
  }

  /** An aborted task that has not started leaves its queue; a head that leaves makes room for the next. */
  private withdraw(job: Job): void {
    const behind = this.lanes.get(job.key);
    if (!behind) return;
    const behindAt = behind.indexOf(job);
    const readyAt = this.ready.indexOf(job);
    if (behindAt < 0 && readyAt < 0) return;
    this.waiting--;
    if (behindAt >= 0) {
      behind.splice(behindAt, 1);
    } else {
      this.ready.splice(readyAt, 1);
      this.advance(job.key);
      this.pump();
    }
    job.reject(job.signal!.reason);
  }
}

function checkLimit(value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`maxConcurrent must be an integer of at least 1, not ${value}`);
  return value;
}
