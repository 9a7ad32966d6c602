/**
 * A fake Anthropic Messages server: `POST …/v1/messages`, streaming the real event sequence
 * (channels-and-models.md §4.5), scripted per request.
 *
 *   const fake = startFakeAnthropic({ script: [{ type: "text", text: "Hello!", chunks: 3 }] });
 *   fake.baseUrl                              // origin, no /v1: use as models.providers.<id>.baseUrl
 *   fake.model({ apiKey: "sk-ant-test" })     // a ResolvedModel pointing here (api "anthropic-messages")
 *   fake.requests[0].headers["x-api-key"], fake.requests[0].body.messages
 *   await fake.requests[0].ended              // "complete" | "client-closed"
 *   await fake.stop();
 *
 * Steps are described in `sse.ts`. Anthropic specifics: text steps carry a `ping` after the
 * first block start (as the real API does); `message_delta` usage is cumulative; a
 * `stream_error` is `event: error` with `overloaded_error` unless `errorType` says otherwise.
 * `ANTHROPIC_MINIMAL_TOOL_CALL` is the spec's minimal tool-call sequence, verbatim.
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

/** §4.5 "Minimal fake": message_start, one tool_use block (get_time {"tz":"UTC"} in two pieces), tool_use stop, 12 output tokens. */
export const ANTHROPIC_MINIMAL_TOOL_CALL: FakeStep = {
  type: "tool_calls",
  calls: [{ id: "toolu_1", name: "get_time", pieces: ['{"tz":', '"UTC"}'] }],
  usage: { inputTokens: DEFAULT_USAGE.inputTokens, outputTokens: 12 },
};

export interface FakeAnthropic extends FakeServer {
  /** The origin: Anthropic base URLs omit `/v1`. */
  baseUrl: string;
  /** A model on this server: ref `fake-anthropic/fake-claude`, no key unless given. */
  model(overrides?: Partial<ResolvedModel>): ResolvedModel;
}

export interface FakeAnthropicOptions {
  script: FakeScript;
}

export function startFakeAnthropic(options: FakeAnthropicOptions): FakeAnthropic {
  const server = startFakeServer({ script: options.script, route: (path) => (path.endsWith("/v1/messages") ? renderMessages : undefined) });
  return Object.assign(server, {
    baseUrl: server.origin,
    model: (overrides: Partial<ResolvedModel> = {}): ResolvedModel => ({
      ref: "fake-anthropic/fake-claude",
      provider: "fake-anthropic",
      modelId: "fake-claude",
      api: "anthropic-messages",
      baseUrl: server.origin,
      apiKey: null,
      headers: {},
      contextWindow: 200_000,
      maxTokens: 8192,
      usageInStreaming: true,
      ...overrides,
    }),
  });
}

/** Anthropic's error body: `{type: "error", error: {type, message}}`. */
export function anthropicErrorBody(status: number, message?: string, errorType?: string): unknown {
  const type =
    errorType ?? (status === 429 ? "rate_limit_error" : status === 529 ? "overloaded_error" : status >= 500 ? "api_error" : status === 401 ? "authentication_error" : "invalid_request_error");
  return { type: "error", error: { type, message: message ?? `fake error ${status}` } };
}

let messageCounter = 0;

function renderMessages(step: FakeStep, request: RecordedRequest): ResponsePlan {
  if (step.type === "http_error") return { kind: "json", status: step.status, body: anthropicErrorBody(step.status, step.message, step.errorType), headers: step.headers };
  if (step.type === "raw") return { kind: "sse", frames: step.frames, hang: step.hang };

  const model = ((request.body ?? {}) as { model?: string }).model ?? "fake-claude";
  const usage = ("usage" in step ? step.usage : undefined) ?? DEFAULT_USAGE;
  const frames: SseFrame[] = [];
  const event = (type: string, fields: Record<string, unknown> = {}) => frames.push({ event: type, data: { type, ...fields } });
  event("message_start", {
    message: {
      id: `msg_fake_${++messageCounter}`,
      type: "message",
      role: "assistant",
      content: [],
      model,
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: usage.inputTokens, output_tokens: 1 },
    },
  });

  let index = 0;
  const text = "text" in step ? (step.text ?? "") : "";
  if (text !== "") {
    event("content_block_start", { index, content_block: { type: "text", text: "" } });
    if (step.type === "text") event("ping");
    for (const piece of splitText(text, step.type === "text" ? (step.chunks ?? 3) : 1)) event("content_block_delta", { index, delta: { type: "text_delta", text: piece } });
    if (step.type === "text" || step.type === "tool_calls") event("content_block_stop", { index });
    index++;
  }

  if (step.type === "stream_error") {
    event("error", { error: { type: step.errorType ?? "overloaded_error", message: step.message ?? "Overloaded" } });
    return { kind: "sse", frames };
  }
  if (step.type === "hang" || step.type === "cut") return { kind: "sse", frames, hang: step.type === "hang" };

  if (step.type === "tool_calls") {
    step.calls.forEach((call, n) => {
      const id = call.id === null ? {} : { id: call.id ?? `toolu_${n + 1}` };
      event("content_block_start", { index, content_block: { type: "tool_use", ...id, name: call.name, input: {} } });
      for (const piece of argumentPieces(call)) event("content_block_delta", { index, delta: { type: "input_json_delta", partial_json: piece } });
      event("content_block_stop", { index });
      index++;
    });
  }
  // Steps name stop reasons the neutral way ("stop", "length"); Anthropic has its own words.
  const wanted = step.type === "text" ? (step.stopReason ?? "stop") : "stop";
  const stopReason = step.type === "tool_calls" ? "tool_use" : wanted === "length" ? "max_tokens" : wanted === "stop" ? "end_turn" : wanted;
  event("message_delta", { delta: { stop_reason: stopReason, stop_sequence: null }, usage: { output_tokens: usage.outputTokens } });
  event("message_stop");
  return { kind: "sse", frames };
}
