/**
 * What the fake model servers (`openai-compatible.ts`, `anthropic.ts`) share: the script steps
 * both understand, request recording, and a Bun.serve loop on 127.0.0.1 port 0 that streams
 * server-sent events with optional delays and notices when the client goes away.
 *
 * Steps are provider-neutral so one test can run against either fake:
 *   { type: "text", text, chunks?, usage?, stopReason? }         a reply streamed in `chunks` pieces (default 3);
 *                                                                 stopReason "stop" (default) or "length"
 *   { type: "tool_calls", calls: [{name, arguments, id?, pieces?, inline?}], text?, interleave?, usage? }
 *   { type: "stream_error", text?, message?, errorType? }          an error event mid-stream, then close
 *   { type: "http_error", status, message?, errorType?, headers? } a JSON error body before streaming
 *   { type: "hang", text? }                                       start streaming, then never finish
 *   { type: "cut", text? }                                        start streaming, then close without finishing
 *   { type: "raw", frames: [{event?, data}], hang? }              exactly these frames
 * Any step may add `firstByteDelayMs` (before the response starts) and `chunkDelayMs` (between frames).
 * A script is an array (one step per request, in order) or `(request, index) => step`.
 * `drain(stream)` collects what a ModelClient stream yielded and threw, for assertions.
 */
import { Condition } from "../helpers/condition.ts";

export interface FakeUsage {
  inputTokens: number;
  outputTokens: number;
}

export interface FakeToolCall {
  /** Default `call_<n>` (OpenAI) or `toolu_<n>` (Anthropic), n counting from 1 in the step; null sends no id (local servers). */
  id?: string | null;
  name: string;
  /** An object (serialised) or the exact JSON text. Default `{}`. */
  arguments?: Record<string, unknown> | string;
  /** Split the JSON text into this many pieces (default 2), or send exactly these pieces. */
  pieces?: number | string[];
  /** OpenAI only: the first fragment already carries the first piece (`pieces: 1` = the whole call in one chunk). */
  inline?: boolean;
}

export interface FakeTiming {
  /** Wait this long before answering at all (no headers, no bytes). Default 0. */
  firstByteDelayMs?: number;
  /** Wait this long before each frame after the first. Default 0. */
  chunkDelayMs?: number;
}

export interface SseFrame {
  event?: string;
  /** An object is sent as JSON; a string as it is (e.g. `[DONE]`). */
  data: unknown;
}

export type FakeStep = FakeTiming &
  (
    | { type: "text"; text: string; chunks?: number; usage?: FakeUsage | null; stopReason?: string }
    | { type: "tool_calls"; calls: FakeToolCall[]; text?: string; interleave?: boolean; usage?: FakeUsage | null }
    | { type: "stream_error"; text?: string; message?: string; errorType?: string }
    | { type: "http_error"; status: number; message?: string; errorType?: string; headers?: Record<string, string> }
    | { type: "hang"; text?: string }
    | { type: "cut"; text?: string }
    | { type: "raw"; frames: SseFrame[]; hang?: boolean }
  );

export interface RecordedRequest {
  method: string;
  /** Path and query, e.g. `/v1/chat/completions`. */
  path: string;
  /** Lowercased names. */
  headers: Record<string, string>;
  /** The parsed JSON body, or the text when it is not JSON. */
  body: unknown;
  /** "complete" once the last byte was sent; "client-closed" when the client went away first. */
  ended: Promise<"complete" | "client-closed">;
}

export type FakeScript = FakeStep[] | ((request: RecordedRequest, index: number) => FakeStep | Promise<FakeStep>);

/** What a provider-specific renderer turns a step into. */
export type ResponsePlan =
  | { kind: "json"; status: number; body: unknown; headers?: Record<string, string> }
  | { kind: "sse"; frames: SseFrame[]; hang?: boolean };

export interface FakeServer {
  /** `http://127.0.0.1:<port>`. */
  origin: string;
  port: number;
  /** Every request so far, in arrival order. */
  requests: RecordedRequest[];
  /** Replaces the script; array steps count from the next request. */
  setScript(script: FakeScript): void;
  /** Resolves once `count` requests have arrived (default timeout 5 s). */
  waitForRequests(count: number, timeoutMs?: number): Promise<RecordedRequest[]>;
  /** Closes the server and every open connection. */
  stop(): Promise<void>;
}

export interface FakeServerInit {
  script: FakeScript;
  /** The renderer for a path, or undefined for a 404. */
  route: (path: string) => ((step: FakeStep, request: RecordedRequest) => ResponsePlan) | undefined;
}

export const DEFAULT_USAGE: FakeUsage = { inputTokens: 12, outputTokens: 7 };

