/**
 * OpenAI-compatible requests reduced to a run: which message is the prompt, what is history and
 * system prompt, and which agent and session a request lands in (protocol.md §8.1, §8.2).
 */
import { describe, expect, test } from "bun:test";
import type { Options } from "../../src/config/load.ts";
import { resolveTarget } from "../../src/gateway/http/openai/agent-target.ts";
import { MISSING_USER_MESSAGE, parseChatRequest } from "../../src/gateway/http/openai/chat-request.ts";
import { MISSING_INPUT_MESSAGE, parseResponsesRequest } from "../../src/gateway/http/openai/responses-request.ts";

describe("chat completions body", () => {
  test("system and developer messages are the extra system prompt, the last user message the prompt, earlier turns history", () => {
    const parsed = parseChatRequest({
      model: "openclaw/ops",
      user: " conv-1 ",
      stream: true,
      stream_options: { include_usage: true },
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "first" },
        { role: "assistant", content: "one" },
        { role: "developer", content: [{ type: "text", text: "Use metric units." }] },
        { role: "user", content: [{ type: "text", text: "second" }, { type: "image_url", image_url: { url: "data:," } }, { type: "text", text: "part" }] },
        { role: "assistant", content: "prefill that is dropped" },
      ],
    });
    expect(parsed).toEqual({
      extraSystemPrompt: "Be brief.\n\nUse metric units.",
      history: [
        { role: "user", content: "first" },
        { role: "assistant", content: "one" },
      ],
      prompt: "second\npart",
      model: "openclaw/ops",
      stream: true,
      user: "conv-1",
      includeUsage: true,
    });
  });

  test("tool results are history in the user's voice; unknown roles are skipped", () => {
    const parsed = parseChatRequest({
      messages: [
        { role: "user", content: "what time is it" },
        { role: "tool", name: "clock", tool_call_id: "c1", content: "12:00" },
        { role: "wizard", content: "ignored" },
        { role: "user", content: "thanks" },
      ],
    });
    expect(parsed).toMatchObject({
      model: "openclaw",
      stream: false,
      user: undefined,
      extraSystemPrompt: undefined,
      history: [
        { role: "user", content: "what time is it" },
        { role: "user", content: "Tool result clock: 12:00" },
      ],
      prompt: "thanks",
    });
  });

  for (const [name, body] of [
    ["no messages", {}],
    ["messages not an array", { messages: "hi" }],
    ["only system messages", { messages: [{ role: "system", content: "x" }] }],
    ["a blank user message", { messages: [{ role: "user", content: "   " }, { role: "assistant", content: "hi" }] }],
    ["not an object", ["hi"]],
  ] as const) {
    test(`${name} → the reference's 400 message`, () => {
      expect(parseChatRequest(body)).toEqual({ error: MISSING_USER_MESSAGE });
    });
  }
  test("the message is exactly the reference's", () => expect(MISSING_USER_MESSAGE).toBe("Missing user message in `messages`."));
});

describe("responses body", () => {
  test("a string input is the prompt; instructions come before system items", () => {
    expect(parseResponsesRequest({ input: "hi", instructions: "Be brief." })).toEqual({
      extraSystemPrompt: "Be brief.",
      history: [],
      prompt: "hi",
      model: "openclaw",
      stream: false,
      user: undefined,
    });
  });

  test("message items (with or without type), function_call_output, and ignored item types", () => {
    const parsed = parseResponsesRequest({
      model: "openclaw",
      stream: true,
      user: "u1",
      instructions: "A",
      input: [
        { type: "message", role: "developer", content: [{ type: "input_text", text: "B" }] },
        { role: "user", content: "question" },
        { type: "reasoning", summary: [] },
        { type: "message", role: "assistant", content: [{ type: "output_text", text: "answer" }] },
        { type: "item_reference", id: "x" },
        { type: "function_call_output", call_id: "c1", output: "{\"t\":1}" },
      ],
    });
    expect(parsed).toEqual({
      extraSystemPrompt: "A\n\nB",
      history: [
        { role: "user", content: "question" },
        { role: "assistant", content: "answer" },
      ],
      prompt: 'Tool result: {"t":1}',
      model: "openclaw",
      stream: true,
      user: "u1",
    });
  });

  test("no user input → 400 message", () => {
    expect(parseResponsesRequest({ input: [] })).toEqual({ error: MISSING_INPUT_MESSAGE });
    expect(parseResponsesRequest({ instructions: "x" })).toEqual({ error: MISSING_INPUT_MESSAGE });
  });
});

