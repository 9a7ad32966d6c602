/**
 * Agent runs over the WebSocket against fake providers that speak the real streaming formats:
 * the two-stage `agent` response and its events, retries before and after a restart, timeout,
 * fallback, tool-call round trips on both providers, chat events and abort, history trimming,
 * no model configured, and no API key in any log line.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { rm } from "node:fs/promises";
import { startFakeAnthropic } from "../fakes/anthropic.ts";
import { startFakeOpenAI, type FakeOpenAI } from "../fakes/openai-compatible.ts";
import type { FakeScript } from "../fakes/sse.ts";
import { makeTempHome, startTestGateway, type TestGateway } from "../helpers/gateway.ts";
import { connectClient, type Frame, type TestClient } from "../helpers/ws-client.ts";

const API_KEY = "sk-fake-provider-key-0123456789";
const fakes: { stop(): Promise<void> }[] = [];
afterAll(() => Promise.all(fakes.map((f) => f.stop())));

function openai(script: FakeScript): FakeOpenAI {
  const fake = startFakeOpenAI({ script });
  fakes.push(fake);
  return fake;
}

/** Config for one or more fake OpenAI-compatible providers, the first one primary. */
function modelConfig(providers: Record<string, { baseUrl: string; api?: string; contextWindow?: number }>, extra: Record<string, unknown> = {}) {
  const ids = Object.keys(providers);
  return {
    models: {
      providers: Object.fromEntries(
        Object.entries(providers).map(([id, p]) => [id, { baseUrl: p.baseUrl, apiKey: API_KEY, api: p.api ?? "openai-completions", models: [{ id: "m", ...(p.contextWindow ? { contextWindow: p.contextWindow, maxTokens: 100 } : {}) }] }]),
      ),
    },
    agents: { defaults: { model: { primary: `${ids[0]}/m`, fallbacks: ids.slice(1).map((id) => `${id}/m`) }, ...extra } },
  };
}

/** Sends `agent` and returns the request id; frames arrive on the client. */
function sendAgent(client: TestClient, params: Record<string, unknown>): string {
  const id = crypto.randomUUID();
  client.send({ type: "req", id, method: "agent", params });
  return id;
}

const responsesFor = (client: TestClient, id: string) => client.frames.filter((f) => f.type === "res" && f.id === id);
const finalFor = (client: TestClient, id: string) =>
  client.waitFor(`the final response to ${id}`, () => responsesFor(client, id).find((f) => !f.ok || f.payload?.status !== "accepted"), 10_000);
const agentEvents = (client: TestClient, runId: string) => client.frames.filter((f: Frame) => f.type === "event" && f.event === "agent" && f.payload.runId === runId);

function noKeyIn(gw: TestGateway) {
  expect(gw.logLines.join("\n")).not.toContain(API_KEY);
}

