/**
 * What every client shares: dispatch by api, the injected fetch, network failures, aborts
 * before the request, answers that are not event streams, key redaction, and that the SSE
 * parser is only loaded once a model is actually called.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { createModelClient } from "../../src/agent/model/create-model-client.ts";
import { redact } from "../../src/agent/model/provider-errors.ts";
import { ProviderError, type ModelRequest, type ResolvedModel } from "../../src/agent/model/types.ts";
import { startFakeAnthropic } from "../fakes/anthropic.ts";
import { startFakeOpenAI, type FakeOpenAI } from "../fakes/openai-compatible.ts";
import { drain } from "../fakes/sse.ts";

let fake: FakeOpenAI | undefined;
afterEach(async () => {
  await fake?.stop();
  fake = undefined;
});

function request(overrides: Partial<ModelRequest> = {}): ModelRequest {
  return { model: "fake-model", system: "", messages: [{ role: "user", content: "hi" }], tools: [], maxTokens: 64, signal: new AbortController().signal, ...overrides };
}

describe("dispatch", () => {
  test("each api reaches its own endpoint through the injected fetch", async () => {
    fake = startFakeOpenAI({ script: [{ type: "text", text: "a" }, { type: "text", text: "b" }] });
    const anthropic = startFakeAnthropic({ script: [{ type: "text", text: "c" }] });
    const seen: string[] = [];
    const counting = ((input: string | URL | Request, init?: RequestInit) => {
      seen.push(String(input));
      return fetch(input, init);
    }) as typeof fetch;
    try {
      for (const model of [fake.model(), fake.model({ api: "openai-responses" }), anthropic.model()]) {
        const { error } = await drain(createModelClient(model, { fetch: counting }).stream(request()));
        expect(error).toBeNull();
      }
      expect(seen).toEqual([`${fake.baseUrl}/chat/completions`, `${fake.baseUrl}/responses`, `${anthropic.baseUrl}/v1/messages`]);
    } finally {
      await anthropic.stop();
    }
  });

  test("configured headers are sent, and one the user wrote beats the one derived from the key", async () => {
    fake = startFakeOpenAI({ script: [{ type: "text", text: "a" }, { type: "text", text: "b" }] });
    await drain(createModelClient(fake.model({ apiKey: "sk-derived-key-1234", headers: { "X-Team": "blue" } })).stream(request()));
    await drain(createModelClient(fake.model({ apiKey: "sk-derived-key-1234", headers: { Authorization: "Basic cHJveHk=" } })).stream(request()));
    expect(fake.requests[0]!.headers).toMatchObject({ authorization: "Bearer sk-derived-key-1234", "x-team": "blue" });
    expect(fake.requests[1]!.headers.authorization).toBe("Basic cHJveHk=");
  });

  test("a model marked unsupported fails on first pull with its reason, without a request", async () => {
    fake = startFakeOpenAI({ script: [] });
    const model: ResolvedModel = { ...fake.model(), supported: false, unsupportedReason: 'provider "fake" has no API key: set models.providers.fake.apiKey' };
    const { error } = await drain(createModelClient(model).stream(request()));
    expect(error).toMatchObject({ name: "ProviderError", kind: "protocol", retryable: true, message: model.unsupportedReason });
    expect(fake.requests).toEqual([]);
  });
});

describe("transport failures", () => {
  test("a refused connection is a retryable network error", async () => {
    fake = startFakeOpenAI({ script: [] });
    const model = fake.model();
    await fake.stop();
    fake = undefined;
    const { error } = await drain(createModelClient(model).stream(request()));
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ kind: "network", status: null, retryable: true });
  });

  test("a signal aborted before the call sends nothing", async () => {
    fake = startFakeOpenAI({ script: [{ type: "text", text: "never" }] });
    const controller = new AbortController();
    controller.abort();
    const { error } = await drain(createModelClient(fake.model()).stream(request({ signal: controller.signal })));
    expect(error).toMatchObject({ kind: "aborted", retryable: false });
    expect(fake.requests).toEqual([]);
  });

  test("a 200 JSON error (a proxy ignoring stream) is a stream error; a non-JSON data line is a protocol error", async () => {
    fake = startFakeOpenAI({
      script: [
        { type: "raw", frames: [{ data: "not json at all" }] },
        { type: "raw", frames: [{ data: { choices: [{ index: 0, delta: { content: "ok" }, finish_reason: "stop" }] } }, { data: "[DONE]" }] },
      ],
    });
    const client = createModelClient(fake.model());
    expect((await drain(client.stream(request()))).error).toMatchObject({ kind: "protocol" });
    // A server that ends right after finish_reason without [DONE] also works.
    expect((await drain(client.stream(request()))).events.at(-1)).toEqual({ type: "done", stopReason: "stop" });

    const proxy = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => Response.json({ error: { message: "upstream overloaded", type: "server_error" } }) });
    try {
      const model = { ...fake.model(), baseUrl: `http://127.0.0.1:${proxy.port}/v1` };
      expect((await drain(createModelClient(model).stream(request()))).error).toMatchObject({ kind: "stream", retryable: true, message: "fake/fake-model: stream error: upstream overloaded" });
    } finally {
      await proxy.stop(true);
    }
  });
});

test("a last event without its closing blank line still counts", async () => {
  const chunk = JSON.stringify({ choices: [{ index: 0, delta: { content: "tail" }, finish_reason: null }] });
  const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response(`data: ${chunk}\n\ndata: [DONE]`, { headers: { "content-type": "text/event-stream" } }) });
  try {
    const model: ResolvedModel = { ref: "p/m", provider: "p", modelId: "m", api: "openai-completions", baseUrl: `http://127.0.0.1:${server.port}/v1`, apiKey: null, headers: {}, contextWindow: 1, maxTokens: 1, usageInStreaming: false };
    const { events, error } = await drain(createModelClient(model).stream(request()));
    expect(error).toBeNull();
    expect(events).toEqual([
      { type: "text", delta: "tail" },
      { type: "done", stopReason: "stop" },
    ]);
  } finally {
    await server.stop(true);
  }
});

describe("redaction", () => {
  const model = (apiKey: string, headers: Record<string, string> = {}): ResolvedModel => ({
    ref: "p/m", provider: "p", modelId: "m", api: "openai-completions", baseUrl: "http://x", apiKey, headers, contextWindow: 1, maxTokens: 1, usageInStreaming: false,
  });

  test("the key, secret header values and credential-shaped strings are removed", () => {
    const text = redact("key sk-abc123def456ghi789 echoed; Authorization: Bearer other-token-xyz; x-api-key: ant-999999999; X-Custom hdr-secret-value", model("sk-abc123def456ghi789", { "X-Custom": "hdr-secret-value" }));
    expect(text).not.toContain("sk-abc123def456ghi789");
    expect(text).not.toContain("other-token-xyz");
    expect(text).not.toContain("ant-999999999");
    expect(text).not.toContain("hdr-secret-value");
    expect(text).toContain("Authorization: Bearer [redacted]");
  });

  test("an unrelated sk- key in the text is shortened too", () => {
    expect(redact("Incorrect API key provided: sk-proj-abcdefghijklmnopqrstuvwxyz", model("different-key"))).toBe("Incorrect API key provided: sk-proj-a[redacted]");
  });
});

test("starting the model code does not load the SSE parser; the first call does", async () => {
  const dir = join(import.meta.dir, "../../src/agent/model");
  const script = `
    await import(${JSON.stringify(join(dir, "create-model-client.ts"))});
    await import(${JSON.stringify(join(dir, "resolve-models.ts"))});
    console.log(Object.keys(require.cache).some((key) => key.includes("eventsource-parser")));
  `;
  const child = Bun.spawn([process.execPath, "--eval", script], { stdout: "pipe", stderr: "pipe" });
  expect((await new Response(child.stdout).text()).trim()).toBe("false");
  expect(await child.exited).toBe(0);
});
