/** trimHistory: the newest messages that fit, oldest dropped first, tool exchanges kept whole. */
import { expect, test } from "bun:test";
import type { ModelMessage } from "../../src/agent/model/types.ts";
import { estimateTokens, MESSAGE_OVERHEAD_TOKENS, trimHistory } from "../../src/agent/sessions/history.ts";

const user = (content: string): ModelMessage => ({ role: "user", content });
const assistant = (content: string): ModelMessage => ({ role: "assistant", content });
const calls = (...ids: string[]): ModelMessage => ({ role: "assistant", content: "", toolCalls: ids.map((id) => ({ id, name: "read", arguments: {} })) });
const result = (id: string): ModelMessage => ({ role: "tool", toolCallId: id, name: "read", content: `result ${id}` });
/** Every message costs 10: budgets below are counted in messages. */
const ten = () => 10;

test("the estimate is chars/4 rounded up plus the per-message overhead, counting tool names, ids and arguments", () => {
  expect(estimateTokens(user(""))).toBe(MESSAGE_OVERHEAD_TOKENS);
  expect(estimateTokens(user("abcd"))).toBe(1 + MESSAGE_OVERHEAD_TOKENS);
  expect(estimateTokens(user("abcde"))).toBe(2 + MESSAGE_OVERHEAD_TOKENS);
  // id "c1" + name "read" + '{"path":"/x"}' = 2 + 4 + 13 = 19 chars → 5
  expect(estimateTokens({ role: "assistant", content: "", toolCalls: [{ id: "c1", name: "read", arguments: { path: "/x" } }] })).toBe(5 + MESSAGE_OVERHEAD_TOKENS);
  // "ok" + "c1" + "read" = 8 chars → 2
  expect(estimateTokens({ role: "tool", toolCallId: "c1", name: "read", content: "ok" })).toBe(2 + MESSAGE_OVERHEAD_TOKENS);
});

test("everything fits: returned as is (a copy; the input is not changed)", () => {
  const messages = [user("a"), assistant("b"), user("c")];
  const kept = trimHistory(messages, 1000);
  expect(kept).toEqual(messages);
  expect(kept).not.toBe(messages);
  expect(trimHistory([], 100)).toEqual([]);
});

test("the oldest go first; what is kept is the newest contiguous run", () => {
  const messages = [user("1"), assistant("2"), user("3"), assistant("4"), user("5")];
  expect(trimHistory(messages, 30, ten)).toEqual(messages.slice(2));
  // Exactly at the budget still fits.
  expect(trimHistory(messages, 50, ten)).toEqual(messages);
  expect(trimHistory(messages, 49, ten)).toEqual(messages.slice(1));
});

test("nothing fits: empty, not the newest message over budget", () => {
  expect(trimHistory([user("hello")], 9, ten)).toEqual([]);
  expect(trimHistory([user("hello")], 0, ten)).toEqual([]);
  expect(trimHistory([user("hello")], -5, ten)).toEqual([]);
});

test("a tool call and its results go together: dropped whole when they do not all fit", () => {
  const messages = [user("q"), calls("c1", "c2"), result("c1"), result("c2"), assistant("answer")];
  // 40 fits the exchange (30) and the answer (10), not the question.
  expect(trimHistory(messages, 40, ten)).toEqual(messages.slice(1));
  // 39: the exchange does not fit whole, so neither part stays.
  expect(trimHistory(messages, 39, ten)).toEqual([assistant("answer")]);
  expect(trimHistory(messages, 20, ten)).toEqual([assistant("answer")]);
});

test("a trailing exchange (the run is mid-tool-loop) is kept whole or not at all", () => {
  const messages = [user("q"), calls("c1"), result("c1")];
  expect(trimHistory(messages, 20, ten)).toEqual(messages.slice(1));
  expect(trimHistory(messages, 19, ten)).toEqual([]);
});

test("never starts with a tool message: results whose call is gone, or never was, are dropped (and cost nothing)", () => {
  // Results without a calling assistant message (a transcript cut elsewhere).
  expect(trimHistory([result("c0"), result("c1"), user("q"), assistant("a")], 1000, ten)).toEqual([user("q"), assistant("a")]);
  expect(trimHistory([result("c0"), result("c1"), user("q"), assistant("a")], 20, ten)).toEqual([user("q"), assistant("a")]);
  // An assistant message without tool calls does not own the results after it, wherever they are.
  expect(trimHistory([user("q"), assistant("a"), result("c1")], 20, ten)).toEqual([user("q"), assistant("a")]);
  expect(trimHistory([user("q"), assistant("a"), result("c1"), user("next")], 1000, ten)).toEqual([user("q"), assistant("a"), user("next")]);
  expect(trimHistory([user("q"), assistant("a"), result("c1"), user("next")], 10, ten)).toEqual([user("next")]);
  expect(trimHistory([result("c1")], 1000, ten)).toEqual([]);
  for (const budget of [0, 10, 20, 30, 40, 50, 60, 1000]) {
    const kept = trimHistory([user("q"), calls("c1"), result("c1"), calls("c2"), result("c2"), user("z")], budget, ten);
    expect(kept[0]?.role).not.toBe("tool");
  }
});

test("several exchanges: each is a unit, trimmed from the oldest", () => {
  const messages = [user("q"), calls("a"), result("a"), calls("b"), result("b"), assistant("done")];
  expect(trimHistory(messages, 50, ten)).toEqual(messages.slice(1));
  expect(trimHistory(messages, 49, ten)).toEqual(messages.slice(3));
  expect(trimHistory(messages, 30, ten)).toEqual(messages.slice(3));
  expect(trimHistory(messages, 29, ten)).toEqual(messages.slice(5));
});

test("the default estimate trims by content length", () => {
  const big = "x".repeat(4000); // ~1004 tokens
  const messages = [user(big), assistant("short"), user("latest")];
  expect(trimHistory(messages, 100)).toEqual(messages.slice(1));
  expect(trimHistory(messages, 2000)).toEqual(messages);
});
