/**
 * The provider-neutral model interface: the runtime speaks only these types, and one client
 * per wire format (`openai-completions`, `openai-responses`, `anthropic-messages`) translates
 * them to and from the provider's streaming API.
 */
import type { JsonSchema } from "../../../protocol/schema-builder.ts";

export interface ToolCall {
  /** The provider's call id (`call_…`, `toolu_…`); generated when a local server omits it. */
  id: string;
  name: string;
  /** Parsed JSON arguments (`{}` when the model sent none). */
  arguments: Record<string, unknown>;
}

/** One turn of a conversation, as transcripts keep it and models receive it. */
export type ModelMessage =
  | { role: "user"; content: string }
  | { role: "assistant"; content: string; toolCalls?: ToolCall[] }
  | { role: "tool"; toolCallId: string; name: string; content: string; isError?: boolean };

export interface ToolSpec {
  name: string;
  description: string;
  /** JSON Schema of the arguments object. */
  parameters: JsonSchema;
}

export interface ModelRequest {
  /** The provider's model id (`gpt-4o-mini`, `claude-sonnet-4-5`), not `provider/model`. */
  model: string;
  /** Instructions: the system prompt built from the workspace plus any extra system prompt. */
  system: string;
  messages: ModelMessage[];
  tools: ToolSpec[];
  maxTokens: number;
  /** Aborting it cancels the HTTP request and ends the stream with an `aborted` ProviderError. */
  signal: AbortSignal;
}

export interface Usage {
  inputTokens: number;
  outputTokens: number;
}

export type StopReason = "stop" | "tool_calls" | "length" | "content_filter" | "refusal" | (string & {});

/** What a model stream yields, in order: any number of text deltas and tool calls, usage, then `done`. */
export type ModelEvent =
  | { type: "text"; delta: string }
  /** A complete call: its argument fragments already joined and parsed. */
  | { type: "tool_call"; call: ToolCall }
  /** Cumulative so far; the last one wins. */
  | { type: "usage"; usage: Usage }
  | { type: "done"; stopReason: StopReason };

export interface ModelClient {
  /** Streams one model turn. Throws (or the iterator throws) a ProviderError on failure. */
  stream(request: ModelRequest): AsyncIterable<ModelEvent>;
}

export type ProviderErrorKind =
  /** The provider answered with an HTTP error status before streaming. */
  | "http"
  /** The connection failed or dropped (DNS, refused, reset). */
  | "network"
  /** The stream carried an error event, or ended without finishing. */
  | "stream"
  /** The request was aborted (run aborted or timed out). */
  | "aborted"
  /** The provider's answer could not be understood. */
  | "protocol";

export class ProviderError extends Error {
  override name = "ProviderError";
  readonly kind: ProviderErrorKind;
  readonly status: number | null;
  /**
   * Whether the next model in the fallback list should be tried: rate limits (429), server
   * errors (5xx), network failures and mid-stream overloads are; 4xx caused by the request
   * (400, 401, 403, 404, 413, 422) and aborts are not.
   */
  readonly retryable: boolean;

  constructor(message: string, options: { kind: ProviderErrorKind; status?: number | null; retryable: boolean }) {
    super(message);
    this.kind = options.kind;
    this.status = options.status ?? null;
    this.retryable = options.retryable;
  }
}

/** A model the config names, with everything a client needs to call it. */
export interface ResolvedModel {
  /** `provider/model` as written in the config. */
  ref: string;
  provider: string;
  /** The provider's model id. */
  modelId: string;
  /** The wire format; only the three supported values get a client. */
  api: string;
  baseUrl: string;
  /** The resolved key (literal, `${ENV}` or the provider's usual env var); never logged. */
  apiKey: string | null;
  headers: Record<string, string>;
  /** Tokens the model accepts in one request (default 200 000). */
  contextWindow: number;
  /** Most tokens it may answer with (default 8192). */
  maxTokens: number;
  /** Ask for usage in streaming (`stream_options.include_usage`); default true on loopback base URLs. */
  usageInStreaming: boolean;
  /**
   * False when this model cannot be called as configured (an `api` no client speaks, an unknown
   * provider, no base URL, no API key). It is still listed so the runtime can fail it with
   * `unsupportedReason` or fall back; its client's stream throws that reason. Absent means true.
   */
  supported?: boolean;
  /** Why `supported` is false, naming the config key to fix; the same text as the resolver's warning. */
  unsupportedReason?: string;
  /**
   * Chat Completions only: the body field for `maxTokens` (`compat.maxTokensField`). Default
   * `max_tokens`; `max_completion_tokens` for the `openai` provider, whose newer models refuse the old field.
   */
  maxTokensField?: "max_tokens" | "max_completion_tokens";
}

/** What `createModelClient` (and each wire-format client) accepts besides the model. */
export interface ModelClientOptions {
  /** The fetch to call (tests, proxies). Default: the global `fetch`. */
  fetch?: typeof fetch;
}
