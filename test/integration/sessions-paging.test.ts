/**
 * What the control UI's Sessions and Chat pages need from the gateway: `sessions.list` paging
 * (`offset`, `total`, `hasMore`, `nextOffset`) and search, and `agents.list` for the agent picker.
 * Sessions are seeded through a second connection to the gateway's own store file.
 */
import { describe, expect, test } from "bun:test";
import { openStore } from "../../src/store/database.ts";
import { SqliteSessionStore } from "../../src/store/sessions.ts";
import { startTestGateway, type TestGateway } from "../helpers/gateway.ts";
import { connectClient } from "../helpers/ws-client.ts";

const reader = (gw: TestGateway) => connectClient(gw.url, { client: { mode: "ui" }, scopes: ["operator.read"] }).then((c) => c.client);

/** `count` sessions `agent:main:s<i>` with strictly older updates for higher i, in one transaction. */
function seed(gw: TestGateway, count: number, label?: (i: number) => string | null) {
  const db = openStore(gw.stateDir);
  let clock = 1_700_000_000_000;
  const store = new SqliteSessionStore(db, { now: () => clock });
  db.transaction(() => {
    for (let i = count - 1; i >= 0; i--) {
      clock += 1000;
      store.ensure(`agent:main:s${i}`, "main");
      const text = label?.(i);
      if (text) store.patch(`agent:main:s${i}`, { label: text });
    }
  })();
  db.close();
}

describe("sessions.list paging and search", () => {
  test("offset pages through the newest-first order; total and hasMore say what is left", async () => {
    await using gw = await startTestGateway();
    seed(gw, 25);
    const op = await reader(gw);
    const first = (await op.rpc("sessions.list", { limit: 10 })).payload;
    expect(first).toMatchObject({ count: 10, total: 25, hasMore: true, nextOffset: 10 });
    expect(first.sessions.map((s: any) => s.key)).toEqual(Array.from({ length: 10 }, (_, i) => `agent:main:s${i}`));
    const last = (await op.rpc("sessions.list", { limit: 10, offset: 20 })).payload;
    expect(last).toMatchObject({ count: 5, total: 25, hasMore: false });
    expect(last).not.toContainKey("nextOffset");
    expect(last.sessions.map((s: any) => s.key)).toEqual(["agent:main:s20", "agent:main:s21", "agent:main:s22", "agent:main:s23", "agent:main:s24"]);
    expect((await op.rpc("sessions.list", { limit: 10, offset: 99 })).payload).toMatchObject({ count: 0, total: 25, hasMore: false, sessions: [] });
    expect((await op.rpc("sessions.list", { offset: -1 })).error.message).toBe("invalid sessions.list params: at /offset: must be >= 0");
    op.close();
  });

  test("search matches a substring of the key or the label, ignoring case; % and _ are plain characters", async () => {
    await using gw = await startTestGateway();
    seed(gw, 30, (i) => (i === 7 ? "Holiday_Plans 100%" : null));
    const op = await reader(gw);
    const keys = async (params: Record<string, unknown>) => (await op.rpc("sessions.list", params)).payload;
    // s1, s10…s19 contain "s1".
    const ones = await keys({ search: "S1", limit: 5 });
    expect(ones).toMatchObject({ total: 11, count: 5, hasMore: true, nextOffset: 5 });
    expect(ones.sessions.map((s: any) => s.key)).toEqual(["agent:main:s1", "agent:main:s10", "agent:main:s11", "agent:main:s12", "agent:main:s13"]);
    expect((await keys({ search: "holiday" })).sessions.map((s: any) => s.key)).toEqual(["agent:main:s7"]);
    expect((await keys({ search: "_plans 100%" })).total).toBe(1);
    // Unescaped, `%` and `_` would match every row.
    expect((await keys({ search: "%" })).total).toBe(1);
    expect((await keys({ search: "s_" })).total).toBe(0);
    expect((await keys({ search: "   " })).total).toBe(30);
    expect((await keys({ search: "nothing-like-this" })).payload).toBeUndefined();
    expect(await keys({ search: "nothing-like-this" })).toMatchObject({ total: 0, count: 0, hasMore: false, sessions: [] });
    op.close();
  });

  test("at 10,000 sessions a searched page answers within budget", async () => {
    await using gw = await startTestGateway();
    seed(gw, 10_000);
    const op = await reader(gw);
    const started = performance.now();
    const page = (await op.rpc("sessions.list", { limit: 50, search: "s99" })).payload;
    const elapsed = performance.now() - started;
    // s99, s990…s999, s9900…s9999.
    expect(page).toMatchObject({ total: 111, count: 50, hasMore: true });
    expect(elapsed).toBeLessThan(100);
    op.close();
  });
});

describe("agents.list", () => {
  test("lists the configured agents with the default first-class, for a picker", async () => {
    await using gw = await startTestGateway({
      config: { agents: { list: [{ id: "Work", name: "Work bot", default: true, identity: { emoji: "🛠" } }, { id: "home" }] } },
    });
    const op = await reader(gw);
    expect((await op.rpc("agents.list", {})).payload).toEqual({
      defaultId: "work",
      mainKey: "main",
      scope: "per-sender",
      agents: [{ id: "work", name: "Work bot", identity: { emoji: "🛠" } }, { id: "home" }],
    });
    op.close();
  });

  test("without agents.list there is the main agent", async () => {
    await using gw = await startTestGateway();
    const op = await reader(gw);
    expect((await op.rpc("agents.list", {})).payload).toEqual({ defaultId: "main", mainKey: "main", scope: "per-sender", agents: [{ id: "main" }] });
    op.close();
  });
});
