/**
 * Brute-force protection for the gateway's secrets (`gateway.auth.rateLimit`, protocol.md §3.5,
 * §8): wrong secrets are counted per client address, and an address that reaches the limit is
 * locked out for a while. While locked out even the right secret is refused; otherwise the
 * lockout would tell a guesser when it guessed right. WebSocket connects and HTTP bearer auth
 * share one counter per address, so switching transports buys no extra guesses.
 */

export interface RateLimitSettings {
  /** Wrong secrets within one window that trigger the lockout. */
  maxAttempts: number;
  /** The counting window, starting at an address's first failure. */
  windowMs: number;
  /** How long a locked-out address is refused. */
  lockoutMs: number;
  /** Local clients are never counted or refused. */
  exemptLoopback: boolean;
}

/**
 * The reference's defaults (protocol.md §9.1): 10 failures within 60 s lock an address out for
 * 5 min; loopback is exempt. The reference limits only when `gateway.auth.rateLimit` is set;
 * here the defaults apply to remote clients even when it is not, because in password mode a
 * guess costs one round trip and people pick guessable passwords.
 */
export const DEFAULT_RATE_LIMIT: Readonly<RateLimitSettings> = Object.freeze({
  maxAttempts: 10,
  windowMs: 60_000,
  lockoutMs: 300_000,
  exemptLoopback: true,
});

/** Default cap on tracked addresses: about 1 MB at worst, and far more than a home gateway meets. */
export const DEFAULT_MAX_TRACKED_ADDRESSES = 10_000;

/** Who is trying. A `Connection` and an HTTP `Peer` both fit. */
export interface AuthClient {
  remoteAddress: string;
  /**
   * Loopback address, loopback Host and no untrusted forwarding headers. The address alone is
   * not enough: behind a reverse proxy on the same host every client has a loopback address.
   */
  isLocal: boolean;
}

export type RateLimitVerdict = { ok: true } | { ok: false; retryAfterMs: number };

export interface AuthRateLimiterOptions {
  /** Clock. Default `Date.now`. */
  now?: () => number;
  /**
   * The configured `gateway.auth.rateLimit`, read on every call so a hot reload applies at
   * once; missing keys take `DEFAULT_RATE_LIMIT`'s values. Default: nothing configured.
   */
  settings?: () => Partial<RateLimitSettings> | undefined;
  /** Most addresses tracked at once; beyond it the least recently failed one is forgotten. Default 10 000. */
  maxTrackedAddresses?: number;
}

interface Entry {
  windowStartMs: number;
  failures: number;
  lockedUntilMs: number;
}

export class AuthRateLimiter {
  private readonly now: () => number;
  private readonly settings: () => Partial<RateLimitSettings> | undefined;
  private readonly maxTracked: number;
  /** In order of last failure (a Map keeps insertion order), so the first key is the stalest. */
  private readonly entries = new Map<string, Entry>();

  constructor(options: AuthRateLimiterOptions = {}) {
    this.now = options.now ?? Date.now;
    this.settings = options.settings ?? (() => undefined);
    this.maxTracked = Math.max(1, options.maxTrackedAddresses ?? DEFAULT_MAX_TRACKED_ADDRESSES);
  }

  /** Whether `client` may try a secret now. Call before comparing anything. */
  check(client: AuthClient): RateLimitVerdict {
    const limits = this.limits();
    if (this.exempt(client, limits)) return { ok: true };
    const key = keyOf(client);
    const entry = this.entries.get(key);
    if (!entry) return { ok: true };
    const now = this.now();
    if (entry.lockedUntilMs > now) return { ok: false, retryAfterMs: entry.lockedUntilMs - now };
    if (now - entry.windowStartMs >= limits.windowMs) this.entries.delete(key);
    return { ok: true };
  }

  /** Counts a wrong secret; the verdict says whether the client is now locked out. */
  recordFailure(client: AuthClient): RateLimitVerdict {
    const limits = this.limits();
    if (this.exempt(client, limits)) return { ok: true };
    const key = keyOf(client);
    const now = this.now();
    const previous = this.entries.get(key);
    const fresh = !previous || (previous.lockedUntilMs <= now && now - previous.windowStartMs >= limits.windowMs);
    const entry: Entry = fresh ? { windowStartMs: now, failures: 0, lockedUntilMs: 0 } : previous;
    entry.failures += 1;
    if (entry.failures >= limits.maxAttempts) {
      entry.lockedUntilMs = now + limits.lockoutMs;
      // After the lockout the address starts over with a full allowance.
      entry.failures = 0;
      entry.windowStartMs = entry.lockedUntilMs;
    }
    this.entries.delete(key);
    this.entries.set(key, entry);
    this.evictOverCap();
    return entry.lockedUntilMs > now ? { ok: false, retryAfterMs: entry.lockedUntilMs - now } : { ok: true };
  }

  /** The right secret: the address's count starts over. */
  recordSuccess(client: AuthClient): void {
    this.entries.delete(keyOf(client));
  }

  /** How many addresses are being tracked (bounded by `maxTrackedAddresses`). */
  get size(): number {
    return this.entries.size;
  }

  private limits(): RateLimitSettings {
    const configured = this.settings() ?? {};
    return {
      maxAttempts: configured.maxAttempts ?? DEFAULT_RATE_LIMIT.maxAttempts,
      windowMs: configured.windowMs ?? DEFAULT_RATE_LIMIT.windowMs,
      lockoutMs: configured.lockoutMs ?? DEFAULT_RATE_LIMIT.lockoutMs,
      exemptLoopback: configured.exemptLoopback ?? DEFAULT_RATE_LIMIT.exemptLoopback,
    };
  }

  private exempt(client: AuthClient, limits: RateLimitSettings): boolean {
    return limits.exemptLoopback && client.isLocal;
  }

  private evictOverCap(): void {
    for (const key of this.entries.keys()) {
      if (this.entries.size <= this.maxTracked) return;
      this.entries.delete(key);
    }
  }
}

/** One key per address, whichever way it was written (`::ffff:` mapped IPv4, case). */
function keyOf(client: AuthClient): string {
  return client.remoteAddress.trim().toLowerCase().replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, "");
}
