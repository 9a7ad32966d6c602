/** SqliteInboxStore and SqliteCursorStore over a real store file: dedupe, pending order, done/prune, reopening. */
import type { Database } from "bun:sqlite";
import { afterEach, beforeEach, expect, test } from "bun:test";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { InboundMessage } from "../../src/channels/types.ts";
import { SqliteCursorStore } from "../../src/store/channel-cursors.ts";
import { SqliteInboxStore } from "../../src/store/channel-inbox.ts";
import { openStore } from "../../src/store/database.ts";

let dir: string;
let db: Database;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "openclaw-inbox-"));
  db = openStore(dir);
});

afterEach(async () => {
  db.close();
  await rm(dir, { recursive: true, force: true });
});

/** Closes the file and opens it again, as a restarted gateway would. */
function reopen(): void {
  db.close();
  db = openStore(dir);
}

const T = 1_700_000_000_000;

function message(messageId: string, overrides: Partial<InboundMessage> = {}): InboundMessage {
  return {
    channel: "telegram",
    accountId: "default",
    messageId,
    chat: { id: "42", kind: "direct" },
    sender: { id: "42", name: "Ada", username: "ada" },
    text: `hello ${messageId}`,
    media: [],
    mentioned: false,
    ts: T - 5,
    ...overrides,
  };
}

test("accept stores a message once; a redelivery returns the stored item with isNew false", () => {
  const inbox = new SqliteInboxStore(db);
  const first = inbox.accept(message("1", { media: [{ kind: "image", fileId: "f1", caption: "cat" }], replyTo: { messageId: "0", fromSelf: true } }), T);
  expect(first).toEqual({
    isNew: true,
    item: {
      id: first.item.id,
      message: message("1", { media: [{ kind: "image", fileId: "f1", caption: "cat" }], replyTo: { messageId: "0", fromSelf: true } }),
      state: "pending",
      receivedAt: T,
      doneAt: null,
      note: null,
    },
  });
  // The platform sent it again (a crash before the offset moved): same item, first text kept.
  const again = inbox.accept(message("1", { text: "edited" }), T + 1000);
  expect(again).toEqual({ isNew: false, item: first.item });
  expect(inbox.pending()).toEqual([first.item]);
});

test("the dedupe key is (channel, account, chat, messageId): any part differing makes a new item", () => {
  const inbox = new SqliteInboxStore(db);
  const base = inbox.accept(message("7"), T).item.id;
  const variants = [
    message("7", { channel: "whatsapp" }),
    message("7", { accountId: "work" }),
    message("7", { chat: { id: "-100", kind: "group" } }),
    message("8"),
  ];
  const ids = variants.map((m) => {
    const { item, isNew } = inbox.accept(m, T);
    expect(isNew).toBe(true);
    return item.id;
  });
  expect(new Set([base, ...ids]).size).toBe(5);
});

test("pending lists not-done items oldest first, with a limit; markDone takes an item out", () => {
  const inbox = new SqliteInboxStore(db);
  const [a, b, c] = ["a", "b", "c"].map((id, i) => inbox.accept(message(id), T + i).item);
  expect(inbox.pending().map((i) => i.message.messageId)).toEqual(["a", "b", "c"]);
  expect(inbox.pending(2).map((i) => i.id)).toEqual([a!.id, b!.id]);
  inbox.markDone(b!.id, "refused: pairing", T + 10);
  expect(inbox.pending().map((i) => i.id)).toEqual([a!.id, c!.id]);
  // A done item is still a duplicate: the platform must not make it answered twice.
  const repeat = inbox.accept(message("b"), T + 20);
  expect(repeat).toEqual({ isNew: false, item: { ...b!, state: "done", doneAt: T + 10, note: "refused: pairing" } });
});

test("prune removes done items older than the cutoff only; their ids are never handed out again", () => {
  const inbox = new SqliteInboxStore(db);
  const old = inbox.accept(message("old"), T).item;
  const recent = inbox.accept(message("recent"), T).item;
  const open = inbox.accept(message("open"), T).item;
  inbox.markDone(old.id, "replied", T + 100);
  inbox.markDone(recent.id, "replied", T + 5000);
  expect(inbox.prune(T + 1000)).toBe(1);
  expect(inbox.prune(T + 1000)).toBe(0);
  expect(inbox.pending().map((i) => i.id)).toEqual([open.id]);
  // Pruned, the old message counts as new again (dedupe is for redeliveries, not forever).
  inbox.markDone(open.id, "replied", T + 100);
  expect(inbox.prune(T + 1000)).toBe(1);
  const next = inbox.accept(message("newest"), T + 2000).item;
  // Replies are keyed by inbox id, so an id is never reused even after the newest rows were pruned.
  expect(next.id).toBeGreaterThan(open.id);
});

test("the inbox survives a reopen: pending items come back as they were", () => {
  const inbox = new SqliteInboxStore(db);
  const waiting = inbox.accept(message("w"), T).item;
  const answered = inbox.accept(message("x"), T).item;
  inbox.markDone(answered.id, "replied", T + 1);
  reopen();
  const after = new SqliteInboxStore(db);
  expect(after.pending()).toEqual([waiting]);
  expect(after.accept(message("x"), T + 2)).toEqual({ isNew: false, item: { ...answered, state: "done", doneAt: T + 1, note: "replied" } });
});

test("cursors: per channel account, overwritten in place, kept across a reopen", () => {
  const cursors = new SqliteCursorStore(db);
  expect(cursors.get("telegram", "default")).toBeNull();
  cursors.set("telegram", "default", "100");
  cursors.set("telegram", "work", "7");
  cursors.set("telegram", "default", "101");
  reopen();
  const after = new SqliteCursorStore(db);
  expect(after.get("telegram", "default")).toBe("101");
  expect(after.get("telegram", "work")).toBe("7");
  expect(after.get("whatsapp", "default")).toBeNull();
});
