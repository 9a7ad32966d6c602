/**
 * Request bodies are limited while they stream in: a 40 MB chunked upload (no Content-Length)
 * to `/tools/invoke` is answered 413 after about the 2 MB limit, the gateway stops reading, and
 * the process does not grow by anything like the body's size. The gateway runs in this process,
 * so this process's RSS is the gateway's.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { TOOLS_INVOKE_MAX_BODY } from "../../src/gateway/http/tools-invoke.ts";
import { startTestGateway, TEST_TOKEN, type TestGateway } from "../helpers/gateway.ts";

const CHUNK = 64 * 1024;
const MB = 1024 * 1024;
const TOO_LARGE = { error: { message: `request body exceeds ${TOOLS_INVOKE_MAX_BODY} bytes`, type: "invalid_request_error" } };

let gw: TestGateway;

beforeAll(async () => {
  gw = await startTestGateway();
});

afterAll(async () => {
  await gw?.stop();
});

interface Upload {
  status: number;
  body: unknown;
  bytesHandedOver: number;
  /** The highest RSS seen while the body was being sent and answered. */
  peakRss: number;
}

/**
 * POSTs `totalBytes` of spaces as a chunked stream (one reused chunk, so the client side
 * allocates next to nothing). RSS is sampled on every chunk: the allocator may hand a freed
 * buffer back to the OS before the request ends, so only the peak shows what reading cost.
 */
async function postChunked(totalBytes: number): Promise<Upload> {
  const chunk = new Uint8Array(CHUNK).fill(0x20);
  let sent = 0;
  let peakRss = process.memoryUsage.rss();
  const body = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        peakRss = Math.max(peakRss, process.memoryUsage.rss());
        if (sent >= totalBytes) return controller.close();
        sent += CHUNK;
        controller.enqueue(chunk);
      },
    },
    { highWaterMark: 0 },
  );
  const res = await fetch(`${gw.httpUrl}/tools/invoke`, {
    method: "POST",
    headers: { Authorization: `Bearer ${TEST_TOKEN}`, "Content-Type": "application/json" },
    body,
  });
  const parsed = await res.json();
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
  return { status: res.status, body: parsed, bytesHandedOver: sent, peakRss };
}

function settledRss(): number {
  Bun.gc(true);
  return process.memoryUsage.rss();
}

test("a 40 MB chunked POST to /tools/invoke gets 413 without buffering the body", async () => {
  // Warm up first, so buffers the HTTP client and server allocate once are not counted below.
  for (let i = 0; i < 2; i++) expect((await postChunked(4 * MB)).status).toBe(413);
  const before = settledRss();

  const result = await postChunked(40 * MB);
  const grownMb = (result.peakRss - before) / MB;

  expect({ status: result.status, body: result.body }).toEqual({ status: 413, body: TOO_LARGE });
  // The gateway stopped reading: most of the body was never even taken from the client.
  expect(result.bytesHandedOver).toBeLessThan(20 * MB);
  expect(grownMb).toBeLessThan(20);
});

test("a declared Content-Length over the limit is refused up front", async () => {
  const res = await fetch(`${gw.httpUrl}/tools/invoke`, {
    method: "POST",
    headers: { Authorization: `Bearer ${TEST_TOKEN}`, "Content-Type": "application/json" },
    body: new Uint8Array(TOOLS_INVOKE_MAX_BODY + 1).fill(0x20),
  });
  expect({ status: res.status, body: await res.json() }).toEqual({ status: 413, body: TOO_LARGE });
});

test("a body under the limit still reaches the route", async () => {
  const res = await fetch(`${gw.httpUrl}/tools/invoke`, {
    method: "POST",
    headers: { Authorization: `Bearer ${TEST_TOKEN}`, "Content-Type": "application/json" },
    body: JSON.stringify({ tool: "nope", args: { pad: " ".repeat(TOOLS_INVOKE_MAX_BODY / 2) } }),
  });
  expect({ status: res.status, body: await res.json() }).toEqual({
    status: 404,
    body: { ok: false, error: { type: "not_found", message: "Tool not available: nope" } },
  });
});
