/**
 * The OpenAI-compatible endpoints (protocol.md §8.1, §8.2) end to end: the official `openai`
 * SDK against a real gateway whose real agent runtime calls a fake OpenAI-compatible provider.
 * Nothing of ours is mocked. The fake picks its answer from the prompt: "please hang" streams a
 * little and never finishes (for disconnects), "please fail" is a provider 400.
 *
 * Bun's idle timeout (10 s without a byte) would cut a quiet run; the routes switch it off
 * with `server.timeout(request, 0)`. Proving that takes a run quiet for over 10 s, too slow for
 * this suite, so it is not tested here; the abort path, which the same streams rely on, is.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import OpenAI from "openai";
import { NO_MODEL_MESSAGE } from "../../src/agent/model/resolve-models.ts";
import { startFakeOpenAI, type FakeOpenAI, type FakeStep, type RecordedRequest } from "../fakes/openai-compatible.ts";
import { startTestGateway, TEST_TOKEN, type TestGateway } from "../helpers/gateway.ts";

const REPLY = "Hello from the fake provider!";
const INTERNAL = { error: { message: "internal error", type: "api_error" } };

function stepFor(request: RecordedRequest): FakeStep {
  const body = JSON.stringify(request.body);
  if (body.includes("please hang")) return { type: "hang", text: "partial" };
  if (body.includes("please fail")) return { type: "http_error", status: 400, message: "fake refuses" };
  return { type: "text", text: REPLY, chunks: 4 };
}

const endpoints = { chatCompletions: { enabled: true }, responses: { enabled: true } };
const provider = (fake: FakeOpenAI) => ({ providers: { fake: { baseUrl: fake.baseUrl, apiKey: "k", api: "openai-completions", models: [{ id: "m" }] } } });

let fake: FakeOpenAI;
let gw: TestGateway;
let client: OpenAI;

beforeAll(async () => {
  fake = startFakeOpenAI({ script: (request) => stepFor(request) });
  gw = await startTestGateway({
    config: {
      gateway: { http: { endpoints } },
      models: provider(fake),
      agents: { defaults: { model: "fake/m" }, list: [{ id: "main" }, { id: "ops" }] },
    },
  });
  client = new OpenAI({ baseURL: `${gw.httpUrl}/v1`, apiKey: TEST_TOKEN, maxRetries: 0 });
});

afterAll(async () => {
  await gw?.stop();
  await fake?.stop();
});

/** The fake's request for the prompt containing `marker`, waiting for it to arrive. */
async function providerRequest(marker: string): Promise<RecordedRequest> {
  for (let count = 1; ; count++) {
    const request = (await fake.waitForRequests(count))[count - 1]!;
    if (JSON.stringify(request.body).includes(marker)) return request;
  }
}

