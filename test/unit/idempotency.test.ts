/** The shared idempotency cache: in-flight sharing, stored outcomes, expiry, bounds, and persistence across restarts. */
import { afterAll, expect, test } from "bun:test";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { IdempotencyCache } from "../../src/core/idempotency.ts";
import { RpcError } from "../../src/gateway/rpc/rpc-error.ts";
import { openStore } from "../../src/store/database.ts";
import { IdempotencyRecords } from "../../src/store/idempotency-records.ts";

const dir = await mkdtemp(join(tmpdir(), "openclaw-idem-"));
afterAll(() => rm(dir, { recursive: true, force: true }));
const cacheable = (error: unknown): error is RpcError => error instanceof RpcError;

test("a repeat while running shares the call; after it finished, the stored outcome is replayed", async () => {
  let runs = 0;
  let release!: (value: string) => void;
  const cache = new IdempotencyCache({ records: null, now: Date.now, isCacheableFailure: cacheable });
  const work = () => {
    runs++;
    return new Promise<string>((resolve) => (release = resolve));
  };
  const first = cache.run("k", work, { persist: false });
  const during = cache.lookup("k");
  expect(during).toBeInstanceOf(Promise);
  release("done");
  expect(await first).toEqual({ ok: true, payload: "done" });
  expect(await during).toEqual({ ok: true, payload: "done" });
  expect(cache.lookup("k")).toEqual({ ok: true, payload: "done" });
  expect(runs).toBe(1);
});

test("cacheable failures are stored, other errors are not", async () => {
  const cache = new IdempotencyCache({ records: null, now: Date.now, isCacheableFailure: cacheable });
  expect(await cache.run("a", () => Promise.reject(new RpcError("UNAVAILABLE", "node said no")), { persist: false })).toEqual({
    ok: false,
    error: { code: "UNAVAILABLE", message: "node said no" },
  });
  expect(cache.lookup("a")).toEqual({ ok: false, error: { code: "UNAVAILABLE", message: "node said no" } });
  await expect(cache.run("b", () => Promise.reject(new Error("bug")), { persist: false })).rejects.toThrow("bug");
  expect(cache.lookup("b")).toBeNull();
});

test("entries expire after the TTL and memory stays bounded", async () => {
  let now = 1_000;
  const cache = new IdempotencyCache({ records: null, now: () => now, isCacheableFailure: cacheable, ttlMs: 1000, maxEntries: 3 });
  for (const key of ["a", "b", "c", "d"]) await cache.run(key, async () => key, { persist: false });
  expect(cache.lookup("a")).toBeNull();
  expect(cache.lookup("d")).toEqual({ ok: true, payload: "d" });
  now += 1001;
  expect(cache.lookup("d")).toBeNull();
});

test("persisted outcomes survive a restart (a new cache over the same store)", async () => {
  const db = openStore(dir);
  await new IdempotencyCache({ records: new IdempotencyRecords(db), now: Date.now, isCacheableFailure: cacheable }).run("node.invoke:x", async () => ({ exitCode: 0 }), { persist: true });
  db.close();
  const reopened = openStore(dir);
  const fresh = new IdempotencyCache({ records: new IdempotencyRecords(reopened), now: Date.now, isCacheableFailure: cacheable });
  expect(fresh.lookup("node.invoke:x")).toEqual({ ok: true, payload: { exitCode: 0 } });
  expect(fresh.lookup("node.invoke:y")).toBeNull();
  reopened.close();
});
