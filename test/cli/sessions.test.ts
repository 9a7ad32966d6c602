/**
 * `openclaw sessions …`: the real CLI against an in-process gateway. Sessions are written into
 * the gateway's sqlite file through a second connection with its own clock, so the "updated"
 * column is a fixed distance in the past.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { rm } from "node:fs/promises";
import type { ModelMessage } from "../../src/agent/model/types.ts";
import { openStore } from "../../src/store/database.ts";
import { SqliteSessionStore } from "../../src/store/sessions.ts";
import { makeTempHome, startTestGateway, type TestGateway } from "../helpers/gateway.ts";
import { runCli, UNREACHABLE_URL } from "../helpers/cli.ts";

const homes: string[] = [];
afterAll(() => Promise.all(homes.map((dir) => rm(dir, { recursive: true, force: true }))));
async function home(): Promise<string> {
  homes.push(await makeTempHome());
  return homes.at(-1)!;
}

const HOUR = 3_600_000;
const cli = (gw: TestGateway, ...args: string[]) => runCli([...args, "--url", gw.url], { home: gw.home });
const ok = (stdout: string) => ({ code: 0, stdout: `${stdout}\n`, stderr: "" });
const fails = (message: string) => ({ code: 1, stdout: "", stderr: `error: ${message}\n` });

/** Writes sessions as if they were last active `hoursAgo` hours ago. */
function seed(gw: TestGateway, sessions: { key: string; agentId: string; hoursAgo: number; messages: ModelMessage[]; label?: string }[]) {
  const db = openStore(gw.stateDir);
  try {
    for (const s of sessions) {
      const at = Date.now() - s.hoursAgo * HOUR;
      const store = new SqliteSessionStore(db, { now: () => at });
      store.ensure(s.key, s.agentId);
      if (s.label) store.patch(s.key, { label: s.label });
      store.append(s.key, s.messages.map((message) => ({ ts: at, message, runId: null })));
      store.addUsage(s.key, { inputTokens: 10 * s.messages.length, outputTokens: s.messages.length });
    }
  } finally {
    db.close();
  }
}

const two: ModelMessage[] = [{ role: "user", content: "hello" }, { role: "assistant", content: "hi" }];

describe("sessions usage", () => {
  for (const command of ["sessions", "sessions list"]) {
    test(`${command} --help prints usage`, async () => {
      const result = await runCli([...command.split(" "), "--help"], { home: await home() });
      expect(result.code).toBe(0);
      expect(result.stdout).toContain("USAGE");
      expect(result.stdout).toContain("--url");
    });
  }

  test("--help no longer calls it not available", async () => {
    const top = (await runCli(["--help"], { home: await home() })).stdout;
    expect(top).toMatch(/\n\s*sessions\s+List and inspect agent sessions\s*\n/);
  });

  test("bad flags fail in one line before connecting", async () => {
    const run = async (...args: string[]) => runCli(["sessions", "list", ...args, "--url", UNREACHABLE_URL], { home: await home() });
    expect(await run("--limit", "0")).toEqual(fails("invalid --limit 0: use a whole number between 1 and 10000"));
    expect(await run("--limit", "lots")).toEqual(fails("invalid --limit lots: use a whole number between 1 and 10000"));
    expect(await run("--agent", "not an id")).toEqual(fails("invalid --agent not an id: agent ids are letters, digits, _ and -, at most 64"));
  });
});

describe("openclaw sessions list", () => {
  test("--json prints the gateway's sessions.list result", async () => {
    await using gw = await startTestGateway();
    seed(gw, [
      { key: "agent:main:main", agentId: "main", hoursAgo: 2, messages: two, label: "Daily" },
      { key: "agent:work:telegram:direct:42", agentId: "work", hoursAgo: 5, messages: [two[0]!] },
    ]);
    const result = await cli(gw, "sessions", "list", "--json");
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const listed = JSON.parse(result.stdout);
    expect(listed.count).toBe(2);
    expect(listed.sessions).toEqual([
      expect.objectContaining({ key: "agent:main:main", agentId: "main", label: "Daily", messageCount: 2, usage: { inputTokens: 20, outputTokens: 2 } }),
      expect.objectContaining({ key: "agent:work:telegram:direct:42", agentId: "work", messageCount: 1, usage: { inputTokens: 10, outputTokens: 1 } }),
    ]);
    // The same rows the gateway's store has.
    expect(listed.sessions[0].sessionId).toBe(gw.gateway.services.sessions.get("agent:main:main")!.sessionId);

    const work = JSON.parse((await cli(gw, "sessions", "list", "--json", "--agent", "Work")).stdout);
    expect(work.sessions.map((s: any) => s.key)).toEqual(["agent:work:telegram:direct:42"]);
    const newest = JSON.parse((await cli(gw, "sessions", "list", "--json", "--limit", "1")).stdout);
    expect(newest.sessions.map((s: any) => s.key)).toEqual(["agent:main:main"]);
  });

  test("without --json: a table, newest first; `openclaw sessions` alone lists too", async () => {
    await using gw = await startTestGateway();
    seed(gw, [
      { key: "agent:main:main", agentId: "main", hoursAgo: 2, messages: two, label: "Daily" },
      { key: "agent:work:telegram:direct:42", agentId: "work", hoursAgo: 5, messages: [two[0]!] },
    ]);
    const human = await cli(gw, "sessions", "list");
    expect(human).toEqual(
      ok(
        [
          "key                            label  model  messages  tokens in/out  updated",
          "agent:main:main                Daily  -      2         20/2           2h ago",
          "agent:work:telegram:direct:42  -      -      1         10/1           5h ago",
        ].join("\n"),
      ),
    );
    expect(await cli(gw, "sessions")).toEqual(human);
  });

  test("an empty gateway says so", async () => {
    await using gw = await startTestGateway();
    expect(await cli(gw, "sessions", "list")).toEqual(ok("No sessions."));
  });

  test("a gateway that is not running is a one-line error", async () => {
    const result = await runCli(["sessions", "list", "--url", UNREACHABLE_URL], { home: await home() });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toStartWith(`error: gateway not reachable at ${UNREACHABLE_URL}`);
  });
});
