/**
 * The `openai-responses` client: POST `{baseUrl}/responses` with `stream: true` and read its typed
 * events. Function calls are announced by `response.output_item.added`, grow through
 * `response.function_call_arguments.delta` and are emitted at `response.output_item.done`.
 */
import { errorCode, looksRetryable, protocolError, providerMessage, streamError } from "./provider-errors.ts";
import { responsesBody } from "./openai-responses-body.ts";
import { parseEventData, postForEvents } from "./sse-request.ts";
import { generatedCallId, parseToolArguments } from "./tool-arguments.ts";
import { asRecord, mergeHeaders, nonEmptyText, tokenCount } from "./wire-values.ts";
import type { ModelClient, ModelClientOptions, ModelEvent, ModelRequest, ResolvedModel, StopReason } from "./types.ts";

export function openAIResponsesClient(model: ResolvedModel, options: ModelClientOptions = {}): ModelClient {
  const fetchImpl = options.fetch ?? fetch;
  return { stream: (request) => streamResponses(model, request, fetchImpl) };
}

interface PendingCall {
  callId?: string;
  name: string;
  arguments: string;
  sent: boolean;
}

async function* streamResponses(model: ResolvedModel, request: ModelRequest, fetchImpl: typeof fetch): AsyncGenerator<ModelEvent> {
  const headers = mergeHeaders(model.apiKey ? { authorization: `Bearer ${model.apiKey}` } : {}, model.headers);
  const events = postForEvents({ model, url: `${model.baseUrl}/responses`, headers, body: responsesBody(request), signal: request.signal, fetch: fetchImpl });

  // Keyed by item id, else output index: argument deltas name one or both.
  const calls = new Map<string, PendingCall>();
  const order: PendingCall[] = [];
  let refused = false;

  for await (const event of events) {
    if (event.data.trim() === "[DONE]") break;
    const data = parseEventData(model, event.data);
    const type = typeof data.type === "string" ? data.type : event.event;
    switch (type) {
      case "response.output_text.delta":
      case "response.refusal.delta": {
        const delta = nonEmptyText(data.delta);
        if (delta) yield { type: "text", delta };
        if (type === "response.refusal.delta") refused = true;
        break;
      }
      case "response.output_item.added":
      case "response.output_item.done": {
        const item = asRecord(data.item);
        if (item?.type !== "function_call") break;
        const call = callFor(calls, order, data, item);
        call.callId = nonEmptyText(item.call_id) ?? call.callId;
        call.name = nonEmptyText(item.name) ?? call.name;
        // The finished item's arguments are authoritative; the added item's are usually "".
        if (typeof item.arguments === "string" && (type === "response.output_item.done" || call.arguments === "")) call.arguments = item.arguments;
        if (type === "response.output_item.done" && !call.sent) yield toolCallEvent(model, call);
        break;
      }
      case "response.function_call_arguments.delta":
      case "response.function_call_arguments.done": {
        const call = callFor(calls, order, data, undefined);
        if (type === "response.function_call_arguments.delta" && typeof data.delta === "string") call.arguments += data.delta;
        if (type === "response.function_call_arguments.done" && typeof data.arguments === "string") call.arguments = data.arguments;
        break;
      }
      case "response.completed":
      case "response.incomplete": {
        for (const call of order) if (!call.sent) yield toolCallEvent(model, call);
        const response = asRecord(data.response);
        const usage = asRecord(response?.usage);
        if (usage) yield { type: "usage", usage: { inputTokens: tokenCount(usage.input_tokens), outputTokens: tokenCount(usage.output_tokens) } };
        yield { type: "done", stopReason: stopReason(type, response, order.length > 0, refused) };
        return;
      }
      case "response.failed": {
        const failure = asRecord(asRecord(data.response)?.error) ?? {};
        const message = nonEmptyText(failure.message) ?? "the response failed";
        throw streamError(model, message, looksRetryable(message, nonEmptyText(failure.code)));
      }
      case "error": {
        const message = providerMessage(event.data);
        throw streamError(model, message, looksRetryable(message, errorCode(data)));
      }
      default:
        // Lifecycle (`response.created`, `…in_progress`), content parts, reasoning: nothing to relay.
        break;
    }
  }
  throw streamError(model, "the stream ended before the response completed", true);
}

function callFor(calls: Map<string, PendingCall>, order: PendingCall[], data: Record<string, unknown>, item: Record<string, unknown> | undefined): PendingCall {
  const itemId = nonEmptyText(item?.id) ?? nonEmptyText(data.item_id);
  const indexKey = typeof data.output_index === "number" ? `#${data.output_index}` : undefined;
  const existing = (itemId && calls.get(itemId)) || (indexKey && calls.get(indexKey));
  if (existing) {
    if (itemId) calls.set(itemId, existing);
    return existing;
  }
  const call: PendingCall = { name: "", arguments: "", sent: false };
  if (itemId) calls.set(itemId, call);
  if (indexKey) calls.set(indexKey, call);
  order.push(call);
  return call;
}

function toolCallEvent(model: ResolvedModel, call: PendingCall): ModelEvent {
  if (call.name === "") throw protocolError(model, "the model sent a function call without a name");
  call.sent = true;
  return { type: "tool_call", call: { id: call.callId ?? generatedCallId(), name: call.name, arguments: parseToolArguments(model, call.name, call.arguments) } };
}

function stopReason(type: string, response: Record<string, unknown> | undefined, hasCalls: boolean, refused: boolean): StopReason {
  if (type === "response.incomplete") {
    const reason = nonEmptyText(asRecord(response?.incomplete_details)?.reason);
    return reason === "max_output_tokens" ? "length" : (reason ?? "length");
  }
  if (hasCalls) return "tool_calls";
  return refused ? "refusal" : "stop";
}
