/**
 * Event-loop delay, sampled by a low-frequency timer: each sample is how late a timer fired,
 * which is how long work that arrived at that moment had to wait for the loop. Bun 1.4.5's
 * `perf_hooks.monitorEventLoopDelay` records next to nothing (a 300 ms block shows as a
 * 0.5 ms max, and a 20 ms resolution took 4 samples in a second), so it is not used.
 *
 * One unref'd timer, at most one tick per second by default, so an idle gateway stays idle
 * and the monitor never keeps the process alive. The interval is jittered (1–1.5 × the
 * interval) so a periodic job with the same period is not always, or never, caught.
 */

export interface EventLoopDelayOptions {
  /** Shortest time between samples, in ms. Default 1000 (design.md §6: no faster idle timers). */
  intervalMs?: number;
  /** Samples the percentiles are taken over. Default 60 (one to one and a half minutes). */
  window?: number;
  /** Milliseconds clock. Default `performance.now`. */
  now?: () => number;
  /** Jitter source in [0, 1). Default `Math.random`. */
  random?: () => number;
}

export class EventLoopDelayMonitor {
  private readonly intervalMs: number;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly samples: Float64Array;
  private next = 0;
  private filled = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  /** Sorted copy of the window, rebuilt lazily after a new sample. */
  private sorted: Float64Array | null = null;

  constructor(options: EventLoopDelayOptions = {}) {
    this.intervalMs = options.intervalMs ?? 1000;
    this.now = options.now ?? (() => performance.now());
    this.random = options.random ?? Math.random;
    this.samples = new Float64Array(Math.max(1, options.window ?? 60));
  }

  get running(): boolean {
    return this.timer !== null;
  }

  /** Samples taken so far, up to the window size. */
  get sampleCount(): number {
    return this.filled;
  }

  /** Median delay over the window, in ms; 0 before the first sample. */
  get p50Ms(): number {
    return this.percentile(0.5);
  }

  get p99Ms(): number {
    return this.percentile(0.99);
  }

  /** Longest delay in the window, in ms. */
  get maxMs(): number {
    return this.percentile(1);
  }

  start(): void {
    if (this.timer === null) this.schedule();
  }

  stop(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Adds one sample; the timer calls it, and so can a caller that measured a delay itself. */
  record(delayMs: number): void {
    this.samples[this.next] = Math.max(0, delayMs);
    this.next = (this.next + 1) % this.samples.length;
    this.filled = Math.min(this.filled + 1, this.samples.length);
    this.sorted = null;
  }

  /** Nearest-rank percentile over the window, `q` in [0, 1]. */
  percentile(q: number): number {
    if (this.filled === 0) return 0;
    this.sorted ??= this.samples.slice(0, this.filled).sort();
    const rank = Math.min(this.filled - 1, Math.max(0, Math.ceil(q * this.filled) - 1));
    return this.sorted[rank]!;
  }

  private schedule(): void {
    const delay = this.intervalMs * (1 + 0.5 * this.random());
    const due = this.now() + delay;
    this.timer = setTimeout(() => {
      this.record(this.now() - due);
      if (this.timer !== null) this.schedule();
    }, delay);
    this.timer.unref();
  }
}
