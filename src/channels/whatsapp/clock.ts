/**
 * Time as the WhatsApp channel sees it: the wall clock and a monotonic clock (comparing them
 * is how a sleep/wake shows), and timers. Tests pass a fake one (test/fakes/whatsapp-clock.ts)
 * to run 12 hours in a moment.
 */

export type TimerHandle = { readonly __timer: unique symbol } | number | ReturnType<typeof setTimeout>;

export interface Clock {
  /** Wall-clock ms (`Date.now`): jumps when the machine sleeps or the time is set. */
  now(): number;
  /** Monotonic ms (`performance.now`): never jumps; what durations are measured with. */
  monotonic(): number;
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** Resolves after `ms` on `clock`, or at once when `signal` aborts (never rejects). */
export function sleepOn(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clock.clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = clock.setTimeout(done, Math.max(0, ms));
    signal?.addEventListener("abort", done, { once: true });
  });
}
