/** The failed-auth limiter on its own, with an injected clock: window, lockout, reset, exemption, memory cap. */
import { describe, expect, test } from "bun:test";
import { AuthRateLimiter, DEFAULT_RATE_LIMIT, type RateLimitSettings } from "../../src/gateway/auth/auth-rate-limit.ts";

const REMOTE = { remoteAddress: "203.0.113.9", isLocal: false };
const LOCAL = { remoteAddress: "127.0.0.1", isLocal: true };

function limiter(settings?: Partial<RateLimitSettings>, maxTrackedAddresses?: number) {
  const clock = { now: 1_000_000 };
  const limit = new AuthRateLimiter({ now: () => clock.now, settings: () => settings, maxTrackedAddresses });
  const fail = (times: number, client = REMOTE) => {
    for (let i = 0; i < times; i++) limit.recordFailure(client);
  };
  return { limit, clock, fail };
}

describe("AuthRateLimiter", () => {
  test("the failure that reaches maxAttempts locks the address out for lockoutMs", () => {
    const { limit, clock, fail } = limiter({ maxAttempts: 3, windowMs: 10_000, lockoutMs: 30_000 });
    fail(2);
    expect(limit.check(REMOTE)).toEqual({ ok: true });
    expect(limit.recordFailure(REMOTE)).toEqual({ ok: false, retryAfterMs: 30_000 });
    clock.now += 12_345;
    expect(limit.check(REMOTE)).toEqual({ ok: false, retryAfterMs: 30_000 - 12_345 });
    clock.now += 30_000 - 12_345;
    expect(limit.check(REMOTE)).toEqual({ ok: true });
  });

  test("after a lockout the address starts over with its full allowance", () => {
    const { limit, clock, fail } = limiter({ maxAttempts: 2, windowMs: 10_000, lockoutMs: 5_000 });
    fail(2);
    clock.now += 5_000;
    expect(limit.recordFailure(REMOTE)).toEqual({ ok: true });
    expect(limit.recordFailure(REMOTE)).toEqual({ ok: false, retryAfterMs: 5_000 });
  });

  test("failures older than the window no longer count", () => {
    const { limit, clock, fail } = limiter({ maxAttempts: 3, windowMs: 10_000, lockoutMs: 30_000 });
    fail(2);
    clock.now += 10_000;
    expect(limit.recordFailure(REMOTE)).toEqual({ ok: true });
    expect(limit.recordFailure(REMOTE)).toEqual({ ok: true });
    expect(limit.recordFailure(REMOTE)).toEqual({ ok: false, retryAfterMs: 30_000 });
  });

  test("a success clears the count", () => {
    const { limit, fail } = limiter({ maxAttempts: 3 });
    fail(2);
    limit.recordSuccess(REMOTE);
    fail(2);
    expect(limit.check(REMOTE)).toEqual({ ok: true });
    expect(limit.size).toBe(1);
  });

  test("addresses are counted apart; ::ffff:-mapped IPv4 is the same address", () => {
    const { limit, fail } = limiter({ maxAttempts: 2 });
    fail(1, REMOTE);
    fail(1, { remoteAddress: "::ffff:203.0.113.9", isLocal: false });
    expect(limit.check(REMOTE).ok).toBe(false);
    expect(limit.check({ remoteAddress: "198.51.100.1", isLocal: false })).toEqual({ ok: true });
  });

  test("unconfigured: remote clients get the defaults, local clients are exempt", () => {
    const { limit, fail } = limiter(undefined);
    fail(DEFAULT_RATE_LIMIT.maxAttempts - 1);
    expect(limit.check(REMOTE)).toEqual({ ok: true });
    expect(limit.recordFailure(REMOTE)).toEqual({ ok: false, retryAfterMs: DEFAULT_RATE_LIMIT.lockoutMs });
    fail(50, LOCAL);
    expect(limit.check(LOCAL)).toEqual({ ok: true });
    expect(limit.size).toBe(1);
    expect(DEFAULT_RATE_LIMIT).toEqual({ maxAttempts: 10, windowMs: 60_000, lockoutMs: 300_000, exemptLoopback: true });
  });

  test("exemptLoopback: false counts local clients too", () => {
    const { limit, fail } = limiter({ maxAttempts: 2, exemptLoopback: false });
    fail(2, LOCAL);
    expect(limit.check(LOCAL).ok).toBe(false);
  });

  test("settings are read on every call, so a reload applies at once", () => {
    const clock = { now: 0 };
    let settings: Partial<RateLimitSettings> = { maxAttempts: 5 };
    const limit = new AuthRateLimiter({ now: () => clock.now, settings: () => settings });
    limit.recordFailure(REMOTE);
    limit.recordFailure(REMOTE);
    settings = { maxAttempts: 3, lockoutMs: 1_000 };
    expect(limit.recordFailure(REMOTE)).toEqual({ ok: false, retryAfterMs: 1_000 });
  });

  test("lockoutMs 0 counts but never locks", () => {
    const { limit, fail } = limiter({ maxAttempts: 1, lockoutMs: 0 });
    fail(5);
    expect(limit.check(REMOTE)).toEqual({ ok: true });
  });

  test("memory is bounded: past the cap the least recently failed address is forgotten", () => {
    const { limit, fail } = limiter({ maxAttempts: 2 }, 3);
    const client = (n: number) => ({ remoteAddress: `198.51.100.${n}`, isLocal: false });
    fail(1, client(1));
    fail(1, client(2));
    fail(1, client(3));
    // Address 1 failed again, so it is the freshest; 2 is now the stalest.
    fail(1, client(1));
    fail(1, client(4));
    expect(limit.size).toBe(3);
    expect(limit.check(client(1)).ok).toBe(false);
    // 2 was evicted: its earlier failure is forgotten, so one more does not lock it.
    expect(limit.recordFailure(client(2))).toEqual({ ok: true });
    for (let n = 10; n < 1000; n++) fail(1, client(n));
    expect(limit.size).toBe(3);
  });
});
