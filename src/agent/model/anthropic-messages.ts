/**
 * The `anthropic-messages` client: POST `{baseUrl}/v1/messages` with `stream: true` and read the
 * message_start → content blocks → message_delta → message_stop sequence (channels-and-models.md §4.5).
 * Tool input arrives as `input_json_delta` pieces per block index and is parsed at the block's stop.
 */
import { anthropicMessagesBody } from "./anthropic-messages-body.ts";
import { errorCode, looksRetryable, protocolError, providerMessage, streamError } from "./provider-errors.ts";
import { parseEventData, postForEvents } from "./sse-request.ts";
import { generatedCallId, parseToolArguments } from "./tool-arguments.ts";
import { asRecord, mergeHeaders, nonEmptyText, tokenCount } from "./wire-values.ts";
import type { ModelClient, ModelClientOptions, ModelEvent, ModelRequest, ResolvedModel, StopReason, Usage } from "./types.ts";

/** The long-standing version every Messages server accepts (§4.5). */
export const ANTHROPIC_VERSION = "2023-06-01";

export function anthropicMessagesClient(model: ResolvedModel, options: ModelClientOptions = {}): ModelClient {
  const fetchImpl = options.fetch ?? fetch;
  return { stream: (request) => streamMessages(model, request, fetchImpl) };
}

interface ToolBlock {
  id?: string;
  name: string;
  json: string;
  /** The block start's `input`, used when no `input_json_delta` follows. */
  input: Record<string, unknown> | undefined;
}

async function* streamMessages(model: ResolvedModel, request: ModelRequest, fetchImpl: typeof fetch): AsyncGenerator<ModelEvent> {
  const headers = mergeHeaders({ "anthropic-version": ANTHROPIC_VERSION, ...(model.apiKey ? { "x-api-key": model.apiKey } : {}) }, model.headers);
  const events = postForEvents({
    model,
    url: `${model.baseUrl}/v1/messages`,
    headers,
    body: anthropicMessagesBody(request),
    signal: request.signal,
    fetch: fetchImpl,
  });

  const toolBlocks = new Map<number, ToolBlock>();
  let usage: Usage = { inputTokens: 0, outputTokens: 0 };
  let stop: string | null = null;
  let sawCall = false;

  for await (const event of events) {
    const data = parseEventData(model, event.data);
    const type = typeof data.type === "string" ? data.type : event.event;
    switch (type) {
      case "message_start": {
        usage = mergeUsage(usage, asRecord(asRecord(data.message)?.usage));
        yield { type: "usage", usage };
        break;
      }
      case "content_block_start": {
        const block = asRecord(data.content_block);
        const index = typeof data.index === "number" ? data.index : -1;
        if (block?.type === "text" && nonEmptyText(block.text)) yield { type: "text", delta: block.text as string };
        if (block?.type === "tool_use") toolBlocks.set(index, { id: nonEmptyText(block.id), name: nonEmptyText(block.name) ?? "", json: "", input: asRecord(block.input) });
        break;
      }
      case "content_block_delta": {
        const delta = asRecord(data.delta);
        if (delta?.type === "text_delta" && nonEmptyText(delta.text)) yield { type: "text", delta: delta.text as string };
        if (delta?.type === "input_json_delta" && typeof delta.partial_json === "string") {
          const block = toolBlocks.get(typeof data.index === "number" ? data.index : -1);
          if (!block) throw protocolError(model, "input_json_delta for a block that is not a tool_use");
          block.json += delta.partial_json;
        }
        // thinking_delta, signature_delta, citations_delta: not relayed.
        break;
      }
      case "content_block_stop": {
        const index = typeof data.index === "number" ? data.index : -1;
        const block = toolBlocks.get(index);
        if (!block) break;
        toolBlocks.delete(index);
        if (block.name === "") throw protocolError(model, "the model sent a tool_use block without a name");
        const args = block.json.trim() === "" ? (block.input ?? {}) : parseToolArguments(model, block.name, block.json);
        sawCall = true;
        yield { type: "tool_call", call: { id: block.id ?? generatedCallId(), name: block.name, arguments: args } };
        break;
      }
      case "message_delta": {
        stop = nonEmptyText(asRecord(data.delta)?.stop_reason) ?? stop;
        // Cumulative counts: they replace what message_start said, never add to it.
        const delta = asRecord(data.usage);
        if (delta) {
          usage = mergeUsage(usage, delta);
          yield { type: "usage", usage };
        }
        break;
      }
      case "message_stop":
        yield { type: "done", stopReason: stopReason(stop, sawCall) };
        return;
      case "error": {
        const message = providerMessage(event.data);
        throw streamError(model, message, looksRetryable(message, errorCode(data)));
      }
      default:
        // ping and anything newer than this client.
        break;
    }
  }
  throw streamError(model, "the stream ended before message_stop", true);
}

/** Overwrites the counts present; input includes cache reads and writes, which also fill the context. */
function mergeUsage(previous: Usage, raw: Record<string, unknown> | undefined): Usage {
  if (!raw) return previous;
  const hasInput = ["input_tokens", "cache_read_input_tokens", "cache_creation_input_tokens"].some((key) => typeof raw[key] === "number");
  return {
    inputTokens: hasInput ? tokenCount(raw.input_tokens) + tokenCount(raw.cache_read_input_tokens) + tokenCount(raw.cache_creation_input_tokens) : previous.inputTokens,
    outputTokens: typeof raw.output_tokens === "number" ? tokenCount(raw.output_tokens) : previous.outputTokens,
  };
}

function stopReason(stop: string | null, sawCall: boolean): StopReason {
  switch (stop) {
    case "end_turn":
    case "stop_sequence":
      return "stop";
    case "tool_use":
      return "tool_calls";
    case "max_tokens":
    case "model_context_window_exceeded":
      return "length";
    case null:
      return sawCall ? "tool_calls" : "stop";
    default:
      return stop;
  }
}
