/**
 * The Anthropic Messages client against the fake server: headers and body, the tool_use →
 * tool_result round trip, cumulative usage, ping, and every failure path.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { createModelClient } from "../../src/agent/model/create-model-client.ts";
import { ProviderError, type ModelEvent, type ModelRequest } from "../../src/agent/model/types.ts";
import { ANTHROPIC_MINIMAL_TOOL_CALL, startFakeAnthropic, type FakeAnthropic, type FakeScript } from "../fakes/anthropic.ts";
import { drain } from "../fakes/sse.ts";

const KEY = "sk-ant-test-0123456789abcdefSECRET";
const GET_TIME = { name: "get_time", description: "The time in a zone", parameters: { type: "object", properties: { tz: { type: "string" } } } };

let fake: FakeAnthropic | undefined;
afterEach(async () => {
  await fake?.stop();
  fake = undefined;
});

function start(script: FakeScript) {
  fake = startFakeAnthropic({ script });
  return { fake, client: createModelClient(fake.model({ apiKey: KEY })) };
}

function request(overrides: Partial<ModelRequest> = {}): ModelRequest {
  return { model: "fake-claude", system: "You are terse.", messages: [{ role: "user", content: "hi" }], tools: [], maxTokens: 512, signal: new AbortController().signal, ...overrides };
}

const texts = (events: ModelEvent[]) => events.flatMap((e) => (e.type === "text" ? [e.delta] : []));

describe("streaming text", () => {
  test("deltas, usage (overwritten, not added) and end_turn → stop; headers and body as the API wants", async () => {
    const { fake, client } = start([{ type: "text", text: "Hello from Claude", chunks: 3, usage: { inputTokens: 30, outputTokens: 9 } }]);
    const { events, error } = await drain(client.stream(request()));
    expect(error).toBeNull();
    expect(texts(events).join("")).toBe("Hello from Claude");
    expect(texts(events)).toHaveLength(3);
    const usages = events.flatMap((e) => (e.type === "usage" ? [e.usage] : []));
    expect(usages).toEqual([
      { inputTokens: 30, outputTokens: 1 },
      { inputTokens: 30, outputTokens: 9 },
    ]);
    expect(events.at(-1)).toEqual({ type: "done", stopReason: "stop" });

    const sent = fake.requests[0]!;
    expect(sent.path).toBe("/v1/messages");
    expect(sent.headers["x-api-key"]).toBe(KEY);
    expect(sent.headers["anthropic-version"]).toBe("2023-06-01");
    expect(sent.headers["content-type"]).toBe("application/json");
    expect(sent.headers.authorization).toBeUndefined();
    expect(sent.body).toEqual({ model: "fake-claude", max_tokens: 512, system: "You are terse.", messages: [{ role: "user", content: "hi" }], stream: true });
  });

  test("max_tokens → length; an empty system prompt is left out", async () => {
    const { fake, client } = start([{ type: "text", text: "trunc", stopReason: "length" }]);
    const { events } = await drain(client.stream(request({ system: "" })));
    expect(events.at(-1)).toEqual({ type: "done", stopReason: "length" });
    expect((fake.requests[0]!.body as Record<string, unknown>).system).toBeUndefined();
  });
});

describe("tool calls", () => {
  test("the spec's minimal sequence, then results go back as one user message of tool_result blocks", async () => {
    const { fake, client } = start([
      ANTHROPIC_MINIMAL_TOOL_CALL,
      { type: "tool_calls", text: "Two more.", calls: [{ name: "get_time", arguments: { tz: "CET" } }, { name: "no_args", arguments: "", pieces: [""] }] },
      { type: "text", text: "Done." },
    ]);
    const first = await drain(client.stream(request({ tools: [GET_TIME] })));
    expect(first.error).toBeNull();
    expect(first.events).toEqual([
      { type: "usage", usage: { inputTokens: 12, outputTokens: 1 } },
      { type: "tool_call", call: { id: "toolu_1", name: "get_time", arguments: { tz: "UTC" } } },
      { type: "usage", usage: { inputTokens: 12, outputTokens: 12 } },
      { type: "done", stopReason: "tool_calls" },
    ]);
    expect((fake.requests[0]!.body as Record<string, unknown>).tools).toEqual([{ name: "get_time", description: "The time in a zone", input_schema: GET_TIME.parameters }]);

    const second = await drain(client.stream(request()));
    const secondCalls = second.events.flatMap((e) => (e.type === "tool_call" ? [e.call] : []));
    expect(texts(second.events).join("")).toBe("Two more.");
    // An empty input_json stream means no arguments.
    expect(secondCalls).toEqual([
      { id: "toolu_1", name: "get_time", arguments: { tz: "CET" } },
      { id: "toolu_2", name: "no_args", arguments: {} },
    ]);

    await drain(
      client.stream(
        request({
          messages: [
            { role: "user", content: "times?" },
            { role: "assistant", content: "Two more.", toolCalls: secondCalls },
            { role: "tool", toolCallId: "toolu_1", name: "get_time", content: "13:00" },
            { role: "tool", toolCallId: "toolu_2", name: "no_args", content: "failed", isError: true },
          ],
        }),
      ),
    );
    expect((fake.requests[2]!.body as { messages: unknown[] }).messages).toEqual([
      { role: "user", content: "times?" },
      {
        role: "assistant",
        content: [
          { type: "text", text: "Two more." },
          { type: "tool_use", id: "toolu_1", name: "get_time", input: { tz: "CET" } },
          { type: "tool_use", id: "toolu_2", name: "no_args", input: {} },
        ],
      },
      {
        role: "user",
        content: [
          { type: "tool_result", tool_use_id: "toolu_1", content: "13:00" },
          { type: "tool_result", tool_use_id: "toolu_2", content: "failed", is_error: true },
        ],
      },
    ]);
  });
});

describe("failures", () => {
  test("429 is retryable with the provider's message; 400 is not", async () => {
    const { client } = start([
      { type: "http_error", status: 429, message: "Number of request tokens has exceeded your rate limit" },
      { type: "http_error", status: 400, message: "messages: roles must alternate" },
    ]);
    const limited = (await drain(client.stream(request()))).error;
    expect(limited).toMatchObject({ name: "ProviderError", kind: "http", status: 429, retryable: true });
    expect((limited as Error).message).toContain("exceeded your rate limit");
    expect((await drain(client.stream(request()))).error).toMatchObject({ kind: "http", status: 400, retryable: false });
  });

  test("event: error mid-stream: overloaded is retryable, invalid_request_error is not", async () => {
    const { client } = start([
      { type: "stream_error", text: "Sure, ", message: "Overloaded" },
      { type: "stream_error", message: "prompt is too long", errorType: "invalid_request_error" },
    ]);
    const overloaded = await drain(client.stream(request()));
    expect(texts(overloaded.events)).toEqual(["Sure, "]);
    expect(overloaded.error).toMatchObject({ kind: "stream", retryable: true });
    expect((overloaded.error as Error).message).toContain("Overloaded");
    expect((await drain(client.stream(request()))).error).toMatchObject({ kind: "stream", retryable: false });
  });

  test("a stream cut before message_stop is a stream error", async () => {
    const { client } = start([{ type: "cut", text: "and then" }]);
    expect((await drain(client.stream(request()))).error).toMatchObject({ kind: "stream", retryable: true });
  });

  test("aborting a never-ending stream ends promptly with aborted and the fake sees the close", async () => {
    const { fake, client } = start([{ type: "hang", text: "hmm" }]);
    const controller = new AbortController();
    const iterator = client.stream(request({ signal: controller.signal }))[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toMatchObject({ type: "usage" });
    expect((await iterator.next()).value).toEqual({ type: "text", delta: "hmm" });
    controller.abort();
    const error = await iterator.next().then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ kind: "aborted", retryable: false });
    expect(await fake.requests[0]!.ended).toBe("client-closed");
  });

  test("breaking out of the loop early also releases the connection", async () => {
    const { fake, client } = start([{ type: "hang", text: "endless" }]);
    for await (const event of client.stream(request())) if (event.type === "text") break;
    expect(await fake.requests[0]!.ended).toBe("client-closed");
  });

  test("the key never appears in an error message, even when the server echoes it", async () => {
    const { client } = start([
      { type: "http_error", status: 401, message: `invalid x-api-key: ${KEY}` },
      { type: "stream_error", message: `overloaded (key ${KEY})` },
    ]);
    for (let i = 0; i < 2; i++) {
      const { error } = await drain(client.stream(request()));
      expect(error).toBeInstanceOf(ProviderError);
      expect((error as Error).message).not.toContain(KEY);
      expect((error as Error).message).not.toContain("SECRET");
    }
  });
});
