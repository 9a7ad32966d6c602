/**
 * The body reader stops at the limit while streaming: an endless body is answered 413 after
 * reading just past the limit, and the source's pull count and cancel prove it stopped.
 */
import { describe, expect, test } from "bun:test";
import { readBodyBytes, readJsonBody, readTextBody } from "../../src/gateway/http/read-body.ts";

const CHUNK = 16 * 1024;

/** A body that never ends, counting how often the reader asked for more. */
function endlessBody(headers: Record<string, string> = {}) {
  const state = { pulls: 0, cancelled: false };
  const chunk = new Uint8Array(CHUNK).fill(0x20);
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      state.pulls++;
      controller.enqueue(chunk);
    },
    cancel() {
      state.cancelled = true;
    },
  }, { highWaterMark: 0 }); // pull only when the reader asks, so `pulls` counts reads exactly
  return { state, request: new Request("http://gateway.test/tools/invoke", { method: "POST", body: stream, headers }) };
}

/** A body delivered in the given chunks, without a Content-Length. */
function chunkedRequest(chunks: (string | Uint8Array)[]): Request {
  const encoder = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const c of chunks) controller.enqueue(typeof c === "string" ? encoder.encode(c) : c);
      controller.close();
    },
  });
  return new Request("http://gateway.test/x", { method: "POST", body: stream });
}

async function errorOf(result: { ok: boolean; response?: Response }) {
  expect(result.ok).toBe(false);
  const response = result.response!;
  return { status: response.status, body: await response.json() };
}

describe("limit while streaming", () => {
  for (const [name, read] of [
    ["readJsonBody", readJsonBody],
    ["readTextBody", readTextBody],
    ["readBodyBytes", readBodyBytes],
  ] as const) {
    test(`${name}: an endless body gets 413 after reading just past the limit`, async () => {
      const { state, request } = endlessBody();
      const maxBytes = 256 * 1024;
      const result = await read(request, maxBytes);
      expect(await errorOf(result)).toEqual({
        status: 413,
        body: { error: { message: `request body exceeds ${maxBytes} bytes`, type: "invalid_request_error" } },
      });
      // Exactly the chunks that fit, plus the one that went over.
      expect(state.pulls).toBe(Math.floor(maxBytes / CHUNK) + 1);
      expect(state.cancelled).toBe(true);
    });
  }

  test("a body of exactly maxBytes is accepted", async () => {
    const body = JSON.stringify({ tool: "x".repeat(100) });
    const result = await readJsonBody(chunkedRequest([body.slice(0, 10), body.slice(10)]), body.length);
    expect(result).toEqual({ ok: true, value: { tool: "x".repeat(100) } });
  });

  test("one byte over maxBytes is refused", async () => {
    const body = JSON.stringify({ tool: "x" });
    expect((await errorOf(await readJsonBody(chunkedRequest([body]), body.length - 1))).status).toBe(413);
  });
});

describe("Content-Length pre-check", () => {
  test("a declared length over the limit is refused without reading", async () => {
    const { state, request } = endlessBody({ "content-length": String(10 * 1024 * 1024) });
    expect((await errorOf(await readJsonBody(request, 1024))).status).toBe(413);
    expect(state.pulls).toBe(0);
  });

  test("a declared length under the limit does not lift the limit for a longer body", async () => {
    const { request } = endlessBody({ "content-length": "10" });
    expect((await errorOf(await readTextBody(request, 64 * 1024))).status).toBe(413);
  });
});

describe("contents", () => {
  test("chunks are joined in order and UTF-8 split across chunks decodes", async () => {
    const bytes = new TextEncoder().encode('{"text":"héllo ✓"}');
    const result = await readJsonBody(chunkedRequest([bytes.slice(0, 11), bytes.slice(11, 16), bytes.slice(16)]), 1024);
    expect(result).toEqual({ ok: true, value: { text: "héllo ✓" } });
  });

  test("readTextBody returns the raw text", async () => {
    expect(await readTextBody(chunkedRequest(["not ", "json"]), 1024)).toEqual({ ok: true, value: "not json" });
  });

  test("a request without a body is empty text, and not valid JSON", async () => {
    const request = () => new Request("http://gateway.test/x", { method: "POST" });
    expect(await readTextBody(request(), 1024)).toEqual({ ok: true, value: "" });
    expect(await errorOf(await readJsonBody(request(), 1024))).toEqual({
      status: 400,
      body: { error: { message: "request body is not valid JSON", type: "invalid_request_error" } },
    });
  });

  test("malformed JSON is a 400", async () => {
    expect((await errorOf(await readJsonBody(chunkedRequest(["{nope"]), 1024))).status).toBe(400);
  });

  test("a stream that fails mid-body is a 400, not a throw", async () => {
    let sent = false;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent) controller.error(new Error("connection reset"));
        else controller.enqueue(new TextEncoder().encode('{"a":'));
        sent = true;
      },
    });
    const result = await readJsonBody(new Request("http://gateway.test/x", { method: "POST", body: stream }), 1024);
    expect(await errorOf(result)).toEqual({
      status: 400,
      body: { error: { message: "could not read the request body", type: "invalid_request_error" } },
    });
  });

  test("a body that was already consumed is a 400", async () => {
    const request = chunkedRequest(["{}"]);
    await request.text();
    expect((await errorOf(await readJsonBody(request, 1024))).status).toBe(400);
  });
});
