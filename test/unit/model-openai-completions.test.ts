/**
 * The Chat Completions client against the fake server: what it sends (headers, body, the next
 * turn after a tool call) and how it reads text, fragmented tool calls, usage and failures.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { createModelClient } from "../../src/agent/model/create-model-client.ts";
import { ProviderError, type ModelEvent, type ModelRequest } from "../../src/agent/model/types.ts";
import { OPENAI_MINIMAL_TOOL_CALL, startFakeOpenAI, type FakeOpenAI, type FakeScript } from "../fakes/openai-compatible.ts";
import { drain } from "../fakes/sse.ts";

const KEY = "sk-test-0123456789abcdefSECRET";
const GET_TIME = { name: "get_time", description: "The time in a zone", parameters: { type: "object", properties: { tz: { type: "string" } } } };

let fake: FakeOpenAI | undefined;
afterEach(async () => {
  await fake?.stop();
  fake = undefined;
});

function start(script: FakeScript) {
  fake = startFakeOpenAI({ script });
  return { fake, client: createModelClient(fake.model({ apiKey: KEY })) };
}

function request(overrides: Partial<ModelRequest> = {}): ModelRequest {
  return { model: "fake-model", system: "You are terse.", messages: [{ role: "user", content: "hi" }], tools: [], maxTokens: 256, signal: new AbortController().signal, ...overrides };
}

const texts = (events: ModelEvent[]) => events.flatMap((e) => (e.type === "text" ? [e.delta] : []));
const calls = (events: ModelEvent[]) => events.flatMap((e) => (e.type === "tool_call" ? [e.call] : []));

describe("streaming text", () => {
  test("deltas, usage and stop arrive in order, and the request is well formed", async () => {
    const { fake, client } = start([{ type: "text", text: "Hello there, world", chunks: 3, usage: { inputTokens: 21, outputTokens: 4 } }]);
    const { events, error } = await drain(client.stream(request()));
    expect(error).toBeNull();
    expect(texts(events)).toHaveLength(3);
    expect(texts(events).join("")).toBe("Hello there, world");
    expect(events.slice(-2)).toEqual([
      { type: "usage", usage: { inputTokens: 21, outputTokens: 4 } },
      { type: "done", stopReason: "stop" },
    ]);

    const sent = fake.requests[0]!;
    expect(sent.method).toBe("POST");
    expect(sent.path).toBe("/v1/chat/completions");
    expect(sent.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(sent.body).toEqual({
      model: "fake-model",
      messages: [
        { role: "system", content: "You are terse." },
        { role: "user", content: "hi" },
      ],
      stream: true,
      stream_options: { include_usage: true },
      max_tokens: 256,
    });
    expect(await sent.ended).toBe("complete");
  });

  test("no usage request for a remote-style model, and slow chunks still arrive whole", async () => {
    fake = startFakeOpenAI({ script: [{ type: "text", text: "slow but sure", chunks: 4, firstByteDelayMs: 30, chunkDelayMs: 10 }] });
    const client = createModelClient(fake.model({ usageInStreaming: false }));
    const { events, error } = await drain(client.stream(request()));
    expect(error).toBeNull();
    expect(texts(events).join("")).toBe("slow but sure");
    expect(events.some((e) => e.type === "usage")).toBe(false);
    expect((fake.requests[0]!.body as Record<string, unknown>).stream_options).toBeUndefined();
    expect(fake.requests[0]!.headers.authorization).toBeUndefined();
  });

  test("maxTokensField max_completion_tokens replaces max_tokens in the body", async () => {
    fake = startFakeOpenAI({ script: [{ type: "text", text: "ok" }] });
    await drain(createModelClient(fake.model({ maxTokensField: "max_completion_tokens" })).stream(request()));
    const body = fake.requests[0]!.body as Record<string, unknown>;
    expect(body.max_completion_tokens).toBe(256);
    expect(body.max_tokens).toBeUndefined();
  });

  test('finish_reason "length" becomes stopReason "length"', async () => {
    const { client } = start([{ type: "text", text: "cut sh", stopReason: "length" }]);
    const { events } = await drain(client.stream(request()));
    expect(events.at(-1)).toEqual({ type: "done", stopReason: "length" });
  });
});

describe("tool calls", () => {
  test("the spec's minimal sequence: fragments joined, then the next turn carries call and result", async () => {
    const { fake, client } = start([OPENAI_MINIMAL_TOOL_CALL, { type: "text", text: "It is noon." }]);
    const first = await drain(client.stream(request({ tools: [GET_TIME] })));
    expect(first.error).toBeNull();
    expect(first.events).toEqual([
      { type: "tool_call", call: { id: "call_1", name: "get_time", arguments: { tz: "UTC" } } },
      { type: "done", stopReason: "tool_calls" },
    ]);
    expect((fake.requests[0]!.body as Record<string, unknown>).tools).toEqual([{ type: "function", function: GET_TIME }]);

    const call = calls(first.events)[0]!;
    const second = await drain(
      client.stream(
        request({
          tools: [GET_TIME],
          messages: [
            { role: "user", content: "what time is it?" },
            { role: "assistant", content: "", toolCalls: [call] },
            { role: "tool", toolCallId: call.id, name: call.name, content: "12:00" },
          ],
        }),
      ),
    );
    expect(texts(second.events).join("")).toBe("It is noon.");
    expect((fake.requests[1]!.body as { messages: unknown[] }).messages).toEqual([
      { role: "system", content: "You are terse." },
      { role: "user", content: "what time is it?" },
      { role: "assistant", content: null, tool_calls: [{ id: "call_1", type: "function", function: { name: "get_time", arguments: '{"tz":"UTC"}' } }] },
      { role: "tool", tool_call_id: "call_1", content: "12:00" },
    ]);
  });

  test("interleaved calls are joined by index and emitted in index order, with text before them", async () => {
    const { client } = start([
      {
        type: "tool_calls",
        text: "Let me check.",
        interleave: true,
        calls: [
          { name: "alpha", arguments: { x: 1, long: "a fairly long value" }, pieces: 4 },
          { name: "beta", arguments: { y: "two" }, pieces: 2 },
        ],
      },
    ]);
    const { events, error } = await drain(client.stream(request()));
    expect(error).toBeNull();
    expect(texts(events).join("")).toBe("Let me check.");
    expect(calls(events)).toEqual([
      { id: "call_1", name: "alpha", arguments: { x: 1, long: "a fairly long value" } },
      { id: "call_2", name: "beta", arguments: { y: "two" } },
    ]);
  });

  test("a whole call in one chunk without an id (local servers) gets a generated id", async () => {
    const { client } = start([{ type: "tool_calls", calls: [{ id: null, name: "lookup", arguments: { q: "bun" }, pieces: 1, inline: true }] }]);
    const { events, error } = await drain(client.stream(request()));
    expect(error).toBeNull();
    const [call] = calls(events);
    expect(call!.name).toBe("lookup");
    expect(call!.arguments).toEqual({ q: "bun" });
    expect(call!.id).toMatch(/^call_[0-9a-f]{24}$/);
  });

  test("arguments that are not JSON are a protocol error naming the tool", async () => {
    const { client } = start([{ type: "tool_calls", calls: [{ name: "broken", arguments: '{"a":', pieces: 1 }] }]);
    const { error } = await drain(client.stream(request()));
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).kind).toBe("protocol");
    expect((error as ProviderError).message).toContain('"broken"');
  });
});

describe("failures", () => {
  test("429 before streaming is a retryable http error with the provider's message", async () => {
    const { client } = start([{ type: "http_error", status: 429, message: "Rate limit reached for requests" }]);
    const { events, error } = await drain(client.stream(request()));
    expect(events).toEqual([]);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ name: "ProviderError", kind: "http", status: 429, retryable: true });
    expect((error as Error).message).toBe("fake/fake-model: HTTP 429: Rate limit reached for requests");
  });

  test("400 is not retryable; 500 is", async () => {
    const { client } = start([
      { type: "http_error", status: 400, message: "Invalid schema for function" },
      { type: "http_error", status: 500 },
    ]);
    expect((await drain(client.stream(request()))).error).toMatchObject({ kind: "http", status: 400, retryable: false });
    expect((await drain(client.stream(request()))).error).toMatchObject({ kind: "http", status: 500, retryable: true });
  });

  test("an error data line mid-stream fails the turn after the text so far", async () => {
    const { client } = start([
      { type: "stream_error", text: "partial", message: "The server is overloaded" },
      { type: "stream_error", message: "Invalid value for tool_choice", errorType: "invalid_request_error" },
    ]);
    const overloaded = await drain(client.stream(request()));
    expect(texts(overloaded.events)).toEqual(["partial"]);
    expect(overloaded.error).toMatchObject({ kind: "stream", status: null, retryable: true });
    expect((overloaded.error as Error).message).toContain("The server is overloaded");
    expect((await drain(client.stream(request()))).error).toMatchObject({ kind: "stream", retryable: false });
  });

  test("a stream that ends without finishing is a retryable stream error", async () => {
    const { client } = start([{ type: "cut", text: "half a" }]);
    const { events, error } = await drain(client.stream(request()));
    expect(texts(events)).toEqual(["half a"]);
    expect(error).toMatchObject({ kind: "stream", retryable: true });
  });

  test("aborting a never-ending stream ends the iterator promptly and closes the connection", async () => {
    const { fake, client } = start([{ type: "hang", text: "thinking" }]);
    const controller = new AbortController();
    const iterator = client.stream(request({ signal: controller.signal }))[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toEqual({ type: "text", delta: "thinking" });
    const startedAt = performance.now();
    controller.abort();
    const error = await iterator.next().then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ name: "ProviderError", kind: "aborted", retryable: false });
    expect(performance.now() - startedAt).toBeLessThan(1000);
    expect(await fake.requests[0]!.ended).toBe("client-closed");
  });

  test("aborting while the server has not answered yet also ends promptly", async () => {
    const { fake, client } = start([{ type: "text", text: "too late", firstByteDelayMs: 30_000 }]);
    const controller = new AbortController();
    const pending = drain(client.stream(request({ signal: controller.signal })));
    await fake.waitForRequests(1);
    controller.abort();
    expect((await pending).error).toMatchObject({ kind: "aborted" });
    expect(await fake.requests[0]!.ended).toBe("client-closed");
  });

  test("an error body that echoes the key or the Authorization header never reaches the message", async () => {
    const { client } = start([{ type: "http_error", status: 401, message: `Incorrect API key provided: ${KEY}. Sent headers: Authorization: Bearer ${KEY}` }]);
    const { error } = await drain(client.stream(request()));
    expect(error).toMatchObject({ kind: "http", status: 401, retryable: false });
    const message = (error as Error).message;
    expect(message).toContain("Incorrect API key provided");
    expect(message).not.toContain(KEY);
    expect(message).not.toContain("SECRET");
  });
});
