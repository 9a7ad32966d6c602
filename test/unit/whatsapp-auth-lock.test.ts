/**
 * The per-account auth lock across real processes: a live holder is refused with its pid, a
 * `kill -9`ed one is taken over, a released one is free; within one process a second run waits
 * for the first to let go; a holder we cannot check by pid (another pid namespace) is judged by
 * its heartbeat; and a holder whose row was taken learns it through `lost`.
 */
import type { Database } from "bun:sqlite";
import { afterEach, beforeEach, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { acquireWhatsAppAuthLock, currentProcessIdentity, WhatsAppAuthLockedError, type ProcessIdentity } from "../../src/channels/whatsapp/auth-lock.ts";
import { ChannelFatalError } from "../../src/channels/types.ts";
import { openStore } from "../../src/store/database.ts";
import { WhatsAppAuthLockStore } from "../../src/store/whatsapp-auth-lock.ts";

const src = (path: string) => JSON.stringify(resolve(import.meta.dir, "../../src", path));

/** Holds the lock until told `release` on stdin; prints `held` and `released`. */
const HOLDER = `
import { openStore } from ${src("store/database.ts")};
import { acquireWhatsAppAuthLock, currentProcessIdentity } from ${src("channels/whatsapp/auth-lock.ts")};
const [stateDir, heartbeatMs, pidNs] = process.argv.slice(2);
const db = openStore(stateDir);
const identity = pidNs ? { ...currentProcessIdentity(), pidNs } : undefined;
const lock = await acquireWhatsAppAuthLock({ db, accountId: "default", heartbeatMs: Number(heartbeatMs), identity });
console.log("held");
for await (const line of console) {
  if (line.trim() === "release") {
    lock.release();
    console.log("released");
    process.exit(0);
  }
}
`;

let dir: string;
let db: Database;
const children: Bun.Subprocess[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "openclaw-wa-lock-"));
  db = openStore(dir);
  await writeFile(join(dir, "holder.ts"), HOLDER);
});

afterEach(async () => {
  for (const child of children.splice(0)) child.kill("SIGKILL");
  db.close();
  await rm(dir, { recursive: true, force: true });
});

interface Holder {
  proc: Bun.Subprocess<"pipe", "pipe", "pipe">;
  /** Resolves when the child has printed `line`. */
  printed(line: string): Promise<void>;
}

