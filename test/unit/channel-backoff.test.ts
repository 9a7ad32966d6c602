/** Reconnect and retry delays: exponential, capped, fully jittered, resettable; pauses end on abort. */
import { describe, expect, test } from "bun:test";
import { Backoff, backoffCeiling, backoffDelay, pause } from "../../src/channels/backoff.ts";

describe("backoff", () => {
  test("the ceiling doubles from 1 s and stops at 5 min", () => {
    expect([0, 1, 2, 3, 8, 9, 50, 10_000].map((n) => backoffCeiling(n))).toEqual([1000, 2000, 4000, 8000, 256_000, 300_000, 300_000, 300_000]);
    expect(backoffCeiling(3, { initialMs: 100, maxMs: 500, factor: 3 })).toBe(500);
  });

  test("full jitter: anywhere from 0 up to the ceiling", () => {
    expect(backoffDelay(2, { random: () => 0 })).toBe(0);
    expect(backoffDelay(2, { random: () => 0.5 })).toBe(2000);
    expect(backoffDelay(2, { random: () => 0.999999 })).toBe(3999);
    for (let i = 0; i < 200; i++) {
      const delay = backoffDelay(4);
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThan(16_000);
    }
  });

  test("a Backoff counts failures and starts over after reset", () => {
    const backoff = new Backoff({ random: () => 0.5 });
    expect([backoff.next(), backoff.next(), backoff.next()]).toEqual([500, 1000, 2000]);
    expect(backoff.attempts).toBe(3);
    backoff.reset();
    expect(backoff.attempts).toBe(0);
    expect(backoff.next()).toBe(500);
  });

  test("pause ends early when aborted, and at once when already aborted", async () => {
    const controller = new AbortController();
    const started = performance.now();
    const waiting = pause(60_000, controller.signal);
    controller.abort();
    await waiting;
    expect(performance.now() - started).toBeLessThan(1000);
    await pause(60_000, controller.signal);
  });
});
