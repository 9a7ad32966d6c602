/**
 * `sessions.*` against a real gateway. Sessions are seeded through the gateway's own store
 * (the agent runtime is what writes them in production).
 */
import { describe, expect, test } from "bun:test";
import type { ModelMessage } from "../../src/agent/model/types.ts";
import { openStore } from "../../src/store/database.ts";
import { SqliteSessionStore } from "../../src/store/sessions.ts";
import { startTestGateway, type TestGateway } from "../helpers/gateway.ts";
import { connectClient } from "../helpers/ws-client.ts";

const admin = (gw: TestGateway) => connectClient(gw.url, { client: { mode: "ui" } }).then((c) => c.client);
const reader = (gw: TestGateway) => connectClient(gw.url, { client: { mode: "ui" }, scopes: ["operator.read"] }).then((c) => c.client);

function seed(gw: TestGateway, key: string, agentId: string, messages: ModelMessage[]) {
  const store = gw.gateway.services.sessions;
  store.ensure(key, agentId);
  store.append(key, messages.map((message) => ({ ts: Date.now(), message, runId: "run-1" })));
  return store.get(key)!;
}

const chat: ModelMessage[] = [
  { role: "user", content: "What is in\n\n  my   inbox?" },
  { role: "assistant", content: "", toolCalls: [{ id: "c1", name: "mail_list", arguments: {} }] },
  { role: "tool", toolCallId: "c1", name: "mail_list", content: "3 unread" },
  { role: "assistant", content: `You have 3 unread messages. ${"More detail. ".repeat(40)}` },
];

describe("sessions.list", () => {
  test("lists sessions newest first with counts and usage; filters by agent; limits", async () => {
    await using gw = await startTestGateway();
    const main = seed(gw, "agent:main:main", "main", chat);
    gw.gateway.services.sessions.addUsage("agent:main:main", { inputTokens: 120, outputTokens: 30 });
    gw.gateway.services.sessions.patch("agent:main:main", { label: "Inbox", model: "openai/gpt-4o-mini" });
    seed(gw, "agent:work:telegram:direct:42", "work", [{ role: "user", content: "hi" }]);
    const op = await reader(gw);

    const all = await op.rpc("sessions.list", {});
    expect(all.ok).toBe(true);
    expect(Number.isInteger(all.payload.ts)).toBe(true);
    expect(all.payload.count).toBe(2);
    const rows = all.payload.sessions;
    expect(rows.map((s: any) => s.key).sort()).toEqual(["agent:main:main", "agent:work:telegram:direct:42"]);
    const row = rows.find((s: any) => s.key === "agent:main:main");
    const current = gw.gateway.services.sessions.get("agent:main:main")!;
    expect(row).toEqual({
      key: "agent:main:main", agentId: "main", sessionId: main.sessionId, createdAt: main.createdAtMs, updatedAt: current.updatedAtMs,
      label: "Inbox", model: "openai/gpt-4o-mini", messageCount: 4, usage: { inputTokens: 120, outputTokens: 30 },
    });
    // No label or model: the fields are left out.
    expect(rows.find((s: any) => s.agentId === "work")).not.toContainKeys(["label", "model"]);
    // Newest first by updatedAt.
    expect(rows.map((s: any) => s.updatedAt)).toEqual([...rows.map((s: any) => s.updatedAt)].sort((a: number, b: number) => b - a));

    expect((await op.rpc("sessions.list", { agentId: "Work" })).payload.sessions.map((s: any) => s.key)).toEqual(["agent:work:telegram:direct:42"]);
    expect((await op.rpc("sessions.list", { limit: 1 })).payload.count).toBe(1);
    expect((await op.rpc("sessions.list", { limit: 0 })).error.message).toBe("invalid sessions.list params: at /limit: must be >= 1");
    op.close();
  });

  test("activeMinutes keeps the sessions active that recently", async () => {
    await using gw = await startTestGateway();
    seed(gw, "agent:main:main", "main", chat);
    // An older session, written through a second connection to the store file with its own clock.
    const db = openStore(gw.stateDir);
    new SqliteSessionStore(db, { now: () => Date.now() - 3 * 3_600_000 }).ensure("agent:main:old", "main");
    db.close();
    const op = await reader(gw);
    expect((await op.rpc("sessions.list", {})).payload.sessions.map((s: any) => s.key)).toEqual(["agent:main:main", "agent:main:old"]);
    expect((await op.rpc("sessions.list", { activeMinutes: 60 })).payload.sessions.map((s: any) => s.key)).toEqual(["agent:main:main"]);
    expect((await op.rpc("sessions.list", { activeMinutes: 240 })).payload.count).toBe(2);
    op.close();
  });

  test("an empty gateway lists nothing", async () => {
    await using gw = await startTestGateway();
    const op = await reader(gw);
    expect((await op.rpc("sessions.list", {})).payload).toMatchObject({ count: 0, sessions: [] });
    op.close();
  });
});