function startHolder(options: { heartbeatMs?: number; pidNs?: string } = {}): Holder {
  const proc = Bun.spawn([process.execPath, join(dir, "holder.ts"), dir, String(options.heartbeatMs ?? 10_000), options.pidNs ?? ""], {
    stdin: "pipe",
    stdout: "pipe",
    stderr: "pipe",
  });
  children.push(proc);
  let text = "";
  const waiters: (() => void)[] = [];
  void (async () => {
    for await (const chunk of proc.stdout) {
      text += new TextDecoder().decode(chunk);
      for (const wake of waiters.splice(0)) wake();
    }
    for (const wake of waiters.splice(0)) wake();
  })();
  const printed = async (line: string) => {
    while (!text.split("\n").includes(line)) {
      if (proc.exitCode !== null && !text.split("\n").includes(line)) throw new Error(`holder exited (${proc.exitCode}) before printing ${line}; it printed ${JSON.stringify(text)}`);
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
  };
  return { proc, printed };
}

const acquire = (options: { waitMs?: number; heartbeatMs?: number; identity?: ProcessIdentity } = {}) => acquireWhatsAppAuthLock({ db, accountId: "default", ...options });

test("a live gateway's lock is refused with its pid; once it is kill -9ed the lock is taken over", async () => {
  const holder = startHolder();
  await holder.printed("held");
  const refused = await acquire().catch((error: unknown) => error);
  expect(refused).toBeInstanceOf(WhatsAppAuthLockedError);
  expect(refused).toBeInstanceOf(ChannelFatalError);
  expect((refused as Error).message).toBe(`another gateway (pid ${holder.proc.pid}) is using WhatsApp account "default" from this state dir; stop it first`);
  expect((refused as WhatsAppAuthLockedError).holder?.pid).toBe(holder.proc.pid);

  holder.proc.kill("SIGKILL");
  await holder.proc.exited;
  const lock = await acquire();
  expect(lock.tookOverFrom?.pid).toBe(holder.proc.pid);
  expect(new WhatsAppAuthLockStore(db).read("default")?.pid).toBe(process.pid);
  lock.release();
  expect(new WhatsAppAuthLockStore(db).read("default")).toBeNull();
});

test("a lock released on stop is free for the next process", async () => {
  const holder = startHolder();
  await holder.printed("held");
  holder.proc.stdin.write("release\n");
  await holder.printed("released");
  await holder.proc.exited;
  const lock = await acquire();
  expect(lock.tookOverFrom).toBeNull();
  lock.release();
  lock.release();
});

test("while we hold the lock, another process is refused, and takes it once we let go", async () => {
  const lock = await acquire();
  const second = startHolder();
  expect(await second.proc.exited).not.toBe(0);
  expect(await new Response(second.proc.stderr).text()).toContain(`another gateway (pid ${process.pid}) is using WhatsApp account "default" from this state dir; stop it first`);
  lock.release();
  const third = startHolder();
  await third.printed("held");
});

test("within one process a second run is refused, or waits for the first to let go", async () => {
  const first = await acquire();
  await expect(acquire()).rejects.toThrow(`this gateway already has WhatsApp account "default" open; its previous run has not let go yet`);
  const waiting = acquire({ waitMs: 10_000 });
  first.release();
  const second = await waiting;
  expect(second.tookOverFrom).toBeNull();
  second.release();
});

test("a leftover row with our own pid but not held by this process is stale (a container restarted as the same pid)", async () => {
  const me = currentProcessIdentity();
  new WhatsAppAuthLockStore(db).swap(null, { accountId: "default", owner: "old-run", ...me, startedAt: 1, heartbeatAt: 1, heartbeatMs: 10_000 });
  const lock = await acquire();
  expect(lock.tookOverFrom?.owner).toBe("old-run");
  lock.release();
});

test("a holder in another pid namespace is refused while its heartbeat moves and taken over once it stops", async () => {
  const holder = startHolder({ heartbeatMs: 40, pidNs: "pid:[elsewhere]" });
  await holder.printed("held");
  await expect(acquire({ heartbeatMs: 40 })).rejects.toThrow(`another gateway (pid ${holder.proc.pid}) is using WhatsApp account "default"`);
  holder.proc.kill("SIGSTOP");
  // Once the kernel shows it stopped, no heartbeat can land after we look.
  while (readFileSync(`/proc/${holder.proc.pid}/stat`, "utf8").split(") ")[1]?.[0] !== "T") await Bun.sleep(1);
  const lock = await acquire({ heartbeatMs: 40 });
  expect(lock.tookOverFrom?.pid).toBe(holder.proc.pid);
  lock.release();
});

test("a holder whose row another process took over is told through `lost`, and its release leaves the new row alone", async () => {
  const lock = await acquire({ heartbeatMs: 20 });
  const store = new WhatsAppAuthLockStore(db);
  const mine = store.read("default")!;
  const lost = new Promise<unknown>((resolve) => lock.lost.addEventListener("abort", () => resolve(lock.lost.reason), { once: true }));
  store.swap(mine.owner, { ...mine, owner: "usurper", pid: 4_194_305, host: "other-host" });
  const reason = await lost;
  expect(reason).toBeInstanceOf(WhatsAppAuthLockedError);
  expect((reason as Error).message).toBe(`another gateway (pid 4194305 on other-host) took WhatsApp account "default" over while this one was not answering; this one stops`);
  lock.release();
  expect(store.read("default")?.owner).toBe("usurper");
});