function post(path: string, body: unknown, headers: Record<string, string> = {}, signal?: AbortSignal) {
  return fetch(gw.httpUrl + path, {
    method: "POST",
    headers: { authorization: `Bearer ${TEST_TOKEN}`, "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
    signal,
  });
}

/** `data:` payloads (and `event:` names) of an SSE body. */
function sseFrames(text: string): { event?: string; data: string }[] {
  return text
    .split("\n\n")
    .filter((block) => block.trim())
    .map((block) => ({ event: /^event: (.*)$/m.exec(block)?.[1], data: /^data: (.*)$/m.exec(block)?.[1] ?? "" }));
}

describe("POST /v1/chat/completions", () => {
  test("the SDK, non-streaming: the fake's text, the §8.1 shape, system messages reach the provider", async () => {
    const completion = await client.chat.completions.create({
      model: "openclaw",
      messages: [
        { role: "system", content: "Answer in English." },
        { role: "user", content: "earlier question" },
        { role: "assistant", content: "earlier answer" },
        { role: "user", content: "say hello (non-stream)" },
      ],
    });
    expect(completion.id).toMatch(/^chatcmpl_[0-9a-f-]{36}$/);
    expect(completion).toMatchObject({
      object: "chat.completion",
      model: "openclaw",
      choices: [{ index: 0, message: { role: "assistant", content: REPLY }, finish_reason: "stop" }],
    });
    expect(Math.abs(completion.created - Date.now() / 1000)).toBeLessThan(60);
    expect(completion.usage).toEqual(expect.objectContaining({ prompt_tokens: expect.any(Number), completion_tokens: expect.any(Number), total_tokens: expect.any(Number) }));
    const sent = (await providerRequest("say hello (non-stream)")).body as { messages: { role: string; content: unknown }[] };
    const text = JSON.stringify(sent.messages);
    expect(text).toContain("Answer in English.");
    // The earlier turns are history, in order, before the prompt.
    expect(text.indexOf("earlier question")).toBeLessThan(text.indexOf("earlier answer"));
    expect(text.indexOf("earlier answer")).toBeLessThan(text.indexOf("say hello (non-stream)"));
  });

  test("the SDK, streaming: role first, content deltas that add up to the fake's text, finish_reason stop", async () => {
    const stream = await client.chat.completions.create({ model: "openclaw", stream: true, messages: [{ role: "user", content: "say hello (stream)" }] });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks[0]!.choices[0]!.delta).toEqual({ role: "assistant" });
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? "").join("")).toBe(REPLY);
    expect(chunks.filter((c) => c.choices[0]?.delta.content).length).toBeGreaterThan(1);
    expect(chunks.at(-1)!.choices[0]).toEqual({ index: 0, delta: {}, finish_reason: "stop" });
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
    for (const chunk of chunks) expect(chunk).toMatchObject({ object: "chat.completion.chunk", model: "openclaw" });
  });

  test("the raw stream: SSE headers, data lines only, a usage chunk when asked, data: [DONE] last", async () => {
    const res = await post("/v1/chat/completions", { model: "openclaw", stream: true, stream_options: { include_usage: true }, messages: [{ role: "user", content: "raw stream" }] });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    expect(res.headers.get("cache-control")).toBe("no-cache");
    const text = await res.text();
    expect(text.endsWith("data: [DONE]\n\n")).toBe(true);
    const frames = sseFrames(text);
    expect(frames.every((f) => f.event === undefined)).toBe(true);
    const usage = JSON.parse(frames.at(-2)!.data);
    expect(usage).toMatchObject({ object: "chat.completion.chunk", choices: [] });
    expect(usage.usage.total_tokens).toBe(usage.usage.prompt_tokens + usage.usage.completion_tokens);
  });

  test("a provider failure: 500 internal error, and in a stream an error object before [DONE]", async () => {
    const res = await post("/v1/chat/completions", { model: "openclaw", messages: [{ role: "user", content: "please fail" }] });
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual(INTERNAL);
    const streamed = await post("/v1/chat/completions", { model: "openclaw", stream: true, messages: [{ role: "user", content: "please fail" }] });
    const frames = sseFrames(await streamed.text());
    expect(frames.at(-1)!.data).toBe("[DONE]");
    expect(JSON.parse(frames.at(-2)!.data)).toEqual(INTERNAL);
    expect(gw.logLines.join("\n")).toContain("ended with status error");
  });
});