describe("sessions.preview", () => {
  test("the last messages as short one-line texts; missing and invalid keys say so", async () => {
    await using gw = await startTestGateway();
    seed(gw, "agent:main:main", "main", chat);
    gw.gateway.services.sessions.ensure("agent:main:empty", "main");
    const op = await reader(gw);

    const res = await op.rpc("sessions.preview", { keys: ["main", "agent:main:empty", "agent:main:nobody", "bad key"], maxChars: 40 });
    expect(res.ok).toBe(true);
    expect(res.payload.previews).toEqual([
      {
        key: "main",
        status: "ok",
        items: [
          { role: "user", text: "What is in my inbox?" },
          { role: "assistant", text: "[mail_list]" },
          { role: "tool", text: "3 unread" },
          { role: "assistant", text: `${"You have 3 unread messages. More detail.".slice(0, 39)}…` },
        ],
      },
      { key: "agent:main:empty", status: "empty", items: [] },
      { key: "agent:main:nobody", status: "missing", items: [] },
      { key: "bad key", status: "error", items: [] },
    ]);

    // `key` is shorthand for one; `limit` keeps the newest.
    const one = await op.rpc("sessions.preview", { key: "agent:main:main", limit: 1 });
    expect(one.payload.previews).toEqual([{ key: "agent:main:main", status: "ok", items: [{ role: "assistant", text: expect.stringMatching(/^You have 3 unread messages\. More detail\. .*…$/) }] }]);
    expect(one.payload.previews[0].items[0].text).toHaveLength(240);

    expect((await op.rpc("sessions.preview", {})).error).toEqual({ code: "INVALID_REQUEST", message: "invalid sessions.preview params: key or keys required" });
    expect((await op.rpc("sessions.preview", { keys: ["main"], maxChars: 5 })).error.code).toBe("INVALID_REQUEST");
    op.close();
  });
});