describe("the agent method", () => {
  test("accepted, then streamed events with a per-run seq, then the final on the same request id", async () => {
    const fake = openai([{ type: "text", text: "Hello there, world", chunks: 3 }]);
    await using gw = await startTestGateway({ config: modelConfig({ fake: { baseUrl: fake.baseUrl } }) });
    const { client } = await connectClient(gw.url);
    const id = sendAgent(client, { message: "hi", idempotencyKey: "run-1" });
    const final = await finalFor(client, id);
    const [ack] = responsesFor(client, id);
    expect(ack).toMatchObject({ ok: true, payload: { runId: "run-1", status: "accepted" } });
    expect(typeof ack!.payload.acceptedAt).toBe("number");
    expect(final).toMatchObject({ ok: true, payload: { runId: "run-1", status: "ok", summary: "completed", result: { payloads: [{ text: "Hello there, world" }] } } });
    expect(final.payload.result.meta).toMatchObject({ model: "fake/m", usage: { inputTokens: 12, outputTokens: 7 } });

    const events = agentEvents(client, "run-1");
    expect(events.map((e) => e.payload.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events[0]!.payload).toMatchObject({ stream: "lifecycle", data: { phase: "start" }, sessionKey: "agent:main:main" });
    expect(events.at(-1)!.payload).toMatchObject({ stream: "lifecycle", data: { phase: "end" } });
    const assistant = events.filter((e) => e.payload.stream === "assistant").map((e) => e.payload.data);
    expect(assistant.map((d) => d.delta).join("")).toBe("Hello there, world");
    expect(assistant.at(-1)!.text).toBe("Hello there, world");
    // Events come before the final answer.
    expect(client.frames.indexOf(events.at(-1)!)).toBeLessThan(client.frames.indexOf(final));

    // The provider got the key, the system prompt and the user's message.
    const sent = fake.requests[0]! as { headers: Record<string, string>; body: { messages: { role: string; content: unknown }[] } };
    expect(sent.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(sent.body.messages.at(-1)).toEqual({ role: "user", content: "hi" });
    expect(sent.body.messages[0].role).toBe("system");
    // The turn is in the session's transcript.
    expect(gw.gateway.services.sessions.transcript("agent:main:main").map((e) => e.message)).toEqual([
      { role: "user", content: "hi" },
      { role: "assistant", content: "Hello there, world" },
    ]);
    noKeyIn(gw);
    client.close();
  });

  test("a retry while running gets the ack and then the same final; after completion, the final alone", async () => {
    const fake = openai([{ type: "text", text: "slow answer", chunks: 2, firstByteDelayMs: 300 }]);
    await using gw = await startTestGateway({ config: modelConfig({ fake: { baseUrl: fake.baseUrl } }) });
    const { client } = await connectClient(gw.url);
    const first = sendAgent(client, { message: "hi", idempotencyKey: "same" });
    await client.waitFor("the first ack", () => responsesFor(client, first)[0]);
    const second = sendAgent(client, { message: "hi", idempotencyKey: "same" });
    const [a, b] = [await finalFor(client, first), await finalFor(client, second)];
    expect(responsesFor(client, second)[0]).toMatchObject({ ok: true, payload: { runId: "same", status: "accepted" } });
    expect(b.payload).toEqual(a.payload);
    const third = sendAgent(client, { message: "hi", idempotencyKey: "same" });
    const replayed = await finalFor(client, third);
    expect(replayed.payload).toEqual(a.payload);
    expect(responsesFor(client, third)).toHaveLength(1);
    expect(fake.requests).toHaveLength(1);
    client.close();
  });

  test("after a restart: a finished run's final is replayed; a run the restart cut answers so and is not run again", async () => {
    const fake = openai((_request, index) => (index === 0 ? { type: "text", text: "before" } : { type: "hang" }));
    const home = await makeTempHome();
    try {
      const config = modelConfig({ fake: { baseUrl: fake.baseUrl } });
      {
        await using gw = await startTestGateway({ home, config });
        const { client } = await connectClient(gw.url);
        await finalFor(client, sendAgent(client, { message: "one", idempotencyKey: "done-run" }));
        const cut = sendAgent(client, { message: "two", idempotencyKey: "cut-run", sessionKey: "other" });
        await client.waitFor("the cut run's ack", () => responsesFor(client, cut)[0]);
        await fake.waitForRequests(2);
        client.close();
      }
      await using gw = await startTestGateway({ home, config });
      const { client } = await connectClient(gw.url);
      const replayed = await finalFor(client, sendAgent(client, { message: "one", idempotencyKey: "done-run" }));
      expect(replayed.payload).toMatchObject({ runId: "done-run", status: "ok", result: { payloads: [{ text: "before" }] } });
      const again = await finalFor(client, sendAgent(client, { message: "two", idempotencyKey: "cut-run", sessionKey: "other" }));
      expect(again).toMatchObject({ ok: false, error: { code: "UNAVAILABLE", message: expect.stringContaining("restarted while this run was in progress") }, payload: { runId: "cut-run", status: "error" } });
      expect(fake.requests).toHaveLength(2);
      client.close();
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });

  test("a run longer than its timeout ends with AGENT_TIMEOUT and a lifecycle error", async () => {
    const fake = openai([{ type: "hang", text: "partial" }]);
    await using gw = await startTestGateway({ config: modelConfig({ fake: { baseUrl: fake.baseUrl } }) });
    const { client } = await connectClient(gw.url);
    const final = await finalFor(client, sendAgent(client, { message: "hi", idempotencyKey: "slow", timeout: 1 }));
    expect(final).toMatchObject({ ok: false, error: { code: "AGENT_TIMEOUT" }, payload: { runId: "slow", status: "error" } });
    expect(agentEvents(client, "slow").at(-1)!.payload).toMatchObject({ stream: "lifecycle", data: { phase: "error" } });
    expect(await fake.requests[0]!.ended).toBe("client-closed");
    client.close();
  });

  test("a 429 from the primary falls back to the next model; a 400 does not", async () => {
    const primary = openai([{ type: "http_error", status: 429 }, { type: "http_error", status: 400, message: "bad request" }]);
    const backup = openai([{ type: "text", text: "from the backup" }]);
    await using gw = await startTestGateway({ config: modelConfig({ first: { baseUrl: primary.baseUrl }, second: { baseUrl: backup.baseUrl } }) });
    const { client } = await connectClient(gw.url);
    const ok = await finalFor(client, sendAgent(client, { message: "hi", idempotencyKey: "fb-1" }));
    expect(ok.payload).toMatchObject({ status: "ok", result: { payloads: [{ text: "from the backup" }], meta: { model: "second/m" } } });
    const refused = await finalFor(client, sendAgent(client, { message: "hi", idempotencyKey: "fb-2" }));
    expect(refused).toMatchObject({ ok: false, error: { code: "UNAVAILABLE", message: expect.stringContaining("bad request") } });
    expect(backup.requests).toHaveLength(1);
    noKeyIn(gw);
    client.close();
  });

  test("no model configured: UNAVAILABLE naming the key to set; the gateway stays up", async () => {
    await using gw = await startTestGateway();
    const { client } = await connectClient(gw.url);
    const res = await client.rpc("agent", { message: "hi", idempotencyKey: "none" });
    expect(res).toMatchObject({ ok: false, error: { code: "UNAVAILABLE", message: expect.stringContaining("agents.defaults.model") } });
    expect((await client.rpc("health")).ok).toBe(true);
    client.close();
  });
});

describe("tools", () => {
  for (const provider of ["openai", "anthropic"] as const) {
    test(`a tool-call round trip (${provider}): the call, its result sent back, and the final text`, async () => {
      const script: FakeScript = [{ type: "tool_calls", calls: [{ name: "sessions_list", arguments: {} }] }, { type: "text", text: "you have sessions" }];
      const fake = provider === "openai" ? openai(script) : startFakeAnthropic({ script });
      if (provider === "anthropic") fakes.push(fake);
      const api = provider === "openai" ? "openai-completions" : "anthropic-messages";
      const baseUrl = provider === "openai" ? (fake as FakeOpenAI).baseUrl : fake.origin;
      await using gw = await startTestGateway({ config: modelConfig({ p: { baseUrl, api } }) });
      const { client } = await connectClient(gw.url, { extra: { caps: ["tool-events"] } });
      const final = await finalFor(client, sendAgent(client, { message: "list my sessions", idempotencyKey: `tool-${provider}` }));
      expect(final.payload).toMatchObject({ status: "ok", result: { payloads: [{ text: "you have sessions" }] } });
      const tools = agentEvents(client, `tool-${provider}`).filter((e) => e.payload.stream === "tool").map((e) => e.payload.data);
      expect(tools.map((d) => [d.phase, d.name])).toEqual([["start", "sessions_list"], ["result", "sessions_list"]]);
      expect(tools[1]!.isError).toBe(false);
      // The second model request carries the tool call and its result.
      const second = JSON.stringify(fake.requests[1]!.body);
      expect(second).toContain("sessions_list");
      expect(second).toContain(provider === "openai" ? '"role":"tool"' : '"type":"tool_result"');
      client.close();
    });
  }
});

describe("chat", () => {
  test("chat.send streams chat deltas and a final to the session; chat.abort ends a run as aborted", async () => {
    const fake = openai([{ type: "text", text: "chatty reply", chunks: 4 }, { type: "hang", text: "never" }]);
    await using gw = await startTestGateway({ config: modelConfig({ fake: { baseUrl: fake.baseUrl } }) });
    const { client } = await connectClient(gw.url);
    expect((await client.rpc("chat.send", { sessionKey: "main", message: "hi", idempotencyKey: "c1" })).payload).toEqual({ runId: "c1", status: "started" });
    const final = await client.take((f) => f.event === "chat" && f.payload.runId === "c1" && f.payload.state === "final", "chat final", 10_000);
    expect(final.payload.message.content[0].text).toBe("chatty reply");
    expect((await client.rpc("chat.send", { sessionKey: "main", message: "hi", idempotencyKey: "c1" })).payload).toEqual({ runId: "c1", status: "ok" });
    const history = (await client.rpc("chat.history", { sessionKey: "main" })).payload;
    expect(history.messages.map((m: Frame) => [m.role, m.content[0].text])).toEqual([["user", "hi"], ["assistant", "chatty reply"]]);

    expect((await client.rpc("chat.send", { sessionKey: "main", message: "again", idempotencyKey: "c2" })).payload.status).toBe("started");
    await fake.waitForRequests(2);
    expect((await client.rpc("chat.send", { sessionKey: "main", message: "again", idempotencyKey: "c2" })).payload.status).toBe("in_flight");
    const aborted = await client.rpc("chat.abort", { sessionKey: "main" });
    expect(aborted.payload).toEqual({ ok: true, aborted: true, runIds: ["c2"] });
    await client.take((f) => f.event === "chat" && f.payload.runId === "c2" && f.payload.state === "aborted", "chat aborted");
    client.close();
  });
});

describe("history", () => {
  test("old turns are dropped to fit the model's context window, newest kept", async () => {
    // About 1,500 tokens a reply: two of them with their questions no longer fit the ~2,750 left of 3,000.
    const long = "x".repeat(6000);
    const fake = openai(() => ({ type: "text", text: long }));
    await using gw = await startTestGateway({ config: modelConfig({ fake: { baseUrl: fake.baseUrl, contextWindow: 3000 } }) });
    const { client } = await connectClient(gw.url);
    for (let i = 0; i < 3; i++) await finalFor(client, sendAgent(client, { message: `turn ${i}`, idempotencyKey: `h${i}` }));
    const last = (fake.requests.at(-1)!.body as { messages: { role: string; content: string }[] }).messages;
    // The system prompt and the new message always go; only what fits of the transcript joins them.
    expect(last.at(-1)).toEqual({ role: "user", content: "turn 2" });
    expect(last.some((m) => m.content === "turn 0")).toBe(false);
    expect(gw.gateway.services.sessions.transcript("agent:main:main")).toHaveLength(6);
    client.close();
  });
});

describe("runs, sessions and waiting", () => {
  test("one run at a time per session: the second message waits for the first; other sessions run alongside", async () => {
    const fake = openai((request) => {
      const last = (request.body as { messages: { content: string }[] }).messages.at(-1)!.content;
      return { type: "text", text: `re: ${last}`, firstByteDelayMs: last === "first" ? 200 : 0 };
    });
    await using gw = await startTestGateway({ config: modelConfig({ fake: { baseUrl: fake.baseUrl } }) });
    const { client } = await connectClient(gw.url);
    const a = sendAgent(client, { message: "first", idempotencyKey: "q1" });
    await fake.waitForRequests(1);
    const b = sendAgent(client, { message: "second", idempotencyKey: "q2" });
    const c = sendAgent(client, { message: "elsewhere", idempotencyKey: "q3", sessionKey: "side" });
    await Promise.all([finalFor(client, a), finalFor(client, b), finalFor(client, c)]);
    const start = (runId: string) => client.frames.findIndex((f) => f.event === "agent" && f.payload.runId === runId && f.payload.data.phase === "start");
    const end = (runId: string) => client.frames.findIndex((f) => f.event === "agent" && f.payload.runId === runId && f.payload.data.phase === "end");
    expect(start("q2")).toBeGreaterThan(end("q1"));
    // The other session did not wait for the slow first run.
    expect(end("q3")).toBeLessThan(end("q1"));
    // The queued message saw the first exchange as history.
    expect(JSON.stringify(fake.requests.find((r) => JSON.stringify(r.body).includes("second"))!.body)).toContain("re: first");
    client.close();
  });

  test("agent.wait reports a finished run, and timeout for one still running; agent.identity.get names the agent", async () => {
    const fake = openai([{ type: "text", text: "done" }, { type: "hang" }]);
    await using gw = await startTestGateway({ config: { ...modelConfig({ fake: { baseUrl: fake.baseUrl } }), agents: { ...modelConfig({ fake: { baseUrl: fake.baseUrl } }).agents, list: [{ id: "main", identity: { name: "Clawd", emoji: "🦞" } }] } } });
    const { client } = await connectClient(gw.url);
    await finalFor(client, sendAgent(client, { message: "hi", idempotencyKey: "w1" }));
    expect((await client.rpc("agent.wait", { runId: "w1", timeoutMs: 1000 })).payload).toMatchObject({ runId: "w1", status: "ok" });
    sendAgent(client, { message: "hi", idempotencyKey: "w2", sessionKey: "other" });
    await fake.waitForRequests(2);
    expect((await client.rpc("agent.wait", { runId: "w2", timeoutMs: 50 })).payload).toEqual({ runId: "w2", status: "timeout" });
    expect((await client.rpc("agent.identity.get", {})).payload).toEqual({ agentId: "main", name: "Clawd", emoji: "🦞" });
    expect((await client.rpc("agent.identity.get", { agentId: "nobody" })).error).toEqual({ code: "INVALID_REQUEST", message: "unknown agent id: nobody" });
    client.close();
  });

  test("tool events reach only clients that declared the tool-events cap", async () => {
    const fake = openai([{ type: "tool_calls", calls: [{ name: "sessions_list", arguments: {} }] }, { type: "text", text: "ok" }]);
    await using gw = await startTestGateway({ config: modelConfig({ fake: { baseUrl: fake.baseUrl } }) });
    const { client } = await connectClient(gw.url);
    await finalFor(client, sendAgent(client, { message: "hi", idempotencyKey: "nocap" }));
    const events = agentEvents(client, "nocap");
    expect(events.map((e) => e.payload.stream)).not.toContain("tool");
    expect(events.map((e) => e.payload.stream)).toContain("lifecycle");
    // Tool events do not use up the run's seq: without them the sequence has no gap.
    expect(events.map((e) => e.payload.seq)).toEqual(events.map((_, i) => i + 1));
    client.close();
  });
});

test("a session reset during a run aborts the run, and its turn stays out of the new conversation", async () => {
  const fake = openai([{ type: "hang", text: "working" }]);
  await using gw = await startTestGateway({ config: modelConfig({ fake: { baseUrl: fake.baseUrl } }) });
  const { client } = await connectClient(gw.url);
  const id = sendAgent(client, { message: "long job", idempotencyKey: "reset-me" });
  await fake.waitForRequests(1);
  const before = gw.gateway.services.sessions.get("agent:main:main")!.sessionId;
  expect((await client.rpc("sessions.reset", { key: "main" })).ok).toBe(true);
  const final = await finalFor(client, id);
  expect(final.ok).toBe(false);
  const after = gw.gateway.services.sessions.get("agent:main:main")!;
  expect(after.sessionId).not.toBe(before);
  expect(gw.gateway.services.sessions.transcript("agent:main:main")).toEqual([]);
  client.close();
});
