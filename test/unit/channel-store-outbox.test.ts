/** SqliteOutboxStore over a real store file: idempotent enqueue, due order, backoff, crash leftovers, depth, reopening. */
import type { Database } from "bun:sqlite";
import { afterEach, beforeEach, expect, test } from "bun:test";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { EnqueueRequest } from "../../src/channels/store-types.ts";
import { SqliteOutboxStore } from "../../src/store/channel-outbox.ts";
import { openStore } from "../../src/store/database.ts";

let dir: string;
let db: Database;
let outbox: SqliteOutboxStore;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "openclaw-outbox-"));
  db = openStore(dir);
  outbox = new SqliteOutboxStore(db);
});

afterEach(async () => {
  db.close();
  await rm(dir, { recursive: true, force: true });
});

/** Closes the file and opens it again, as a restarted gateway would. */
function reopen(): void {
  db.close();
  db = openStore(dir);
  outbox = new SqliteOutboxStore(db);
}

const T = 1_700_000_000_000;

const request = (idempotencyKey: string, overrides: Partial<EnqueueRequest> = {}): EnqueueRequest => ({
  idempotencyKey,
  channel: "telegram",
  accountId: "default",
  message: { to: "42", text: `text of ${idempotencyKey}` },
  now: T,
  ...overrides,
});

test("enqueue stores an item once per key; a repeat returns the first with isNew false", () => {
  const first = outbox.enqueue(request("send:k1", { message: { to: "42", text: "hi", media: [{ source: "https://example.com/a.png", kind: "image" }], replyToMessageId: "9" } }));
  expect(first).toEqual({
    isNew: true,
    item: {
      id: first.item.id,
      idempotencyKey: "send:k1",
      channel: "telegram",
      accountId: "default",
      message: { to: "42", text: "hi", media: [{ source: "https://example.com/a.png", kind: "image" }], replyToMessageId: "9" },
      state: "pending",
      attempts: 0,
      nextAttemptAt: T,
      createdAt: T,
      sentAt: null,
      result: null,
      lastError: null,
      inboxId: null,
    },
  });
  // A retried `send` with other text still means the first one.
  expect(outbox.enqueue(request("send:k1", { message: { to: "42", text: "changed" }, now: T + 5 }))).toEqual({ isNew: false, item: first.item });
  expect(outbox.get("send:k1")).toEqual(first.item);
  expect(outbox.byId(first.item.id)).toEqual(first.item);
  expect(outbox.get("send:nope")).toBeNull();
  expect(outbox.byId(first.item.id + 100)).toBeNull();
  expect(outbox.enqueue(request("reply:3:0", { inboxId: 3 })).item.inboxId).toBe(3);
});

test("due returns items whose time has come, oldest first, with a limit", () => {
  const a = outbox.enqueue(request("a", { now: T })).item;
  const b = outbox.enqueue(request("b", { now: T + 10 })).item;
  const c = outbox.enqueue(request("c", { now: T + 20 })).item;
  expect(outbox.due(T - 1)).toEqual([]);
  expect(outbox.due(T + 10).map((i) => i.idempotencyKey)).toEqual(["a", "b"]);
  expect(outbox.due(T + 20, 2).map((i) => i.id)).toEqual([a.id, b.id]);
  // A rescheduled item waits for its time, then comes back in its place (by age, not by retry time).
  outbox.markSending(a.id);
  outbox.reschedule(a.id, T + 1000, "429: retry after 1s");
  expect(outbox.due(T + 999).map((i) => i.id)).toEqual([b.id, c.id]);
  expect(outbox.due(T + 1000).map((i) => i.id)).toEqual([a.id, b.id, c.id]);
});