describe("sessions.patch / reset / delete", () => {
  test("patch labels a session and pins a model; blank and null clear; an unknown key is created", async () => {
    await using gw = await startTestGateway();
    const op = await admin(gw);
    const created = await op.rpc("sessions.patch", { key: "Agent:Main:Planning", label: "  Planning  " });
    expect(created.ok).toBe(true);
    expect(created.payload).toMatchObject({ ok: true, key: "agent:main:planning", entry: { key: "agent:main:planning", agentId: "main", label: "Planning", messageCount: 0 } });
    expect(created.payload.entry).not.toContainKey("model");

    const pinned = await op.rpc("sessions.patch", { key: "agent:main:planning", model: "anthropic/claude-sonnet-4-5" });
    expect(pinned.payload.entry).toMatchObject({ label: "Planning", model: "anthropic/claude-sonnet-4-5", sessionId: created.payload.entry.sessionId });
    const cleared = await op.rpc("sessions.patch", { key: "agent:main:planning", label: "", model: null });
    expect(cleared.payload.entry).not.toContainKeys(["label", "model"]);
    expect(gw.gateway.services.sessions.get("agent:main:planning")).toMatchObject({ label: null, model: null });

    expect((await op.rpc("sessions.patch", { key: "agent:x y:z" })).error).toEqual({ code: "INVALID_REQUEST", message: "invalid session key: agent:x y:z" });
    expect((await op.rpc("sessions.patch", { key: "main", label: "x".repeat(65) })).error.code).toBe("INVALID_REQUEST");
    op.close();
  });

  test("reset gives a new session id and an empty transcript, keeping the label", async () => {
    await using gw = await startTestGateway();
    const before = seed(gw, "agent:main:main", "main", chat);
    gw.gateway.services.sessions.patch("agent:main:main", { label: "Inbox" });
    const op = await admin(gw);
    const res = await op.rpc("sessions.reset", { key: "main", reason: "reset" });
    expect(res.ok).toBe(true);
    expect(res.payload).toMatchObject({ ok: true, key: "agent:main:main", entry: { label: "Inbox", messageCount: 0, usage: { inputTokens: 0, outputTokens: 0 } } });
    expect(res.payload.entry.sessionId).not.toBe(before.sessionId);
    expect(gw.gateway.services.sessions.transcript("agent:main:main")).toEqual([]);
    await gw.waitForLog(`session agent:main:main reset (new session id ${res.payload.entry.sessionId})`);

    // Resetting a key that has no session yet starts one.
    const fresh = await op.rpc("sessions.reset", { key: "agent:main:new" });
    expect(fresh.payload.entry).toMatchObject({ key: "agent:main:new", messageCount: 0 });
    op.close();
  });

  test("delete removes a session; the main session cannot be deleted", async () => {
    await using gw = await startTestGateway();
    seed(gw, "agent:main:main", "main", chat);
    seed(gw, "agent:main:cron:daily", "main", chat);
    const op = await admin(gw);
    expect((await op.rpc("sessions.delete", { key: "cron:daily" })).payload).toEqual({ ok: true, key: "agent:main:cron:daily", deleted: true });
    expect(gw.gateway.services.sessions.get("agent:main:cron:daily")).toBeNull();
    expect((await op.rpc("sessions.delete", { key: "cron:daily" })).payload).toEqual({ ok: true, key: "agent:main:cron:daily", deleted: false });
    expect((await op.rpc("sessions.delete", { key: "main" })).error).toEqual({ code: "INVALID_REQUEST", message: "Cannot delete the main session (agent:main:main)." });
    expect(gw.gateway.services.sessions.get("agent:main:main")).not.toBeNull();
    op.close();
  });

  test("the default agent from agents.list owns `main`", async () => {
    await using gw = await startTestGateway({ config: { agents: { list: [{ id: "Work", default: true }] } } });
    const op = await admin(gw);
    expect((await op.rpc("sessions.patch", { key: "main", label: "Work chat" })).payload.key).toBe("agent:work:main");
    expect((await op.rpc("sessions.delete", { key: "agent:work:main" })).error.message).toBe("Cannot delete the main session (agent:work:main).");
    op.close();
  });
});

describe("scopes", () => {
  test("read may list and preview; patch, reset and delete need admin", async () => {
    await using gw = await startTestGateway();
    seed(gw, "agent:main:x", "main", chat);
    const op = await reader(gw);
    expect((await op.rpc("sessions.list", {})).ok).toBe(true);
    expect((await op.rpc("sessions.preview", { key: "agent:main:x" })).ok).toBe(true);
    for (const [method, params] of [["sessions.patch", { key: "agent:main:x", label: "no" }], ["sessions.reset", { key: "agent:main:x" }], ["sessions.delete", { key: "agent:main:x" }]] as const) {
      const res = await op.rpc(method, params);
      expect([method, res.error?.code, res.error?.message]).toEqual([method, "FORBIDDEN", "missing scope: operator.admin"]);
    }
    expect(gw.gateway.services.sessions.get("agent:main:x")).toMatchObject({ label: null, messageCount: 4 });
    op.close();
  });
});
