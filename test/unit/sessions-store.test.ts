/** SqliteSessionStore over a real store file: sessions, transcripts, reset, delete, reopening. */
import type { Database } from "bun:sqlite";
import { afterEach, beforeEach, expect, test } from "bun:test";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ModelMessage } from "../../src/agent/model/types.ts";
import { openStore } from "../../src/store/database.ts";
import { SqliteSessionStore, UnknownSessionError } from "../../src/store/sessions.ts";

let dir: string;
let db: Database;
let clock: { now: number };
let ids: number;
let store: SqliteSessionStore;

const open = () => new SqliteSessionStore(db, { now: () => clock.now, newSessionId: () => `sid-${++ids}` });

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "openclaw-sessions-"));
  db = openStore(dir);
  clock = { now: 1_700_000_000_000 };
  ids = 0;
  store = open();
});

afterEach(async () => {
  db.close();
  await rm(dir, { recursive: true, force: true });
});

const user = (content: string): ModelMessage => ({ role: "user", content });
const turn = (...messages: ModelMessage[]) => messages.map((message, i) => ({ ts: clock.now + i, message, runId: "run-1" }));

test("ensure creates once; get returns the same session", () => {
  const created = store.ensure("agent:main:main", "main");
  expect(created).toEqual({
    key: "agent:main:main", agentId: "main", sessionId: "sid-1", createdAtMs: clock.now, updatedAtMs: clock.now,
    label: null, model: null, messageCount: 0, usage: { inputTokens: 0, outputTokens: 0 },
  });
  clock.now += 1000;
  expect(store.ensure("agent:main:main", "main")).toEqual(created);
  expect(store.get("agent:main:main")).toEqual(created);
  expect(store.get("agent:main:other")).toBeNull();
});

