/**
 * The `openai-completions` client: POST `{baseUrl}/chat/completions` with `stream: true` and read
 * `chat.completion.chunk` events (channels-and-models.md §4.4). Tool calls arrive as fragments keyed
 * by `index` and are emitted whole, once the model has finished them.
 */
import { chatCompletionsBody } from "./openai-completions-body.ts";
import { errorCode, looksRetryable, protocolError, providerMessage, streamError } from "./provider-errors.ts";
import { parseEventData, postForEvents } from "./sse-request.ts";
import { generatedCallId, parseToolArguments } from "./tool-arguments.ts";
import { asRecord as record, mergeHeaders, tokenCount as count } from "./wire-values.ts";
import type { ModelClient, ModelClientOptions, ModelEvent, ModelRequest, ResolvedModel, StopReason } from "./types.ts";

export function openAICompletionsClient(model: ResolvedModel, options: ModelClientOptions = {}): ModelClient {
  const fetchImpl = options.fetch ?? fetch;
  return { stream: (request) => streamChatCompletions(model, request, fetchImpl) };
}

interface PendingCall {
  id?: string;
  name: string;
  arguments: string;
}

async function* streamChatCompletions(model: ResolvedModel, request: ModelRequest, fetchImpl: typeof fetch): AsyncGenerator<ModelEvent> {
  const headers = mergeHeaders(model.apiKey ? { authorization: `Bearer ${model.apiKey}` } : {}, model.headers);
  const events = postForEvents({
    model,
    url: `${model.baseUrl}/chat/completions`,
    headers,
    body: chatCompletionsBody(model, request),
    signal: request.signal,
    fetch: fetchImpl,
  });

  const calls: PendingCall[] = [];
  const callAtIndex = new Map<number, PendingCall>();
  let finishReason: string | null = null;
  let callsSent = false;
  let refused = false;
  let sawDone = false;

  for await (const event of events) {
    if (event.data.trim() === "[DONE]") {
      sawDone = true;
      break;
    }
    const chunk = parseEventData(model, event.data);
    if (chunk.error !== undefined && chunk.error !== null) {
      const message = providerMessage(JSON.stringify(chunk));
      throw streamError(model, message, looksRetryable(message, errorCode(chunk)));
    }
    const choice = Array.isArray(chunk.choices) ? firstChoice(chunk.choices) : undefined;
    const delta = record(choice?.delta);
    if (delta) {
      if (typeof delta.content === "string" && delta.content !== "") yield { type: "text", delta: delta.content };
      if (typeof delta.refusal === "string" && delta.refusal !== "") {
        refused = true;
        yield { type: "text", delta: delta.refusal };
      }
      if (Array.isArray(delta.tool_calls)) delta.tool_calls.forEach((fragment, position) => addFragment(fragment, position, calls, callAtIndex));
    }
    if (typeof choice?.finish_reason === "string") {
      finishReason = choice.finish_reason;
      // Every call is complete once the model says why it stopped; the usage chunk may follow.
      if (!callsSent) yield* finishedCalls(model, calls);
      callsSent = true;
    }
    const usage = record(chunk.usage);
    if (usage) {
      yield { type: "usage", usage: { inputTokens: count(usage.prompt_tokens), outputTokens: count(usage.completion_tokens) } };
    }
  }

  if (!sawDone && finishReason === null) throw streamError(model, "the stream ended before the model finished", true);
  if (!callsSent) yield* finishedCalls(model, calls);
  yield { type: "done", stopReason: stopReason(finishReason, calls.length > 0, refused) };
}

/** Joins one `delta.tool_calls[]` fragment into its call (by `index`; first fragment has id and name). */
function addFragment(raw: unknown, position: number, calls: PendingCall[], callAtIndex: Map<number, PendingCall>): void {
  const fragment = record(raw);
  if (!fragment) return;
  // Local servers may omit `index` when each chunk holds one whole call.
  const index = typeof fragment.index === "number" ? fragment.index : position;
  const fn = record(fragment.function);
  const id = typeof fragment.id === "string" && fragment.id !== "" ? fragment.id : undefined;
  let call = callAtIndex.get(index);
  // Some servers reuse index 0 for every call: a new id at a taken index starts a new call.
  if (!call || (id && call.id && call.id !== id)) {
    call = { name: "", arguments: "" };
    calls.push(call);
    callAtIndex.set(index, call);
  }
  if (id) call.id = id;
  if (typeof fn?.name === "string" && fn.name !== "" && call.name === "") call.name = fn.name;
  if (typeof fn?.arguments === "string") call.arguments += fn.arguments;
  // A server that sends arguments as an object (instead of a JSON string) still means them.
  else if (fn?.arguments && typeof fn.arguments === "object") call.arguments += JSON.stringify(fn.arguments);
}

function* finishedCalls(model: ResolvedModel, calls: PendingCall[]): Generator<ModelEvent> {
  for (const call of calls) {
    if (call.name === "") throw protocolError(model, "the model sent a tool call without a name");
    yield { type: "tool_call", call: { id: call.id ?? generatedCallId(), name: call.name, arguments: parseToolArguments(model, call.name, call.arguments) } };
  }
}

function stopReason(finishReason: string | null, hasCalls: boolean, refused: boolean): StopReason {
  // Some local servers finish a tool-calling turn with "stop"; the calls are what matters.
  if (hasCalls && (finishReason === null || finishReason === "stop")) return "tool_calls";
  if (finishReason === "function_call") return "tool_calls";
  if (refused && (finishReason === null || finishReason === "stop")) return "refusal";
  return finishReason ?? "stop";
}

function firstChoice(choices: unknown[]): Record<string, unknown> | undefined {
  for (const choice of choices) {
    const value = record(choice);
    if (value && (value.index === undefined || value.index === 0)) return value;
  }
  return undefined;
}
