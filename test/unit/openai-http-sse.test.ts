/**
 * The SSE plumbing of the OpenAI-compatible endpoints: frames as both formats write them, a
 * client that goes away (body cancelled or request aborted) fires the run's abort signal, and
 * the OpenResponses event sequence (protocol.md §8.2) for success, truncation and failure.
 */
import { describe, expect, test } from "bun:test";
import type { AgentRunResult } from "../../src/agent/runner-types.ts";
import { ResponseEventWriter } from "../../src/gateway/http/openai/responses-stream.ts";
import { SseStream } from "../../src/gateway/http/openai/sse-stream.ts";

const request = (signal?: AbortSignal) => new Request("http://gateway.test/v1/responses", { method: "POST", signal });

function result(text: string, overrides: Partial<AgentRunResult["meta"]> = {}, status: AgentRunResult["status"] = "ok"): AgentRunResult {
  return {
    runId: "r1",
    status,
    text,
    payloads: [{ text }],
    meta: { durationMs: 1, model: "fake/m", usage: { inputTokens: 3, outputTokens: 4 }, stopReason: "stop", ...overrides },
  };
}

/** The frames of a finished SSE body, as `{event, data}`. */
async function frames(response: Response) {
  const text = await response.text();
  return text
    .split("\n\n")
    .filter(Boolean)
    .map((block) => {
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)![1]!;
      return { event, data: data === "[DONE]" ? data : JSON.parse(data) };
    });
}

describe("SseStream", () => {
  test("headers, data and event frames, then [DONE]", async () => {
    const sse = new SseStream(request());
    expect(sse.send({ a: 1 })).toBe(true);
    sse.send({ b: 2 }, "thing.happened");
    sse.done();
    expect(sse.send({ late: true })).toBe(false);
    expect(sse.response.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    expect(sse.response.headers.get("cache-control")).toBe("no-cache");
    expect(sse.response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(await sse.response.text()).toBe('data: {"a":1}\n\nevent: thing.happened\ndata: {"b":2}\n\ndata: [DONE]\n\n');
    expect(sse.signal.aborted).toBe(false);
  });

  test("a cancelled body fires the signal, and later writes are dropped", async () => {
    const sse = new SseStream(request());
    sse.send({ first: true });
    const reader = sse.response.body!.getReader();
    await reader.read();
    await reader.cancel();
    expect(sse.signal.aborted).toBe(true);
    expect(sse.send({ after: true })).toBe(false);
    sse.done();
  });

  test("an aborted request fires the signal, also when it was aborted before", () => {
    const controller = new AbortController();
    const sse = new SseStream(request(controller.signal));
    expect(sse.signal.aborted).toBe(false);
    controller.abort();
    expect(sse.signal.aborted).toBe(true);
    const early = new AbortController();
    early.abort();
    expect(new SseStream(request(early.signal)).signal.aborted).toBe(true);
  });
});

describe("ResponseEventWriter", () => {
  const ids = { id: "resp_r1", itemId: "msg_r1", createdAt: 1_700_000_000, model: "openclaw" };

  test("a streamed answer: the §8.2 sequence, numbered from 0, text done = what was streamed", async () => {
    const sse = new SseStream(request());
    const writer = new ResponseEventWriter(sse, ids);
    writer.open();
    writer.delta("Hel");
    writer.delta("");
    writer.delta("lo");
    writer.close({ result: result("Hello"), ok: true });
    const all = await frames(sse.response);
    expect(all.map((f) => f.event ?? f.data)).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.content_part.added",
      "response.output_text.delta",
      "response.output_text.delta",
      "response.output_text.done",
      "response.content_part.done",
      "response.output_item.done",
      "response.completed",
      "[DONE]",
    ]);
    const events = all.slice(0, -1).map((f) => f.data);
    expect(events.map((e) => e.sequence_number)).toEqual([...events.keys()]);
    for (const frame of all.slice(0, -1)) expect(frame.data.type).toBe(frame.event);
    expect(events[0].response).toMatchObject({ id: "resp_r1", object: "response", status: "in_progress", output: [] });
    expect(events[2].item).toEqual({ type: "message", id: "msg_r1", status: "in_progress", role: "assistant", content: [] });
    expect(events[4]).toMatchObject({ item_id: "msg_r1", output_index: 0, content_index: 0, delta: "Hel" });
    expect(events[6]).toMatchObject({ text: "Hello" });
    expect(events[9].response).toMatchObject({
      status: "completed",
      output_text: "Hello",
      output: [{ type: "message", id: "msg_r1", status: "completed", role: "assistant", content: [{ type: "output_text", text: "Hello", annotations: [] }] }],
      usage: { input_tokens: 3, output_tokens: 4, total_tokens: 7 },
      error: null,
    });
  });

  test("text the run never streamed goes out as one last delta; an output limit ends as response.incomplete", async () => {
    const sse = new SseStream(request());
    const writer = new ResponseEventWriter(sse, ids);
    writer.open();
    writer.close({ result: result("All at once", { stopReason: "length" }), ok: true });
    const events = (await frames(sse.response)).slice(0, -1).map((f) => f.data);
    expect(events.find((e) => e.type === "response.output_text.delta")).toMatchObject({ delta: "All at once" });
    const last = events.at(-1);
    expect(last.type).toBe("response.incomplete");
    expect(last.response).toMatchObject({ status: "incomplete", incomplete_details: { reason: "max_output_tokens" }, output: [{ status: "incomplete" }] });
  });

  test("a failed run: response.failed with a masked error, then [DONE]", async () => {
    const sse = new SseStream(request());
    const writer = new ResponseEventWriter(sse, ids);
    writer.open();
    writer.delta("partial");
    writer.close({ result: result("", { error: { kind: "http", message: "provider said sk-secret" } }, "error"), ok: false });
    const all = await frames(sse.response);
    expect(all.at(-1)!.data).toBe("[DONE]");
    const failed = all.at(-2)!;
    expect(failed.event).toBe("response.failed");
    expect(failed.data.response).toMatchObject({ status: "failed", output: [], error: { code: "server_error", message: "internal error" } });
    expect(JSON.stringify(all)).not.toContain("sk-secret");
  });
});