test("append numbers entries 1, 2, 3 … and keeps messages exactly; transcript reads oldest first", () => {
  store.ensure("agent:main:main", "main");
  const toolTurn: ModelMessage[] = [
    user("what's in /tmp?"),
    { role: "assistant", content: "", toolCalls: [{ id: "call_1", name: "ls", arguments: { path: "/tmp", deep: false } }] },
    { role: "tool", toolCallId: "call_1", name: "ls", content: "a.txt", isError: false },
  ];
  store.append("agent:main:main", turn(...toolTurn));
  clock.now += 5000;
  store.append("agent:main:main", [{ ts: clock.now, message: { role: "assistant", content: "One file: a.txt ✓" }, runId: null }]);
  const entries = store.transcript("agent:main:main");
  expect(entries.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
  expect(entries.map((e) => e.message)).toEqual([...toolTurn, { role: "assistant", content: "One file: a.txt ✓" }]);
  expect(entries[0]).toEqual({ seq: 1, ts: clock.now - 5000, message: toolTurn[0]!, runId: "run-1" });
  expect(entries[3]!.runId).toBeNull();
  expect(store.get("agent:main:main")).toMatchObject({ messageCount: 4, updatedAtMs: clock.now, createdAtMs: clock.now - 5000 });
  // limit keeps the newest.
  expect(store.transcript("agent:main:main", { limit: 2 }).map((e) => e.seq)).toEqual([3, 4]);
  expect(store.transcript("agent:main:main", { limit: 10 }).map((e) => e.seq)).toEqual([1, 2, 3, 4]);
  expect(store.transcript("agent:main:main", { limit: 0 })).toEqual([]);
  expect(store.transcript("agent:main:unknown")).toEqual([]);
});

test("append is all or nothing: a failing entry leaves no half turn", () => {
  store.ensure("agent:main:main", "main");
  store.append("agent:main:main", turn(user("first")));
  const circular: Record<string, unknown> = {};
  circular.self = circular;
  const broken = { role: "assistant", content: "", toolCalls: [{ id: "c", name: "x", arguments: circular }] } as ModelMessage;
  expect(() => store.append("agent:main:main", turn(user("second"), broken))).toThrow();
  expect(store.transcript("agent:main:main").map((e) => e.message)).toEqual([user("first")]);
  expect(store.get("agent:main:main")!.messageCount).toBe(1);
});

test("appending or counting usage for an unknown key throws UnknownSessionError; an empty append is a no-op", () => {
  expect(() => store.append("agent:main:gone", turn(user("hi")))).toThrow(UnknownSessionError);
  expect(() => store.addUsage("agent:main:gone", { inputTokens: 1, outputTokens: 1 })).toThrow("no session agent:main:gone");
  let caught: unknown;
  try {
    store.append("agent:main:gone", []);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(UnknownSessionError);
  expect(caught).toMatchObject({ name: "UnknownSessionError", key: "agent:main:gone" });
  const before = store.ensure("agent:main:main", "main");
  clock.now += 1000;
  store.append("agent:main:main", []);
  expect(store.get("agent:main:main")).toEqual(before);
});

test("usage adds up over runs", () => {
  store.ensure("agent:main:main", "main");
  store.addUsage("agent:main:main", { inputTokens: 100, outputTokens: 20 });
  store.addUsage("agent:main:main", { inputTokens: 50, outputTokens: 5 });
  expect(store.get("agent:main:main")!.usage).toEqual({ inputTokens: 150, outputTokens: 25 });
});

test("list: newest activity first, filtered by agent, limited", () => {
  for (const [key, agentId] of [["agent:main:a", "main"], ["agent:work:b", "work"], ["agent:main:c", "main"]] as const) {
    store.ensure(key, agentId);
    clock.now += 1000;
  }
  clock.now += 1000;
  store.append("agent:main:a", turn(user("bump")));
  expect(store.list().map((s) => s.key)).toEqual(["agent:main:a", "agent:main:c", "agent:work:b"]);
  expect(store.list({ agentId: "main" }).map((s) => s.key)).toEqual(["agent:main:a", "agent:main:c"]);
  expect(store.list({ agentId: "work" }).map((s) => s.key)).toEqual(["agent:work:b"]);
  expect(store.list({ agentId: "none" })).toEqual([]);
  expect(store.list({ limit: 2 }).map((s) => s.key)).toEqual(["agent:main:a", "agent:main:c"]);
  expect(store.list({ agentId: "main", limit: 1 }).map((s) => s.key)).toEqual(["agent:main:a"]);
  // agent:main:c was last active at start + 2000; a was bumped at start + 4000.
  const start = 1_700_000_000_000;
  expect(store.list({ updatedSinceMs: start + 2000 }).map((s) => s.key)).toEqual(["agent:main:a", "agent:main:c"]);
  expect(store.list({ updatedSinceMs: start + 2001 }).map((s) => s.key)).toEqual(["agent:main:a"]);
  expect(store.list({ agentId: "work", updatedSinceMs: start + 2000 })).toEqual([]);
});

test("patch sets, keeps and clears fields; unknown keys give null", () => {
  store.ensure("agent:main:main", "main");
  clock.now += 1000;
  expect(store.patch("agent:main:main", { label: "Planning", model: "openai/gpt-4o-mini" })).toMatchObject({ label: "Planning", model: "openai/gpt-4o-mini", updatedAtMs: clock.now });
  expect(store.patch("agent:main:main", { model: null })).toMatchObject({ label: "Planning", model: null });
  expect(store.patch("agent:main:main", {})).toMatchObject({ label: "Planning", model: null });
  expect(store.patch("agent:main:nope", { label: "x" })).toBeNull();
});

test("reset starts a new conversation: new id, empty transcript, zero usage; label and model stay", () => {
  store.ensure("agent:main:main", "main");
  store.patch("agent:main:main", { label: "Keep me", model: "anthropic/claude-sonnet-4-5" });
  store.append("agent:main:main", turn(user("old"), { role: "assistant", content: "old answer" }));
  store.addUsage("agent:main:main", { inputTokens: 9, outputTokens: 3 });
  clock.now += 60_000;
  const reset = store.reset("agent:main:main")!;
  expect(reset).toEqual({
    key: "agent:main:main", agentId: "main", sessionId: "sid-2", createdAtMs: clock.now, updatedAtMs: clock.now,
    label: "Keep me", model: "anthropic/claude-sonnet-4-5", messageCount: 0, usage: { inputTokens: 0, outputTokens: 0 },
  });
  expect(store.transcript("agent:main:main")).toEqual([]);
  // The old conversation's rows are gone, not orphaned.
  expect(db.query("SELECT COUNT(*) AS n FROM transcript_entries WHERE session_id = 'sid-1'").get()).toEqual({ n: 0 });
  store.append("agent:main:main", turn(user("new")));
  expect(store.transcript("agent:main:main").map((e) => [e.seq, e.message])).toEqual([[1, user("new")]]);
  expect(store.reset("agent:main:nope")).toBeNull();
});

test("delete removes the session and its transcript; deleting again says false", () => {
  store.ensure("agent:main:x", "main");
  store.append("agent:main:x", turn(user("bye")));
  expect(store.delete("agent:main:x")).toBe(true);
  expect(store.get("agent:main:x")).toBeNull();
  expect(store.transcript("agent:main:x")).toEqual([]);
  expect(db.query("SELECT COUNT(*) AS n FROM transcript_entries").get()).toEqual({ n: 0 });
  expect(store.delete("agent:main:x")).toBe(false);
  // The key can start over.
  expect(store.ensure("agent:main:x", "main").messageCount).toBe(0);
});

test("sessions and transcripts survive closing and reopening the store file", () => {
  store.ensure("agent:main:main", "main");
  store.patch("agent:main:main", { label: "Durable" });
  store.append("agent:main:main", turn(user("remember this"), { role: "assistant", content: "noted" }));
  store.addUsage("agent:main:main", { inputTokens: 7, outputTokens: 2 });
  const before = store.get("agent:main:main");
  db.close();

  db = openStore(dir);
  store = open();
  expect(store.get("agent:main:main")).toEqual(before);
  expect(store.transcript("agent:main:main").map((e) => e.message)).toEqual([user("remember this"), { role: "assistant", content: "noted" }]);
  store.append("agent:main:main", turn(user("and this")));
  expect(store.transcript("agent:main:main").map((e) => e.seq)).toEqual([1, 2, 3]);
});
