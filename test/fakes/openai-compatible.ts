/**
 * A fake OpenAI-compatible server: `POST …/chat/completions` (Chat Completions chunks, §4.4) and
 * `POST …/responses` (Responses API events), both streaming, scripted per request.
 *
 *   const fake = startFakeOpenAI({ script: [{ type: "text", text: "Hello!", chunks: 3 }] });
 *   fake.baseUrl                       // "http://127.0.0.1:<port>/v1": use as models.providers.<id>.baseUrl
 *   fake.model({ apiKey: "sk-test" })  // a ResolvedModel pointing here (api default "openai-completions")
 *   fake.requests[0].headers.authorization, fake.requests[0].body.messages
 *   await fake.requests[0].ended       // "complete" | "client-closed"
 *   await fake.stop();
 *
 * Steps are described in `sse.ts`. Chat Completions specifics: the usage chunk (`choices: []`)
 * is only sent when the request asked for `stream_options.include_usage` and the step's usage is
 * not null; a call with `id: null` is sent without an id. `OPENAI_MINIMAL_TOOL_CALL` is the
 * spec's minimal tool-call sequence, verbatim. Responses API: the same steps become
 * `response.created`, output items with `response.output_text.delta` /
 * `response.function_call_arguments.delta`, then `response.completed` (usage) or
 * `response.incomplete` (text step with `stopReason: "length"`); `stream_error` is an `error` event.
 */
import type { ResolvedModel } from "../../src/agent/model/types.ts";
import {
  argumentPieces,
  DEFAULT_USAGE,
  splitText,
  startFakeServer,
  type FakeScript,
  type FakeServer,
  type FakeStep,
  type RecordedRequest,
  type ResponsePlan,
  type SseFrame,
} from "./sse.ts";

export type { FakeScript, FakeStep, FakeToolCall, FakeUsage, RecordedRequest, SseFrame } from "./sse.ts";

/** channels-and-models.md §4.4 "Minimal fake": role chunk, get_time {"tz":"UTC"} in two pieces, finish, [DONE]. */
export const OPENAI_MINIMAL_TOOL_CALL: FakeStep = {
  type: "tool_calls",
  calls: [{ id: "call_1", name: "get_time", pieces: ['{"tz":', '"UTC"}'] }],
  usage: null,
};

export interface FakeOpenAI extends FakeServer {
  /** `origin + "/v1"`, as OpenAI-compatible base URLs are written. */
  baseUrl: string;
  /** A model on this server: ref `fake/fake-model`, no key unless given, usage in streaming on. */
  model(overrides?: Partial<ResolvedModel>): ResolvedModel;
}

export interface FakeOpenAIOptions {
  script: FakeScript;
}

export function startFakeOpenAI(options: FakeOpenAIOptions): FakeOpenAI {
  const server = startFakeServer({
    script: options.script,
    route: (path) => (path.endsWith("/chat/completions") ? renderChatCompletions : path.endsWith("/responses") ? renderResponsesEvents : undefined),
  });
  const baseUrl = `${server.origin}/v1`;
  return Object.assign(server, {
    baseUrl,
    model: (overrides: Partial<ResolvedModel> = {}): ResolvedModel => ({
      ref: "fake/fake-model",
      provider: "fake",
      modelId: "fake-model",
      api: "openai-completions",
      baseUrl,
      apiKey: null,
      headers: {},
      contextWindow: 200_000,
      maxTokens: 8192,
      usageInStreaming: true,
      ...overrides,
    }),
  });
}

/** OpenAI's error body: `{error: {message, type, code}}`. */
export function openAIErrorBody(status: number, message?: string, errorType?: string): unknown {
  const type = errorType ?? (status === 429 ? "rate_limit_exceeded" : status >= 500 ? "server_error" : "invalid_request_error");
  return { error: { message: message ?? `fake error ${status}`, type, code: type } };
}

let chunkCounter = 0;

function renderChatCompletions(step: FakeStep, request: RecordedRequest): ResponsePlan {
  if (step.type === "http_error") return { kind: "json", status: step.status, body: openAIErrorBody(step.status, step.message, step.errorType), headers: step.headers };
  if (step.type === "raw") return { kind: "sse", frames: step.frames, hang: step.hang };

  const body = (request.body ?? {}) as { model?: string; stream_options?: { include_usage?: boolean } };
  const id = `chatcmpl-fake-${++chunkCounter}`;
  const chunk = (choices: unknown[], extra: Record<string, unknown> = {}): SseFrame => ({
    data: { id, object: "chat.completion.chunk", created: 1_700_000_000, model: body.model ?? "fake-model", choices, ...extra },
  });
  const delta = (value: Record<string, unknown>, finishReason: string | null = null) => chunk([{ index: 0, delta: value, finish_reason: finishReason }]);

  const frames: SseFrame[] = [delta({ role: "assistant", content: "" })];
  const text = "text" in step ? (step.text ?? "") : "";
  for (const piece of text === "" ? [] : splitText(text, step.type === "text" ? (step.chunks ?? 3) : 1)) frames.push(delta({ content: piece }));

  if (step.type === "stream_error") {
    frames.push({ data: openAIErrorBody(500, step.message ?? "The server had an error while processing your request.", step.errorType ?? "server_error") });
    return { kind: "sse", frames };
  }
  if (step.type === "hang" || step.type === "cut") return { kind: "sse", frames, hang: step.type === "hang" };

  if (step.type === "tool_calls") frames.push(...toolCallFrames(step.calls, step.interleave ?? false, delta));
  frames.push(delta({}, step.type === "tool_calls" ? "tool_calls" : (step.stopReason ?? "stop")));
  const usage = step.usage === undefined ? DEFAULT_USAGE : step.usage;
  if (body.stream_options?.include_usage && usage) {
    frames.push(chunk([], { usage: { prompt_tokens: usage.inputTokens, completion_tokens: usage.outputTokens, total_tokens: usage.inputTokens + usage.outputTokens } }));
  }
  frames.push({ data: "[DONE]" });
  return { kind: "sse", frames };
}