test("backoff fields: attempts count each start, reschedule keeps the error and the next time", () => {
  const { id } = outbox.enqueue(request("k")).item;
  outbox.markSending(id);
  expect(outbox.byId(id)).toMatchObject({ state: "sending", attempts: 1, nextAttemptAt: T, lastError: null });
  outbox.reschedule(id, T + 2000, "ETIMEDOUT");
  expect(outbox.byId(id)).toMatchObject({ state: "pending", attempts: 1, nextAttemptAt: T + 2000, lastError: "ETIMEDOUT" });
  outbox.markSending(id);
  outbox.reschedule(id, T + 6000, "502 Bad Gateway");
  expect(outbox.byId(id)).toMatchObject({ state: "pending", attempts: 2, nextAttemptAt: T + 6000, lastError: "502 Bad Gateway" });
  outbox.markSending(id);
  outbox.markFailed(id, "400: chat not found");
  expect(outbox.byId(id)).toMatchObject({ state: "failed", attempts: 3, lastError: "400: chat not found", sentAt: null });
  // A final failure is never due again.
  expect(outbox.due(T + 1_000_000)).toEqual([]);
});

test("sent items are done: result and time kept, not due, not counted", () => {
  const { id } = outbox.enqueue(request("k")).item;
  outbox.markSending(id);
  outbox.markSent(id, { messageId: "555", chatId: "42" }, T + 30);
  expect(outbox.get("k")).toMatchObject({ state: "sent", attempts: 1, sentAt: T + 30, result: { messageId: "555", chatId: "42" } });
  expect(outbox.due(T + 1000)).toEqual([]);
  expect(outbox.depth()).toEqual({ count: 0, oldestCreatedAt: null });
  // The key still answers a repeat with the sent item.
  expect(outbox.enqueue(request("k")).isNew).toBe(false);
});

test("depth counts pending and sending, with the oldest creation time", () => {
  expect(outbox.depth()).toEqual({ count: 0, oldestCreatedAt: null });
  const first = outbox.enqueue(request("a", { now: T + 5 })).item;
  outbox.enqueue(request("b", { now: T + 9 }));
  const sent = outbox.enqueue(request("c", { now: T })).item;
  outbox.markSending(first.id);
  outbox.markSent(sent.id, { messageId: "1", chatId: "42" }, T + 10);
  expect(outbox.depth()).toEqual({ count: 2, oldestCreatedAt: T + 5 });
});

test("after a reopen, items left sending by a crash are due again with everything they had", () => {
  const crashed = outbox.enqueue(request("crashed", { now: T })).item;
  const waiting = outbox.enqueue(request("waiting", { now: T + 1 })).item;
  const later = outbox.enqueue(request("later", { now: T + 2 })).item;
  outbox.markSending(crashed.id);
  outbox.reschedule(later.id, T + 60_000, "429");
  reopen();
  const due = outbox.due(T + 10);
  expect(due.map((i) => [i.idempotencyKey, i.state, i.attempts])).toEqual([
    ["crashed", "sending", 1],
    ["waiting", "pending", 0],
  ]);
  expect(outbox.byId(waiting.id)).toEqual(waiting);
  expect(outbox.get("later")).toMatchObject({ state: "pending", nextAttemptAt: T + 60_000, lastError: "429" });
  expect(outbox.depth()).toEqual({ count: 3, oldestCreatedAt: T });
  // The key survived too: replaying the enqueue after the restart does not make a second item.
  expect(outbox.enqueue(request("crashed")).isNew).toBe(false);
});

test("prune removes sent and failed items created before the cut, never waiting ones", () => {
  const sent = outbox.enqueue(request("send:old-sent")).item;
  outbox.markSent(sent.id, { messageId: "1", chatId: "42" }, T);
  const failed = outbox.enqueue(request("send:old-failed")).item;
  outbox.markFailed(failed.id, "refused");
  const waiting = outbox.enqueue(request("send:old-waiting")).item;
  const recent = outbox.enqueue(request("send:recent-sent", { now: T + 1000 })).item;
  outbox.markSent(recent.id, { messageId: "2", chatId: "42" }, T + 1000);
  expect(outbox.prune(T + 500)).toBe(2);
  expect([outbox.get("send:old-sent"), outbox.get("send:old-failed")]).toEqual([null, null]);
  expect(outbox.get("send:old-waiting")?.id).toBe(waiting.id);
  expect(outbox.get("send:recent-sent")?.state).toBe("sent");
});
