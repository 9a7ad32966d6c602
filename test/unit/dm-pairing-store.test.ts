/**
 * SqlitePairingStore over a real store file with an injected clock (channels-and-models.md
 * §3.4): one request per sender, codes unique among pending, 1 h TTL from creation, at most 3
 * pending per account (least recently seen pruned), approval, and reopening.
 */
import type { Database } from "bun:sqlite";
import { afterEach, beforeEach, expect, test } from "bun:test";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PAIRING_CODE_ALPHABET } from "../../src/channels/pairing-codes.ts";
import { openStore } from "../../src/store/database.ts";
import { DM_PAIRING_TTL_MS, SqlitePairingStore, type SqlitePairingStoreOptions } from "../../src/store/dm-pairing.ts";

const T = 1_700_000_000_000;
const MINUTE = 60_000;

let dir: string;
let db: Database;
let clock: { now: number };

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "openclaw-dm-pairing-"));
  db = openStore(dir);
  clock = { now: T };
});

afterEach(async () => {
  db.close();
  await rm(dir, { recursive: true, force: true });
});

const open = (options: SqlitePairingStoreOptions = {}) => new SqlitePairingStore(db, { now: () => clock.now, ...options });

/** A sender of the default Telegram account writing at `now`. */
const ask = (store: SqlitePairingStore, senderId: string, now: number, extra: { accountId?: string; meta?: { name?: string; username?: string } } = {}) =>
  store.requestFor({ channel: "telegram", accountId: extra.accountId ?? "default", senderId, now, ...(extra.meta ? { meta: extra.meta } : {}) });

test("the first message creates a request with a code; repeats get the same one and bump lastSeenAt", () => {
  const store = open();
  const first = ask(store, "42", T, { meta: { name: "Ada", username: "ada" } });
  expect(first).toEqual({
    created: true,
    request: { channel: "telegram", accountId: "default", senderId: "42", code: first.request.code, createdAt: T, lastSeenAt: T, meta: { name: "Ada", username: "ada" } },
  });
  expect(first.request.code).toMatch(/^[ABCDEFGHJKLMNPQRSTUVWXYZ23456789]{8}$/);

  // Only `created` requests are answered with the code, so the sender is not told it every message.
  const repeat = ask(store, "42", T + 10 * MINUTE);
  expect(repeat).toEqual({ created: false, request: { ...first.request, lastSeenAt: T + 10 * MINUTE } });
  // New meta replaces the old; none keeps it.
  expect(ask(store, "42", T + 11 * MINUTE, { meta: { name: "Ada L." } }).request.meta).toEqual({ name: "Ada L." });
  expect(store.list()).toEqual([{ ...first.request, lastSeenAt: T + 11 * MINUTE, meta: { name: "Ada L." } }]);
});

test("a request expires 1 h after it was created, however often the sender repeats; then a new code is made", () => {
  const store = open();
  const first = ask(store, "42", T).request;
  expect(ask(store, "42", T + 59 * MINUTE).created).toBe(false);
  clock.now = T + DM_PAIRING_TTL_MS - 1;
  expect(store.list().map((r) => r.code)).toEqual([first.code]);
  clock.now = T + DM_PAIRING_TTL_MS;
  expect(store.list()).toEqual([]);
  expect(store.approve("telegram", first.code, clock.now)).toBeNull();

  const second = ask(store, "42", T + DM_PAIRING_TTL_MS);
  expect(second.created).toBe(true);
  expect(second.request).toMatchObject({ createdAt: T + DM_PAIRING_TTL_MS, lastSeenAt: T + DM_PAIRING_TTL_MS });
  expect(second.request.code).not.toBe(first.code);
  // `list` takes an explicit time too.
  expect(store.list(undefined, T + 2 * DM_PAIRING_TTL_MS)).toEqual([]);
});