/** Each call as its first fragment (id, type, name) then argument pieces; interleaved round-robin on request. */
function toolCallFrames(calls: Extract<FakeStep, { type: "tool_calls" }>["calls"], interleave: boolean, delta: (value: Record<string, unknown>) => SseFrame): SseFrame[] {
  const perCall = calls.map((call, index) => {
    const pieces = argumentPieces(call);
    const id = call.id === null ? {} : { id: call.id ?? `call_${index + 1}` };
    const first = { index, ...id, type: "function", function: { name: call.name, arguments: call.inline ? pieces[0] : "" } };
    const rest = (call.inline ? pieces.slice(1) : pieces).map((piece) => ({ index, function: { arguments: piece } }));
    return [first, ...rest].map((fragment) => delta({ tool_calls: [fragment] }));
  });
  if (!interleave) return perCall.flat();
  const frames: SseFrame[] = [];
  for (let round = 0; perCall.some((list) => round < list.length); round++) for (const list of perCall) if (round < list.length) frames.push(list[round]!);
  return frames;
}

/** The Responses API event sequence for a step: created, output items, completed (or the failure). */
function renderResponsesEvents(step: FakeStep, request: RecordedRequest): ResponsePlan {
  if (step.type === "http_error") return { kind: "json", status: step.status, body: openAIErrorBody(step.status, step.message, step.errorType), headers: step.headers };
  if (step.type === "raw") return { kind: "sse", frames: step.frames, hang: step.hang };

  const model = ((request.body ?? {}) as { model?: string }).model ?? "fake-model";
  const responseId = `resp_fake_${++chunkCounter}`;
  let sequence = 0;
  const frames: SseFrame[] = [];
  const event = (type: string, fields: Record<string, unknown>) => frames.push({ event: type, data: { type, sequence_number: sequence++, ...fields } });
  const response = (status: string, extra: Record<string, unknown> = {}) => ({ id: responseId, object: "response", model, status, output: [], ...extra });
  event("response.created", { response: response("in_progress") });

  let outputIndex = 0;
  const text = "text" in step ? (step.text ?? "") : "";
  if (text !== "") {
    const item = { type: "message", id: `msg_${responseId}`, role: "assistant", status: "in_progress", content: [] };
    const at = { item_id: item.id, output_index: outputIndex, content_index: 0 };
    event("response.output_item.added", { output_index: outputIndex, item });
    event("response.content_part.added", { ...at, part: { type: "output_text", text: "", annotations: [] } });
    for (const piece of splitText(text, step.type === "text" ? (step.chunks ?? 3) : 1)) event("response.output_text.delta", { ...at, delta: piece, logprobs: [] });
    if (step.type === "text" || step.type === "tool_calls") {
      event("response.output_text.done", { ...at, text, logprobs: [] });
      event("response.output_item.done", { output_index: outputIndex, item: { ...item, status: "completed", content: [{ type: "output_text", text, annotations: [] }] } });
    }
    outputIndex++;
  }

  if (step.type === "stream_error") {
    event("error", { code: step.errorType ?? "server_error", message: step.message ?? "The server had an error while processing your request.", param: null });
    return { kind: "sse", frames };
  }
  if (step.type === "hang" || step.type === "cut") return { kind: "sse", frames, hang: step.type === "hang" };

  if (step.type === "tool_calls") {
    step.calls.forEach((call, index) => {
      const pieces = argumentPieces(call);
      const callId = call.id === null ? {} : { call_id: call.id ?? `call_${index + 1}` };
      const item = { type: "function_call", id: `fc_${index + 1}`, ...callId, name: call.name, arguments: "", status: "in_progress" };
      const at = { item_id: item.id, output_index: outputIndex };
      event("response.output_item.added", { output_index: outputIndex, item });
      for (const piece of pieces) event("response.function_call_arguments.delta", { ...at, delta: piece });
      event("response.function_call_arguments.done", { ...at, arguments: pieces.join("") });
      event("response.output_item.done", { output_index: outputIndex, item: { ...item, arguments: pieces.join(""), status: "completed" } });
      outputIndex++;
    });
  }
  const usage = step.usage === undefined ? DEFAULT_USAGE : step.usage;
  const usageField = usage ? { usage: { input_tokens: usage.inputTokens, output_tokens: usage.outputTokens, total_tokens: usage.inputTokens + usage.outputTokens } } : {};
  if (step.type === "text" && step.stopReason === "length") {
    event("response.incomplete", { response: response("incomplete", { incomplete_details: { reason: "max_output_tokens" }, ...usageField }) });
  } else {
    event("response.completed", { response: response("completed", usageField) });
  }
  return { kind: "sse", frames };
}
