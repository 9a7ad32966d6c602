/**
 * At most one receiver per bot token in this process (user-needs C1): two accounts with the
 * same token, or two gateways started in one process (tests, benches), would otherwise make
 * Telegram answer each other's long polls with 409. The lock is keyed by a hash of the token
 * so the map never holds a secret.
 *
 * A holder that is stopping (its signal aborted, its poll being cancelled) releases within
 * milliseconds, so a new holder waits a little before giving up: that is the hot-reload case,
 * where the manager builds a new adapter while the old one winds down.
 */
import { ChannelFatalError } from "../types.ts";

interface Holder {
  owner: object;
  accountId: string;
  released: Promise<void>;
  release: () => void;
}

const holders = new Map<string, Holder>();

export interface PollerLock {
  release(): void;
}

export interface AcquireOptions {
  /** Who asks: the adapter instance (the same instance re-running always gets it back). */
  owner: object;
  accountId: string;
  /** How long to wait for a previous holder to let go. */
  waitMs: number;
  signal: AbortSignal;
}

/** Resolves true once `holder` lets go, false on timeout (`waitMs` null: none) or abort. */
function waitForRelease(holder: Holder, waitMs: number | null, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    const done = (released: boolean) => {
      if (timer) clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
      resolve(released);
    };
    const onAbort = () => done(false);
    const timer = waitMs === null ? null : setTimeout(() => done(false), waitMs);
    signal.addEventListener("abort", onAbort, { once: true });
    void holder.released.then(() => done(true));
  });
}

/** Takes the lock for `key`; throws `ChannelFatalError` when another receiver keeps it. */
export async function acquirePollerLock(key: string, options: AcquireOptions): Promise<PollerLock> {
  for (;;) {
    const current = holders.get(key);
    if (!current) break;
    const released = await waitForRelease(current, current.owner === options.owner ? null : options.waitMs, options.signal);
    if (options.signal.aborted) throw options.signal.reason ?? new Error("aborted");
    if (!released) {
      throw new ChannelFatalError(
        `telegram account "${current.accountId}" in this process is already receiving updates for this bot token; give each account its own bot token`,
      );
    }
  }
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const holder: Holder = { owner: options.owner, accountId: options.accountId, released, release };
  holders.set(key, holder);
  return {
    release() {
      if (holders.get(key) === holder) holders.delete(key);
      holder.release();
    },
  };
}

/** Whether anyone in this process holds the lock for `key` (status and tests). */
export function isPollerLockHeld(key: string): boolean {
  return holders.has(key);
}
