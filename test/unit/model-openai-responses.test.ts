/**
 * The Responses API client against the fake server: input items, instructions, function tools,
 * function-call events, usage from response.completed, and failures.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { createModelClient } from "../../src/agent/model/create-model-client.ts";
import type { ModelEvent, ModelRequest } from "../../src/agent/model/types.ts";
import { OPENAI_MINIMAL_TOOL_CALL, startFakeOpenAI, type FakeOpenAI, type FakeScript } from "../fakes/openai-compatible.ts";
import { drain } from "../fakes/sse.ts";

const KEY = "sk-test-responses-0123456789SECRET";
const GET_TIME = { name: "get_time", description: "The time in a zone", parameters: { type: "object", properties: { tz: { type: "string" } } } };

let fake: FakeOpenAI | undefined;
afterEach(async () => {
  await fake?.stop();
  fake = undefined;
});

function start(script: FakeScript) {
  fake = startFakeOpenAI({ script });
  return { fake, client: createModelClient(fake.model({ api: "openai-responses", apiKey: KEY })) };
}

function request(overrides: Partial<ModelRequest> = {}): ModelRequest {
  return { model: "fake-model", system: "Be brief.", messages: [{ role: "user", content: "hi" }], tools: [], maxTokens: 300, signal: new AbortController().signal, ...overrides };
}

const texts = (events: ModelEvent[]) => events.flatMap((e) => (e.type === "text" ? [e.delta] : []));

test("text deltas, usage from response.completed, and the request body", async () => {
  const { fake, client } = start([{ type: "text", text: "Responses work", chunks: 2, usage: { inputTokens: 40, outputTokens: 3 } }]);
  const { events, error } = await drain(client.stream(request()));
  expect(error).toBeNull();
  expect(texts(events)).toEqual(["Respons", "es work"]);
  expect(events.slice(-2)).toEqual([
    { type: "usage", usage: { inputTokens: 40, outputTokens: 3 } },
    { type: "done", stopReason: "stop" },
  ]);
  const sent = fake.requests[0]!;
  expect(sent.path).toBe("/v1/responses");
  expect(sent.headers.authorization).toBe(`Bearer ${KEY}`);
  expect(sent.body).toEqual({
    model: "fake-model",
    input: [{ type: "message", role: "user", content: "hi" }],
    instructions: "Be brief.",
    stream: true,
    max_output_tokens: 300,
    store: false,
  });
});

test("response.incomplete for max_output_tokens → length", async () => {
  const { client } = start([{ type: "text", text: "partial", stopReason: "length" }]);
  const { events } = await drain(client.stream(request()));
  expect(events.at(-1)).toEqual({ type: "done", stopReason: "length" });
});

test("a function call streamed as argument deltas, then the next turn's input items", async () => {
  const { fake, client } = start([OPENAI_MINIMAL_TOOL_CALL, { type: "text", text: "Noon." }]);
  const first = await drain(client.stream(request({ tools: [GET_TIME] })));
  expect(first.error).toBeNull();
  expect(first.events).toEqual([
    { type: "tool_call", call: { id: "call_1", name: "get_time", arguments: { tz: "UTC" } } },
    { type: "done", stopReason: "tool_calls" },
  ]);
  expect((fake.requests[0]!.body as Record<string, unknown>).tools).toEqual([{ type: "function", ...GET_TIME, strict: false }]);

  const call = { id: "call_1", name: "get_time", arguments: { tz: "UTC" } };
  await drain(
    client.stream(
      request({
        messages: [
          { role: "user", content: "time?" },
          { role: "assistant", content: "Checking.", toolCalls: [call] },
          { role: "tool", toolCallId: "call_1", name: "get_time", content: "12:00" },
        ],
      }),
    ),
  );
  expect((fake.requests[1]!.body as { input: unknown[] }).input).toEqual([
    { type: "message", role: "user", content: "time?" },
    { type: "message", role: "assistant", content: "Checking." },
    { type: "function_call", call_id: "call_1", name: "get_time", arguments: '{"tz":"UTC"}' },
    { type: "function_call_output", call_id: "call_1", output: "12:00" },
  ]);
});

test("several calls with text before them keep their order", async () => {
  const { client } = start([{ type: "tool_calls", text: "Two calls.", calls: [{ name: "a", arguments: { n: 1 }, pieces: 3 }, { name: "b" }] }]);
  const { events, error } = await drain(client.stream(request()));
  expect(error).toBeNull();
  expect(texts(events)).toEqual(["Two calls."]);
  expect(events.flatMap((e) => (e.type === "tool_call" ? [e.call] : []))).toEqual([
    { id: "call_1", name: "a", arguments: { n: 1 } },
    { id: "call_2", name: "b", arguments: {} },
  ]);
});

describe("failures", () => {
  test("HTTP 429 retryable, 400 not", async () => {
    const { client } = start([
      { type: "http_error", status: 429, message: "Slow down" },
      { type: "http_error", status: 400, message: "Unknown parameter: 'input[0].foo'" },
    ]);
    expect((await drain(client.stream(request()))).error).toMatchObject({ kind: "http", status: 429, retryable: true, message: "fake/fake-model: HTTP 429: Slow down" });
    expect((await drain(client.stream(request()))).error).toMatchObject({ kind: "http", status: 400, retryable: false });
  });

  test("an error event mid-stream, and response.failed", async () => {
    const failed = {
      type: "raw" as const,
      frames: [
        { event: "response.created", data: { type: "response.created", response: { id: "r", status: "in_progress" } } },
        { event: "response.failed", data: { type: "response.failed", response: { id: "r", status: "failed", error: { code: "server_error", message: "Something broke" } } } },
      ],
    };
    const { client } = start([{ type: "stream_error", text: "so far", message: "The server had an error" }, failed]);
    const midStream = await drain(client.stream(request()));
    expect(texts(midStream.events)).toEqual(["so far"]);
    expect(midStream.error).toMatchObject({ kind: "stream", retryable: true });
    const responseFailed = (await drain(client.stream(request()))).error;
    expect(responseFailed).toMatchObject({ kind: "stream", retryable: true });
    expect((responseFailed as Error).message).toContain("Something broke");
  });

  test("a stream without response.completed is a stream error; abort of a hanging one is prompt", async () => {
    const { fake, client } = start([{ type: "cut", text: "x" }, { type: "hang" }]);
    expect((await drain(client.stream(request()))).error).toMatchObject({ kind: "stream" });

    const controller = new AbortController();
    const pending = drain(client.stream(request({ signal: controller.signal })));
    await fake.waitForRequests(2);
    controller.abort();
    expect((await pending).error).toMatchObject({ kind: "aborted", retryable: false });
    expect(await fake.requests[1]!.ended).toBe("client-closed");
  });
});