test("at most 3 pending per account: a 4th sender prunes the one seen least recently", () => {
  const store = open();
  const a = ask(store, "a", T).request;
  ask(store, "b", T + 1);
  ask(store, "c", T + 2);
  ask(store, "a", T + 3); // a wrote again, so b is now the least recently seen
  // Other accounts and channels have their own three.
  ask(store, "x", T + 4, { accountId: "work" });
  const other = store.requestFor({ channel: "whatsapp", accountId: "default", senderId: "+15550001", now: T + 4 });
  const d = ask(store, "d", T + 5);
  expect(d.created).toBe(true);
  const pending = store.list("telegram", T + 5);
  expect(pending.filter((r) => r.accountId === "default").map((r) => r.senderId)).toEqual(["a", "c", "d"]);
  expect(pending.filter((r) => r.accountId === "work").map((r) => r.senderId)).toEqual(["x"]);
  expect(store.list("whatsapp", T + 5)).toEqual([other.request]);
  // a kept its code through the prune.
  expect(pending[0]!.code).toBe(a.code);
  // b's code is gone; b asking again starts over (and prunes c, now the least recent).
  expect(ask(store, "b", T + 6).created).toBe(true);
  expect(store.list("telegram", T + 6).filter((r) => r.accountId === "default").map((r) => r.senderId)).toEqual(["a", "d", "b"]);
});

test("a new request is never pruned by its own arrival, even when the clock stepped back", () => {
  const store = open();
  for (const sender of ["a", "b", "c"]) ask(store, sender, T + 10 * MINUTE);
  const late = ask(store, "d", T);
  expect(late.created).toBe(true);
  expect(store.list("telegram", T).map((r) => r.senderId).sort()).toEqual(["b", "c", "d"]);
});

test("codes are unique among pending requests: a drawn code already in use is drawn again", () => {
  // Plays "AAAAAAAA" for every draw until the second request, which then gets "BBBBBBBB".
  let draws = 0;
  const random = () => (draws++ < 16 ? 0 : 1);
  const store = open({ random });
  expect(ask(store, "a", T).request.code).toBe("AAAAAAAA");
  expect(ask(store, "b", T).request.code).toBe("BBBBBBBB");
  expect(draws).toBe(24);
  // Once "AAAAAAAA" expired, it may be issued again.
  draws = 0;
  expect(ask(store, "c", T + DM_PAIRING_TTL_MS).request.code).toBe(PAIRING_CODE_ALPHABET[0]!.repeat(8));
});

test("approve lets the sender in once: any case, the code's own account, or the named one", () => {
  const store = open();
  const ada = ask(store, "42", T, { meta: { username: "ada" } }).request;
  const bob = ask(store, "77", T, { accountId: "work" }).request;
  expect(store.isAllowed("telegram", "default", "42")).toBe(false);

  expect(store.approve("whatsapp", ada.code, T + 1)).toBeNull();
  expect(store.approve("telegram", ada.code, T + 1, "work")).toBeNull();
  expect(store.approve("telegram", "ZZZZZZZZ", T + 1)).toBeNull();
  expect(store.approve("telegram", ` ${ada.code.toLowerCase()} `, T + 1)).toEqual(ada);
  expect(store.isAllowed("telegram", "default", "42")).toBe(true);
  // Approval is per channel account.
  expect(store.isAllowed("telegram", "work", "42")).toBe(false);
  expect(store.approve("telegram", ada.code, T + 2)).toBeNull();

  expect(store.approve("telegram", bob.code, T + 3, "work")).toEqual(bob);
  expect(store.allowed("telegram", "work")).toEqual(["77"]);
  expect(store.list()).toEqual([]);
});

test("allowed senders are listed in approval order", () => {
  const store = open();
  const codes = ["3", "1", "2"].map((sender, i) => ask(store, sender, T + i).request.code);
  store.approve("telegram", codes[2]!, T + 10);
  store.approve("telegram", codes[0]!, T + 20);
  store.approve("telegram", codes[1]!, T + 30);
  expect(store.allowed("telegram", "default")).toEqual(["2", "3", "1"]);
  expect(store.allowed("telegram", "other")).toEqual([]);
});

test("pending requests and approved senders survive a reopen", () => {
  const store = open();
  const waiting = ask(store, "42", T).request;
  store.approve("telegram", ask(store, "77", T).request.code, T + 1);
  db.close();
  db = openStore(dir);
  const after = open();
  expect(after.list()).toEqual([waiting]);
  expect(after.requestFor({ channel: "telegram", accountId: "default", senderId: "42", now: T + 2 })).toEqual({ created: false, request: { ...waiting, lastSeenAt: T + 2 } });
  expect(after.isAllowed("telegram", "default", "77")).toBe(true);
});
