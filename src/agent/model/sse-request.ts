/**
 * POST a streaming request and yield its server-sent events, turning every failure into a
 * ProviderError: HTTP statuses before streaming, network drops, aborts. The response body is
 * cancelled whenever iteration stops early, so an abandoned stream never holds a socket.
 */
import type { EventSourceMessage } from "eventsource-parser";
import { abortedError, errorCode, httpError, looksRetryable, networkError, protocolError, providerMessage, streamError } from "./provider-errors.ts";
import { ProviderError, type ResolvedModel } from "./types.ts";
import { mergeHeaders } from "./wire-values.ts";

/** An error body is only read this far: enough for the message, bounded against a hostile server. */
const ERROR_BODY_LIMIT = 16 * 1024;
/** One SSE event may hold a large tool call, but not an unbounded one. */
const MAX_EVENT_CHARS = 8 * 1024 * 1024;

/** The part of a body reader used here (Bun's and the DOM's reader types differ in extras). */
interface BodyReader {
  read(): Promise<{ done: true; value?: undefined } | { done: false; value: Uint8Array }>;
  cancel(reason?: unknown): Promise<void>;
}

export interface SseRequest {
  model: ResolvedModel;
  url: string;
  headers: Record<string, string>;
  body: unknown;
  signal: AbortSignal;
  fetch: typeof fetch;
}

export async function* postForEvents(request: SseRequest): AsyncGenerator<EventSourceMessage> {
  const { model, signal } = request;
  // Loaded here, not at the top, so starting the gateway never loads the parser.
  const { createParser } = await import("eventsource-parser");
  if (signal.aborted) throw abortedError(model);

  let response: Response;
  try {
    response = await request.fetch(request.url, {
      method: "POST",
      headers: mergeHeaders({ "content-type": "application/json", accept: "text/event-stream" }, request.headers),
      body: JSON.stringify(request.body),
      signal,
    });
  } catch (error) {
    throw signal.aborted ? abortedError(model) : networkError(model, error);
  }

  const body = response.body;
  if (!body) throw response.ok ? protocolError(model, "the response has no body") : httpError(model, response.status, "");
  const reader: BodyReader = body.getReader();
  // Cancelling the reader ends a pending read at once, even when the fetch ignores the signal.
  const onAbort = () => void reader.cancel().catch(() => {});
  signal.addEventListener("abort", onAbort, { once: true });
  try {
    // An abort between the headers and the listener would otherwise leave the first read hanging.
    if (signal.aborted) throw abortedError(model);
    if (!response.ok) throw httpError(model, response.status, await readSome(reader, ERROR_BODY_LIMIT, signal, model));
    if ((response.headers.get("content-type") ?? "").includes("application/json")) {
      throw jsonInsteadOfStream(model, await readSome(reader, ERROR_BODY_LIMIT, signal, model));
    }

    const queue: EventSourceMessage[] = [];
    let parseFailure: string | null = null;
    const parser = createParser({
      onEvent: (event) => queue.push(event),
      onError: (error) => {
        if (error.type === "max-buffer-size-exceeded") parseFailure = `an event exceeded ${MAX_EVENT_CHARS} characters`;
      },
      maxBufferSize: MAX_EVENT_CHARS,
    });
    const decoder = new TextDecoder();
    for (;;) {
      const { done, value } = await read(reader, signal, model);
      if (done) break;
      parser.feed(decoder.decode(value, { stream: true }));
      if (parseFailure) throw protocolError(model, parseFailure);
      while (queue.length > 0) yield queue.shift()!;
    }
    // A final event without its blank line still counts (some servers close right after it): the
    // extra line ends, then dispatches, whatever was pending; with nothing pending it is a no-op.
    parser.feed(`${decoder.decode()}\n\n`);
    while (queue.length > 0) yield queue.shift()!;
  } finally {
    signal.removeEventListener("abort", onAbort);
    void reader.cancel().catch(() => {});
  }
}

async function read(reader: BodyReader, signal: AbortSignal, model: ResolvedModel) {
  let result: Awaited<ReturnType<BodyReader["read"]>>;
  try {
    result = await reader.read();
  } catch (error) {
    throw signal.aborted ? abortedError(model) : networkError(model, error);
  }
  // A cancel from the abort listener ends the read as "done": that is an abort, not an end.
  if (signal.aborted) throw abortedError(model);
  return result;
}

async function readSome(reader: BodyReader, limit: number, signal: AbortSignal, model: ResolvedModel): Promise<string> {
  const decoder = new TextDecoder();
  let text = "";
  try {
    while (text.length < limit) {
      const { done, value } = await read(reader, signal, model);
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } catch (error) {
    // The status is the real news; a body cut short only loses detail. An abort still wins.
    if (error instanceof ProviderError && error.kind === "aborted") throw error;
  }
  return text.slice(0, limit);
}

/** A 200 with a JSON body: a proxy's error in disguise, or a server that ignored `stream: true`. */
function jsonInsteadOfStream(model: ResolvedModel, text: string): ProviderError {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (typeof parsed === "object" && parsed !== null && "error" in parsed) {
    const message = providerMessage(text);
    return streamError(model, message, looksRetryable(message, errorCode(parsed)));
  }
  return protocolError(model, "answered with JSON instead of an event stream");
}

/** Parses one event's JSON data; a line that is not JSON is a protocol error. */
export function parseEventData(model: ResolvedModel, data: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch {
    throw protocolError(model, `the stream carried data that is not JSON: ${data.slice(0, 80)}`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw protocolError(model, `the stream carried data that is not a JSON object: ${data.slice(0, 80)}`);
  }
  return parsed as Record<string, unknown>;
}
