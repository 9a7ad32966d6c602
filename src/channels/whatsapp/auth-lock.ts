/**
 * One process at a time per WhatsApp account auth state (user-needs B3): two gateways on one
 * state dir would connect with the same creds, evict each other with 440 for ever and tear the
 * Signal state apart. The lock is a row in the store that holds the state it guards, with the
 * holder's pid, boot id, pid namespace, process start time and a heartbeat.
 *
 * Whether a holder is alive is decided, in order:
 *  - same kernel boot and pid namespace: the pid is dead, or now belongs to a process that
 *    started at another time → stale; alive with the same start time → alive (refuse at once);
 *  - the pid is ours: alive only if this process holds it (a run not yet wound down), else a
 *    leftover of an earlier process that had our pid (containers restart as pid 1);
 *  - otherwise (another container, a reboot, no /proc): alive if its heartbeat moves within two
 *    of its intervals, stale if it does not.
 * A stale row is replaced by compare-and-swap, so of two processes taking it over one wins.
 * A holder whose row was taken (suspended longer than that window, seen from another pid
 * namespace) learns it on its next heartbeat and `lost` aborts: it must stop, not fight.
 */
import type { Database } from "bun:sqlite";
import { randomUUID } from "node:crypto";
import { readFileSync, readlinkSync } from "node:fs";
import { hostname } from "node:os";
import { WhatsAppAuthLockStore, type AuthLockRow } from "../../store/whatsapp-auth-lock.ts";
import { ChannelFatalError } from "../types.ts";

export const DEFAULT_LOCK_HEARTBEAT_MS = 10_000;

/** What identifies a process for the lock; `currentProcessIdentity()` reads this one's. */
export interface ProcessIdentity {
  pid: number;
  bootId: string | null;
  pidNs: string | null;
  procStart: string | null;
  host: string;
}

/** The account is in use elsewhere; a fatal channel error, so the manager stops instead of retrying. */
export class WhatsAppAuthLockedError extends ChannelFatalError {
  override name = "WhatsAppAuthLockedError";
  constructor(
    message: string,
    /** The holder when it was last seen, if any. */
    readonly holder: AuthLockRow | null,
  ) {
    super(message);
  }
}

export interface AcquireWhatsAppAuthLockOptions {
  /** The gateway store (`openStore`) of the state dir whose account is locked. */
  db: Database;
  accountId: string;
  /** How long to wait for a holder in this same process to let go (a restart of the account). Default 0. */
  waitMs?: number;
  /** How often the holder refreshes its heartbeat. Default 10 000 ms. */
  heartbeatMs?: number;
  /** Gives up waiting (the abort reason is thrown). */
  signal?: AbortSignal;
  /** Wall clock for the row's times. Default `Date.now`. */
  now?: () => number;
  /** Who we are. Default `currentProcessIdentity()`; tests pose as other processes. */
  identity?: ProcessIdentity;
}

export interface WhatsAppAuthLock {
  readonly accountId: string;
  /** The stale holder this lock replaced (a crashed gateway), for the log; null if the row was free. */
  readonly tookOverFrom: AuthLockRow | null;
  /** Aborts (with a `WhatsAppAuthLockedError`) if another process took the account over. */
  readonly lost: AbortSignal;
  /** Lets go; safe to call twice. */
  release(): void;
  [Symbol.dispose](): void;
}

const readText = (path: string): string | null => {
  try {
    return readFileSync(path, "utf8").trim();
  } catch {
    return null;
  }
};

/** Linux: field 22 of `/proc/<pid>/stat` (after the parenthesised name, which may hold spaces). */
function procStartOf(pid: number): string | null {
  const stat = readText(`/proc/${pid}/stat`);
  if (stat === null) return null;
  return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] ?? null;
}

let ours: ProcessIdentity | null = null;

export function currentProcessIdentity(): ProcessIdentity {
  if (ours?.pid === process.pid) return ours;
  let pidNs: string | null = null;
  try {
    pidNs = readlinkSync("/proc/self/ns/pid");
  } catch {
    // not Linux
  }
  ours = { pid: process.pid, bootId: readText("/proc/sys/kernel/random/boot_id"), pidNs, procStart: procStartOf(process.pid), host: hostname() };
  return ours;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, it is just not ours to signal.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Owner tokens of the locks this process holds, with a promise settled on release. */
const heldHere = new Map<string, Promise<void>>();

type Verdict = "stale" | "alive" | "here" | "unknown";

function judge(holder: AuthLockRow, me: ProcessIdentity): Verdict {
  const comparable = holder.bootId === me.bootId && holder.pidNs === me.pidNs && holder.host === me.host;
  if (!comparable) return "unknown";
  if (holder.pid === me.pid) {
    if (holder.procStart !== null && me.procStart !== null && holder.procStart !== me.procStart) return "stale";
    return heldHere.has(holder.owner) ? "here" : "stale";
  }
  if (!isAlive(holder.pid)) return "stale";
  if (holder.procStart === null || me.procStart === null) return "unknown";
  return procStartOf(holder.pid) === holder.procStart ? "alive" : "stale";
}

function pause(ms: number, signal: AbortSignal | undefined, until?: Promise<void>): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      resolve();
    };
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
    void until?.then(done);
  });
}

