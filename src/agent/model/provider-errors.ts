/**
 * Building ProviderErrors: which failures are worth the next fallback model, and messages that
 * carry the provider's own words but never a key (servers sometimes echo request headers).
 */
import { ProviderError, type ResolvedModel } from "./types.ts";

const MAX_MESSAGE_CHARS = 500;

/** 408 (timeout), 425, 429 (rate limit) and every 5xx, including Anthropic's 529 overload. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || status >= 500;
}

/** Mid-stream errors carry only text: overloads, rate limits and server faults are transient. */
export function looksRetryable(...texts: (string | undefined)[]): boolean {
  const text = texts.filter(Boolean).join(" ");
  return /overload|rate.?limit|too many requests|server.?error|internal|unavailable|timed? ?out|capacity|try again|api_error|\b5\d\d\b/i.test(text);
}

/** Removes the key, other header values and anything shaped like a credential from `text`. */
export function redact(text: string, model: ResolvedModel): string {
  let result = text;
  for (const secret of [model.apiKey, ...Object.values(model.headers)]) {
    // Short values (a header like "1") would mangle the message and are not credentials.
    if (secret && secret.length >= 6) result = result.split(secret).join("[redacted]");
  }
  result = result
    .replace(/\b(bearer\s+)[^\s"',;}]+/gi, "$1[redacted]")
    .replace(/((?:x-api-key|api[-_]?key|authorization)["']?\s*[:=]\s*["']?)(?!bearer\b)[^\s"',;}]+/gi, "$1[redacted]")
    .replace(/\b(sk-[A-Za-z0-9_-]{6})[A-Za-z0-9_-]{8,}/g, "$1[redacted]");
  return result.length > MAX_MESSAGE_CHARS ? `${result.slice(0, MAX_MESSAGE_CHARS)}…` : result;
}

/** The human part of an error body: `{error:{message}}` (both providers), `{message}`, or the text. */
export function providerMessage(body: string): string {
  const trimmed = body.trim();
  try {
    const parsed: unknown = JSON.parse(trimmed);
    const found = messageIn(parsed);
    if (found) return found.replace(/\s+/g, " ").trim();
  } catch {
    // Not JSON (an HTML error page from a proxy, plain text from a local server): use the text.
  }
  return trimmed.replace(/\s+/g, " ").slice(0, MAX_MESSAGE_CHARS);
}

function messageIn(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value !== "object" || value === null) return undefined;
  const record = value as Record<string, unknown>;
  return messageIn(record.error) ?? (typeof record.message === "string" ? record.message : undefined) ?? (typeof record.detail === "string" ? record.detail : undefined);
}

/** The error `type` and `code` of a JSON error body, for the retry heuristic. */
export function errorCode(value: unknown): string | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const record = value as Record<string, unknown>;
  const inner = typeof record.error === "object" && record.error !== null ? (record.error as Record<string, unknown>) : record;
  // Both: a Responses `error` event has `type: "error"` and the useful part in `code`.
  const parts = [inner.type, inner.code].filter((part) => typeof part === "string" || typeof part === "number");
  return parts.length > 0 ? parts.join(" ") : undefined;
}

export function httpError(model: ResolvedModel, status: number, body: string): ProviderError {
  const detail = providerMessage(body);
  return new ProviderError(redact(`${model.ref}: HTTP ${status}${detail ? `: ${detail}` : ""}`, model), {
    kind: "http",
    status,
    retryable: isRetryableStatus(status),
  });
}

export function streamError(model: ResolvedModel, message: string, retryable: boolean): ProviderError {
  return new ProviderError(redact(`${model.ref}: stream error: ${message}`, model), { kind: "stream", retryable });
}

export function abortedError(model: ResolvedModel): ProviderError {
  return new ProviderError(`${model.ref}: request aborted`, { kind: "aborted", retryable: false });
}

export function networkError(model: ResolvedModel, cause: unknown): ProviderError {
  const detail = cause instanceof Error ? cause.message : String(cause);
  return new ProviderError(redact(`${model.ref}: network error: ${detail}`, model), { kind: "network", retryable: true });
}

/**
 * An answer that could not be understood (not an event stream, broken JSON). Retryable: another
 * model or provider may well answer properly.
 */
export function protocolError(model: ResolvedModel, message: string): ProviderError {
  return new ProviderError(redact(`${model.ref}: ${message}`, model), { kind: "protocol", retryable: true });
}
