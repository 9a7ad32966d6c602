/**
 * Capped exponential backoff with full jitter: the n-th delay is uniform in
 * `[0, min(maxMs, initialMs · factor^n))`. Full jitter spreads reconnects of many accounts (or
 * many gateways behind one NAT) instead of having them retry in lockstep.
 */

export interface BackoffOptions {
  /** The ceiling of the first delay. Default 1000 ms. */
  initialMs?: number;
  /** No delay is longer than this. Default 300 000 ms (5 min). */
  maxMs?: number;
  /** Growth of the ceiling per attempt. Default 2. */
  factor?: number;
  /** Uniform in [0, 1). Default `Math.random` (tests pass a fixed value). */
  random?: () => number;
}

/** The ceiling (before jitter) of the delay after `attempt` failures (0-based). */
export function backoffCeiling(attempt: number, options: BackoffOptions = {}): number {
  const initialMs = options.initialMs ?? 1000;
  const maxMs = options.maxMs ?? 300_000;
  const factor = options.factor ?? 2;
  // Capped before it can overflow to Infinity after many attempts.
  return Math.min(maxMs, initialMs * Math.pow(factor, Math.min(attempt, 64)));
}

/** One jittered delay for `attempt` (0-based). */
export function backoffDelay(attempt: number, options: BackoffOptions = {}): number {
  const random = options.random ?? Math.random;
  return Math.floor(random() * backoffCeiling(attempt, options));
}

/** The attempt counter of one retrying thing (an account's connection). */
export class Backoff {
  private failures = 0;

  constructor(private readonly options: BackoffOptions = {}) {}

  /** Failures since the last reset. */
  get attempts(): number {
    return this.failures;
  }

  /** The delay before the next try; counts one more failure. */
  next(): number {
    const delay = backoffDelay(this.failures, this.options);
    this.failures += 1;
    return delay;
  }

  reset(): void {
    this.failures = 0;
  }
}

/** Resolves after `ms`, or at once when `signal` aborts (never rejects). */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}