/** Watches a holder we cannot check by pid: "beating" if its heartbeat moves, "changed" if the row did. */
async function watchHeartbeat(store: WhatsAppAuthLockStore, holder: AuthLockRow, signal: AbortSignal | undefined): Promise<"beating" | "silent" | "changed"> {
  const step = Math.max(20, Math.min(1000, Math.floor(holder.heartbeatMs / 4)));
  const deadline = performance.now() + 2 * holder.heartbeatMs + step;
  while (performance.now() < deadline) {
    await pause(step, signal);
    const now = store.read(holder.accountId);
    if (now?.owner !== holder.owner) return "changed";
    if (now.heartbeatAt !== holder.heartbeatAt) return "beating";
  }
  return "silent";
}

function lockedError(holder: AuthLockRow, me: ProcessIdentity): WhatsAppAuthLockedError {
  if (holder.pid === me.pid && holder.host === me.host) {
    return new WhatsAppAuthLockedError(`this gateway already has WhatsApp account "${holder.accountId}" open; its previous run has not let go yet`, holder);
  }
  const where = holder.host === me.host ? "" : ` on ${holder.host}`;
  return new WhatsAppAuthLockedError(`another gateway (pid ${holder.pid}${where}) is using WhatsApp account "${holder.accountId}" from this state dir; stop it first`, holder);
}

export async function acquireWhatsAppAuthLock(options: AcquireWhatsAppAuthLockOptions): Promise<WhatsAppAuthLock> {
  const { db, accountId, signal } = options;
  const heartbeatMs = options.heartbeatMs ?? DEFAULT_LOCK_HEARTBEAT_MS;
  const now = options.now ?? Date.now;
  const me = options.identity ?? currentProcessIdentity();
  const store = new WhatsAppAuthLockStore(db);
  const owner = randomUUID();
  const waitUntil = performance.now() + (options.waitMs ?? 0);
  for (;;) {
    signal?.throwIfAborted();
    const current = store.read(accountId);
    if (current) {
      const verdict = judge(current, me);
      if (verdict === "here") {
        const left = waitUntil - performance.now();
        if (left <= 0) throw lockedError(current, me);
        await pause(left, signal, heldHere.get(current.owner));
        continue;
      }
      if (verdict === "alive") throw lockedError(current, me);
      if (verdict === "unknown") {
        const seen = await watchHeartbeat(store, current, signal);
        if (seen === "changed") continue;
        if (seen === "beating") throw lockedError(current, me);
      }
    }
    const at = now();
    const row: AuthLockRow = { accountId, owner, ...me, startedAt: at, heartbeatAt: at, heartbeatMs };
    if (store.swap(current?.owner ?? null, row)) return hold(store, row, current, now);
  }
}

function hold(store: WhatsAppAuthLockStore, row: AuthLockRow, tookOverFrom: AuthLockRow | null, now: () => number): WhatsAppAuthLock {
  const lost = new AbortController();
  let settle!: () => void;
  heldHere.set(row.owner, new Promise<void>((resolve) => (settle = resolve)));
  let done = false;
  const finish = () => {
    done = true;
    clearInterval(timer);
    heldHere.delete(row.owner);
    settle();
  };
  const timer = setInterval(() => {
    try {
      if (store.heartbeat(row.accountId, row.owner, now())) return;
      finish();
      const holder = store.read(row.accountId);
      const by = holder ? `another gateway (pid ${holder.pid} on ${holder.host})` : "another process";
      lost.abort(new WhatsAppAuthLockedError(`${by} took WhatsApp account "${row.accountId}" over while this one was not answering; this one stops`, holder));
    } catch (error) {
      // Busy: beat again next time. Anything else (the store was closed): the holder is going away.
      if ((error as { code?: string }).code !== "SQLITE_BUSY") clearInterval(timer);
    }
  }, row.heartbeatMs);
  timer.unref?.();
  const release = () => {
    if (done) return;
    finish();
    try {
      store.release(row.accountId, row.owner);
    } catch {
      // The store is already closed: the row stays, and our pid being gone makes it stale.
    }
  };
  return { accountId: row.accountId, tookOverFrom, lost: lost.signal, release, [Symbol.dispose]: release };
}