describe("errors", () => {
  test("missing user message → 400 with the reference's message", async () => {
    const res = await post("/v1/chat/completions", { model: "openclaw", messages: [{ role: "system", content: "only this" }] });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: { message: "Missing user message in `messages`.", type: "invalid_request_error" } });
    const responses = await post("/v1/responses", { model: "openclaw", input: [] });
    expect(responses.status).toBe(400);
    expect(await responses.json()).toEqual({ error: { message: "Missing user message in `input`.", type: "invalid_request_error" } });
  });

  test("wrong bearer → 401 (the SDK sees an AuthenticationError)", async () => {
    const wrong = new OpenAI({ baseURL: `${gw.httpUrl}/v1`, apiKey: "not-the-token", maxRetries: 0 });
    const error = await wrong.chat.completions.create({ model: "openclaw", messages: [{ role: "user", content: "hi" }] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    const res = await post("/v1/responses", { input: "hi" }, { authorization: "Bearer nope" });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: { message: "Unauthorized", type: "unauthorized" } });
  });

  test("a chunked body over 1 MiB → 413 before it is all read", async () => {
    const piece = new Uint8Array(64 * 1024).fill(0x20);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        sent += piece.byteLength;
        controller.enqueue(piece);
        if (sent > 4 * 1024 * 1024) controller.close();
      },
    });
    const res = await fetch(`${gw.httpUrl}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${TEST_TOKEN}`, "content-type": "application/json" },
      body,
      duplex: "half",
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ error: { message: "request body exceeds 1048576 bytes", type: "invalid_request_error" } });
  });

  test("an agent nobody configured → 400", async () => {
    const res = await post("/v1/chat/completions", { model: "openclaw/nobody", messages: [{ role: "user", content: "hi" }] });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: { message: "Unknown agent: nobody", type: "invalid_request_error" } });
  });

  test("no model configured → 503 with the runtime's message, streaming or not, for both endpoints", async () => {
    await using bare = await startTestGateway({ config: { gateway: { http: { endpoints } } } });
    const body = { error: { message: NO_MODEL_MESSAGE, type: "api_error" } };
    for (const [path, payload] of [
      ["/v1/chat/completions", { model: "openclaw", messages: [{ role: "user", content: "hi" }] }],
      ["/v1/responses", { model: "openclaw", input: "hi" }],
    ] as const) {
      for (const stream of [false, true]) {
        const res = await fetch(bare.httpUrl + path, {
          method: "POST",
          headers: { authorization: `Bearer ${TEST_TOKEN}`, "content-type": "application/json" },
          body: JSON.stringify({ ...payload, stream }),
        });
        expect({ path, stream, status: res.status, body: await res.json() }).toEqual({ path, stream, status: 503, body });
      }
    }
  });

  test("each endpoint is 404 while disabled, whatever the other one says", async () => {
    await using only = await startTestGateway({ config: { gateway: { http: { endpoints: { responses: { enabled: true } } } }, models: provider(fake), agents: { defaults: { model: "fake/m" } } } });
    const res = await fetch(`${only.httpUrl}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${TEST_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ messages: [{ role: "user", content: "hi" }] }),
    });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: { message: "Not Found", type: "not_found" } });
  });
});

describe("agent and session selection", () => {
  const sessionsOf = (agentId: string) => gw.gateway.services.sessions.list({ agentId }).map((s) => s.key);

  test("x-openclaw-agent-id picks the agent; user picks a stable session", async () => {
    const res = await post("/v1/chat/completions", { model: "openclaw", user: "header-user", messages: [{ role: "user", content: "by header" }] }, { "x-openclaw-agent-id": "ops" });
    expect(res.status).toBe(200);
    expect(sessionsOf("ops")).toContain("agent:ops:openai-user:header-user");
  });

  test("model openclaw/<id> picks the agent", async () => {
    await client.chat.completions.create({ model: "openclaw/ops", user: "model-user", messages: [{ role: "user", content: "by model" }] });
    expect(sessionsOf("ops")).toContain("agent:ops:openai-user:model-user");
  });

  test("x-openclaw-session-key is used as given; without it or a user every request is a new session", async () => {
    await post("/v1/chat/completions", { model: "openclaw", messages: [{ role: "user", content: "keyed" }] }, { "x-openclaw-session-key": "agent:main:my-thread" });
    expect(sessionsOf("main")).toContain("agent:main:my-thread");
    const before = sessionsOf("main").filter((k) => k.startsWith("agent:main:openai:"));
    await client.chat.completions.create({ model: "openclaw", messages: [{ role: "user", content: "one-off 1" }] });
    await client.chat.completions.create({ model: "openclaw", messages: [{ role: "user", content: "one-off 2" }] });
    const after = sessionsOf("main").filter((k) => k.startsWith("agent:main:openai:"));
    expect(after.length).toBe(before.length + 2);
  });

  test("responses: the openresponses session prefix", async () => {
    await client.responses.create({ model: "openclaw/ops", input: "resp session", user: "resp-user" });
    expect(sessionsOf("ops")).toContain("agent:ops:openresponses-user:resp-user");
  });
});

describe("POST /v1/responses", () => {
  test("the SDK, non-streaming: output message item and output_text", async () => {
    const response = await client.responses.create({ model: "openclaw", input: "say hello (responses)", instructions: "Be kind." });
    expect(response.id).toMatch(/^resp_[0-9a-f-]{36}$/);
    expect(response).toMatchObject({ object: "response", status: "completed", model: "openclaw", output_text: REPLY });
    expect(response.output).toEqual([
      { type: "message", id: expect.stringMatching(/^msg_/), status: "completed", role: "assistant", content: [{ type: "output_text", text: REPLY, annotations: [] }] },
    ]);
    expect(JSON.stringify((await providerRequest("say hello (responses)")).body)).toContain("Be kind.");
  });

  test("the SDK's stream helper: deltas add up to the fake's text, the final response agrees", async () => {
    const stream = client.responses.stream({ model: "openclaw", input: [{ role: "user", content: "say hello (responses stream)" }] });
    const types: string[] = [];
    let text = "";
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === "response.output_text.delta") text += event.delta;
    }
    const final = await stream.finalResponse();
    expect(text).toBe(REPLY);
    expect(final.output_text).toBe(REPLY);
    expect(final.status).toBe("completed");
    expect(types[0]).toBe("response.created");
    expect(types.at(-1)).toBe("response.completed");
  });

  test("the raw stream: event lines, the §8.2 order, data: [DONE] last", async () => {
    const res = await post("/v1/responses", { model: "openclaw", stream: true, input: "raw responses" });
    expect(res.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    const frames = sseFrames(await res.text());
    expect(frames.at(-1)).toEqual({ event: undefined, data: "[DONE]" });
    const order = [...new Set(frames.slice(0, -1).map((f) => f.event))];
    expect(order).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.content_part.added",
      "response.output_text.delta",
      "response.output_text.done",
      "response.content_part.done",
      "response.output_item.done",
      "response.completed",
    ]);
  });

  test("a provider failure: 500 internal error, and in a stream response.failed before [DONE]", async () => {
    const res = await post("/v1/responses", { model: "openclaw", input: "please fail" });
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual(INTERNAL);
    const frames = sseFrames(await (await post("/v1/responses", { model: "openclaw", stream: true, input: "please fail" })).text());
    expect(frames.at(-2)!.event).toBe("response.failed");
    expect(frames.at(-1)!.data).toBe("[DONE]");
  });
});

describe("a client that goes away", () => {
  async function abortMidStream(path: string, payload: unknown, marker: string) {
    const controller = new AbortController();
    const res = await post(path, payload, {}, controller.signal);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let seen = "";
    // Read until the provider's first words arrived through the gateway: the run is mid-stream.
    while (!seen.includes("partial")) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`the stream ended early: ${seen}`);
      seen += decoder.decode(value);
    }
    const upstream = await providerRequest(marker);
    controller.abort();
    expect(await upstream.ended).toBe("client-closed");
  }

  test("chat completions stream: the provider request is cancelled", async () => {
    await abortMidStream("/v1/chat/completions", { model: "openclaw", stream: true, messages: [{ role: "user", content: "please hang (chat)" }] }, "please hang (chat)");
  });

  test("responses stream: the provider request is cancelled", async () => {
    await abortMidStream("/v1/responses", { model: "openclaw", stream: true, input: "please hang (responses)" }, "please hang (responses)");
  });

  test("a non-stream request: the provider request is cancelled too", async () => {
    const controller = new AbortController();
    const pending = post("/v1/chat/completions", { model: "openclaw", messages: [{ role: "user", content: "please hang (plain)" }] }, {}, controller.signal).catch((e: unknown) => e);
    const upstream = await providerRequest("please hang (plain)");
    controller.abort();
    expect(await pending).toBeInstanceOf(Error);
    expect(await upstream.ended).toBe("client-closed");
  });
});

describe("GET /v1/models", () => {
  test("lists the agent targets, not provider models", async () => {
    const ids = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids).toEqual(["openclaw", "openclaw/default", "openclaw/main", "openclaw/ops"]);
    const one = await client.models.retrieve("openclaw/ops");
    expect(one).toMatchObject({ id: "openclaw/ops", object: "model", owned_by: "openclaw" });
    const missing = await fetch(`${gw.httpUrl}/v1/models/openclaw%2Fnobody`, { headers: { authorization: `Bearer ${TEST_TOKEN}` } });
    expect(missing.status).toBe(404);
  });

  test("requires the bearer", async () => {
    const res = await fetch(`${gw.httpUrl}/v1/models`);
    expect(res.status).toBe(401);
  });
});