describe("agent and session", () => {
  const options = (list?: unknown[]) =>
    ({ config: list ? { agents: { list } } : {}, workspace: "/tmp/ws", paths: { home: "/tmp" } }) as unknown as Options;
  const request = (headers: Record<string, string> = {}) => new Request("http://gateway.test/v1/chat/completions", { method: "POST", headers });
  const target = (headers: Record<string, string>, model: string, user?: string, list?: unknown[], surface: "openai" | "openresponses" = "openai") =>
    resolveTarget(request(headers), model, user, surface, options(list));
  const agents = [{ id: "main" }, { id: "ops" }];

  test("the header wins over the model; both spellings of the header", () => {
    expect(target({ "x-openclaw-agent-id": "ops" }, "openclaw/main", "u", agents)).toEqual({ ok: true, target: { agentId: "ops", sessionKey: "agent:ops:openai-user:u" } });
    expect(target({ "x-openclaw-agent": "OPS" }, "openclaw", "u", agents)).toMatchObject({ ok: true, target: { agentId: "ops" } });
  });

  for (const model of ["openclaw:ops", "openclaw/ops", "agent:ops", "OpenClaw/Ops"]) {
    test(`model ${model} → agent ops`, () => {
      expect(target({}, model, "u", agents)).toMatchObject({ ok: true, target: { agentId: "ops" } });
    });
  }

  test("openclaw, openclaw/default, a backend model name and no model all run the default agent", () => {
    const marked = [{ id: "main" }, { id: "ops", default: true }];
    for (const model of ["openclaw", "openclaw/default", "gpt-4o", ""]) {
      expect(target({}, model, "u", marked)).toMatchObject({ ok: true, target: { agentId: "ops" } });
      expect(target({}, model, "u")).toMatchObject({ ok: true, target: { agentId: "main" } });
    }
  });

  test("an agent nobody configured is refused, not run as another", () => {
    expect(target({}, "openclaw/nobody", undefined, agents)).toEqual({ ok: false, message: "Unknown agent: nobody" });
  });

  test("session: the header verbatim (normalised), else per user, else fresh per request", () => {
    expect(target({ "x-openclaw-session-key": "agent:ops:custom-thread" }, "openclaw", "u", agents)).toMatchObject({ target: { sessionKey: "agent:ops:custom-thread" } });
    expect(target({ "x-openclaw-session-key": "thread-7" }, "openclaw/ops", undefined, agents)).toMatchObject({ target: { sessionKey: "agent:ops:thread-7" } });
    expect(target({}, "openclaw", "Jane Doe", undefined, "openresponses")).toMatchObject({ target: { sessionKey: "agent:main:openresponses-user:jane-doe" } });
    const fresh = [target({}, "openclaw", undefined), target({}, "openclaw", undefined)].map((r) => (r.ok ? r.target.sessionKey : ""));
    for (const key of fresh) expect(key).toMatch(/^agent:main:openai:[0-9a-f-]{36}$/);
    expect(fresh[0]).not.toBe(fresh[1]);
  });

  test("session keys in the gateway's own namespaces and malformed keys are refused", () => {
    for (const key of ["cron:job-1", "agent:main:subagent:x", "acp:1"]) {
      expect(target({ "x-openclaw-session-key": key }, "openclaw", undefined)).toMatchObject({ ok: false });
    }
    expect(target({ "x-openclaw-session-key": "agent:Bad Id:x" }, "openclaw", undefined)).toMatchObject({ ok: false, message: expect.stringContaining("invalid session key") });
  });
});
