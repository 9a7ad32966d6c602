/**
 * The chat page's rules over plain data (src/control-ui/pages/chat/): how `chat` and `agent`
 * events build a reply in progress, when a reply leaves the live list, and how stored messages
 * become text bubbles and tool cards (a result joining its call).
 */
import { describe, expect, test } from "bun:test";
import { applyAgentEvent, applyChatEvent, settleRuns, type LiveRun } from "../../src/control-ui/pages/chat/live-runs.ts";
import { transcriptItems } from "../../src/control-ui/pages/chat/transcript.ts";

const text = (t: string) => ({ content: [{ type: "text", text: t }] });
const chat = (state: "delta" | "final" | "aborted" | "error", extra: Record<string, unknown> = {}) => ({ runId: "r1", sessionKey: "agent:main:main", state, ...extra });

describe("live runs", () => {
  test("deltas carry the whole text so far; final ends the run", () => {
    let runs: LiveRun[] = [];
    runs = applyChatEvent(runs, chat("delta", { message: text("Hel") }));
    runs = applyChatEvent(runs, chat("delta", { message: text("Hello wor") }));
    expect(runs).toEqual([{ runId: "r1", text: "Hello wor", tools: [], state: "running" }]);
    runs = applyChatEvent(runs, chat("final", { message: text("Hello world") }));
    expect(runs[0]).toMatchObject({ text: "Hello world", state: "final" });
    // A late delta does not reopen it.
    expect(applyChatEvent(runs, chat("delta", { message: text("x") }))[0]).toMatchObject({ text: "Hello world", state: "final" });
  });

  test("aborted keeps the partial text (also when the event has none); error keeps the message", () => {
    const partial = applyChatEvent([], chat("delta", { message: text("part") }));
    expect(applyChatEvent(partial, chat("aborted"))[0]).toMatchObject({ text: "part", state: "aborted" });
    expect(applyChatEvent(partial, chat("error", { errorMessage: "HTTP 401" }))[0]).toMatchObject({ state: "error", errorMessage: "HTTP 401" });
    expect(applyChatEvent([], chat("error"))[0]).toMatchObject({ state: "error", errorMessage: "the run failed" });
  });

  test("tool events: start adds a card, result completes it; a result without a start still shows; other streams change nothing", () => {
    const tool = (data: Record<string, unknown>) => ({ runId: "r1", sessionKey: "agent:main:main", stream: "tool", data });
    let runs = applyAgentEvent([], tool({ phase: "start", name: "sessions_list", toolCallId: "c1", args: { limit: 5 } }));
    expect(runs[0]!.tools).toEqual([{ id: "c1", name: "sessions_list", args: { limit: 5 } }]);
    runs = applyAgentEvent(runs, tool({ phase: "result", name: "sessions_list", toolCallId: "c1", result: "3 rows", isError: false }));
    expect(runs[0]!.tools).toEqual([{ id: "c1", name: "sessions_list", args: { limit: 5 }, result: "3 rows", isError: false }]);
    runs = applyAgentEvent(runs, tool({ phase: "result", name: "web_fetch", toolCallId: "c2", result: "refused", isError: true }));
    expect(runs[0]!.tools[1]).toEqual({ id: "c2", name: "web_fetch", args: undefined, result: "refused", isError: true });
    expect(applyAgentEvent(runs, { runId: "r1", stream: "assistant", data: { text: "x" } })).toBe(runs);
    expect(applyAgentEvent(runs, tool({ phase: "start", name: "x" }))).toBe(runs);
  });

  test("settling after a history read: final runs and running runs whose turn is stored leave; stopped and failed stay", () => {
    const run = (runId: string, state: LiveRun["state"]): LiveRun => ({ runId, text: "", tools: [], state });
    const runs = [run("done", "final"), run("missed-end", "running"), run("still", "running"), run("stopped", "aborted"), run("failed", "error")];
    expect(settleRuns(runs, new Set(["done", "missed-end", "stopped", "failed"])).map((r) => r.runId)).toEqual(["still", "stopped", "failed"]);
  });
});

describe("transcript items", () => {
  test("text bubbles, tool calls as cards with their results joined, empty texts left out", () => {
    const items = transcriptItems([
      { role: "user", content: [{ type: "text", text: "inbox?" }], timestamp: 1, runId: "r1" },
      { role: "assistant", content: [{ type: "toolCall", id: "c1", name: "mail_list", arguments: {} }], timestamp: 2, runId: "r1" },
      { role: "tool", content: [{ type: "toolResult", toolCallId: "c1", name: "mail_list", text: "3 unread" }], timestamp: 3, runId: "r1" },
      { role: "tool", content: [{ type: "toolResult", toolCallId: "gone", name: "old_tool", text: "boom", isError: true }], timestamp: 4 },
      { role: "assistant", content: [{ type: "text", text: "" }, { type: "text", text: "You have 3." }], timestamp: 5, runId: "r1" },
    ]);
    expect(items.map((i) => (i.kind === "text" ? [i.role, i.text] : ["tool", i.card]))).toEqual([
      ["user", "inbox?"],
      ["tool", { id: "c1", name: "mail_list", args: {}, result: "3 unread", isError: false }],
      ["tool", { id: "gone", name: "old_tool", args: undefined, result: "boom", isError: true }],
      ["assistant", "You have 3."],
    ]);
    expect(items.map((i) => i.runId)).toEqual(["r1", "r1", undefined, "r1"]);
  });
});