export function startFakeServer(init: FakeServerInit): FakeServer {
  const requests: RecordedRequest[] = [];
  const arrived = new Condition();
  let script = init.script;
  let scriptStart = 0;

  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(req, srv) {
      const url = new URL(req.url);
      const text = await req.text();
      let endedWith!: (how: "complete" | "client-closed") => void;
      const record: RecordedRequest = {
        method: req.method,
        path: url.pathname + url.search,
        headers: Object.fromEntries([...req.headers].map(([name, value]) => [name.toLowerCase(), value])),
        body: parseBody(text),
        ended: new Promise((resolve) => (endedWith = resolve)),
      };
      const index = requests.push(record) - 1;
      arrived.wake();
      req.signal.addEventListener("abort", () => endedWith("client-closed"), { once: true });
      // Slow and endless streams must outlive Bun's idle timeout.
      srv.timeout(req, 0);

      const render = req.method === "POST" ? init.route(url.pathname) : undefined;
      if (!render) return finish(endedWith, json(404, { error: { message: `fake: no route for ${req.method} ${url.pathname}`, type: "not_found" } }));
      const step = await stepFor(script, record, index - scriptStart);
      if (!step) return finish(endedWith, json(500, { error: { message: `fake: the script has no step for request ${index}`, type: "fake_script_exhausted" } }));
      if (step.firstByteDelayMs) await delay(step.firstByteDelayMs, req.signal);
      const plan = render(step, record);
      if (plan.kind === "json") return finish(endedWith, json(plan.status, plan.body, plan.headers));
      return new Response(sseBody(plan, step.chunkDelayMs ?? 0, endedWith), {
        headers: { "content-type": "text/event-stream", "cache-control": "no-cache" },
      });
    },
  });

  return {
    origin: `http://127.0.0.1:${server.port}`,
    port: server.port!,
    requests,
    setScript(next) {
      script = next;
      scriptStart = requests.length;
    },
    waitForRequests: (count, timeoutMs = 5000) =>
      arrived.waitFor(`${count} request(s)`, () => (requests.length >= count ? requests.slice(0, count) : undefined), timeoutMs, () => ` (got ${requests.length})`),
    stop: () => server.stop(true),
  };
}

async function stepFor(script: FakeScript, request: RecordedRequest, index: number): Promise<FakeStep | undefined> {
  return typeof script === "function" ? await script(request, index) : script[index];
}

function finish(endedWith: (how: "complete") => void, response: Response): Response {
  endedWith("complete");
  return response;
}

/** Streams the frames; a hanging plan then waits until the client cancels. */
function sseBody(plan: Extract<ResponsePlan, { kind: "sse" }>, chunkDelayMs: number, endedWith: (how: "complete" | "client-closed") => void) {
  const encoder = new TextEncoder();
  const cancelled = new AbortController();
  let next = 0;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (next >= plan.frames.length) {
          if (!plan.hang) {
            controller.close();
            endedWith("complete");
            return;
          }
          await new Promise<void>((resolve) => cancelled.signal.addEventListener("abort", () => resolve(), { once: true }));
          return;
        }
        if (next > 0 && chunkDelayMs > 0) await delay(chunkDelayMs, cancelled.signal);
        if (cancelled.signal.aborted) return;
        controller.enqueue(encoder.encode(encodeFrame(plan.frames[next++]!)));
      },
      cancel() {
        cancelled.abort();
        endedWith("client-closed");
      },
    },
    { highWaterMark: 0 },
  );
}

export function encodeFrame(frame: SseFrame): string {
  const data = typeof frame.data === "string" ? frame.data : JSON.stringify(frame.data);
  return `${frame.event ? `event: ${frame.event}\n` : ""}data: ${data}\n\n`;
}

/** The JSON text of a tool call's arguments, split into its pieces. */
export function argumentPieces(call: FakeToolCall): string[] {
  const text = typeof call.arguments === "string" ? call.arguments : JSON.stringify(call.arguments ?? {});
  if (Array.isArray(call.pieces)) return call.pieces;
  return splitText(text, call.pieces ?? 2);
}

/** `text` in `count` nearly equal pieces (at least one, possibly ""). */
export function splitText(text: string, count: number): string[] {
  const n = Math.max(1, Math.min(count, text.length || 1));
  const size = Math.ceil(text.length / n);
  const pieces: string[] = [];
  for (let i = 0; i < n; i++) pieces.push(text.slice(i * size, (i + 1) * size));
  return pieces.filter((piece, i) => piece !== "" || i === 0);
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });
}

function parseBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}

/** Drains a model stream: every event it yielded, and what it threw (null when it finished). */
export async function drain<T>(stream: AsyncIterable<T>): Promise<{ events: T[]; error: unknown }> {
  const events: T[] = [];
  try {
    for await (const event of stream) events.push(event);
    return { events, error: null };
  } catch (error) {
    return { events, error };
  }
}
