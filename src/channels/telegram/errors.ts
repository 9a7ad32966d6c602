/**
 * What grammY's errors mean for us. They are recognised by shape, not `instanceof`, so this
 * file (and everything that imports it) never loads grammY.
 */
import { ChannelFatalError, ChannelSendError, type ChannelContext } from "../types.ts";
import { describeError } from "./scrub.ts";

/** The fields of grammY's `GrammyError` (an `ok: false` answer from the Bot API). */
export interface BotApiError {
  error_code: number;
  description: string;
  parameters?: { retry_after?: number; migrate_to_chat_id?: number };
}

export function asBotApiError(error: unknown): BotApiError | null {
  if (typeof error !== "object" || error === null) return null;
  const candidate = error as Partial<BotApiError>;
  return typeof candidate.error_code === "number" && typeof candidate.description === "string" ? (candidate as BotApiError) : null;
}

/** grammY's `HttpError`: the request never got an answer (network, timeout, abort). */
export function isHttpError(error: unknown): boolean {
  return error instanceof Error && error.name === "HttpError";
}

export function isEntityParseError(error: unknown): boolean {
  const api = asBotApiError(error);
  return api !== null && api.error_code === 400 && /can't parse entities/i.test(api.description);
}

/** 409 because a webhook is set: delete it and poll on. */
export function isWebhookActiveConflict(api: BotApiError): boolean {
  return api.error_code === 409 && /webhook is active/i.test(api.description);
}

/** 409 because another `getUpdates` took over: another process polls this token. */
export function isPollerConflict(api: BotApiError): boolean {
  return api.error_code === 409 && !isWebhookActiveConflict(api);
}

/**
 * A send failure as the outbox needs it: 429 waits (`retry_after`), 5xx and network failures
 * are worth retrying, 401 means the token is gone, any other refusal (400 bad request, 403
 * blocked or kicked) is final and carries Telegram's own words.
 */
export function toSendError(error: unknown, token: string): ChannelSendError {
  if (error instanceof ChannelSendError) return error;
  const api = asBotApiError(error);
  if (api) {
    const description = describeError(new Error(api.description), token);
    if (api.error_code === 429) {
      const retryAfter = api.parameters?.retry_after;
      return new ChannelSendError(`Telegram rate limit: ${description}`, { kind: "transient", retryAfterMs: typeof retryAfter === "number" ? retryAfter * 1000 : null });
    }
    if (api.error_code >= 500) return new ChannelSendError(`Telegram server error: ${description}`, { kind: "transient" });
    if (api.error_code === 401) return new ChannelSendError("the bot token was refused (401 Unauthorized)", { kind: "not_linked" });
    return new ChannelSendError(description, { kind: "refused" });
  }
  return new ChannelSendError(`could not reach Telegram: ${describeError(error, token)}`, { kind: "transient" });
}

export const TOKEN_REFUSED = "the bot token was refused (401 Unauthorized); set a new token from @BotFather";

/** Telegram could not be reached or failed (network, timeout, 5xx): worth retrying with backoff. */
export class TelegramNetworkError extends Error {
  override name = "TelegramNetworkError";
}

/**
 * A failure of `run` as the manager needs it, reported first: 401 is fatal (and unlinks),
 * anything else a scrubbed `TelegramNetworkError` to back off from. The original error is not
 * kept as `cause`: grammY's `HttpError` holds fetch's error, which may carry the request URL.
 */
export function toRunError(error: unknown, ctx: Pick<ChannelContext, "report">, token: string): Error {
  if (error instanceof ChannelFatalError || error instanceof TelegramNetworkError) return error;
  const api = asBotApiError(error);
  if (api?.error_code === 401) {
    ctx.report({ linked: false, connected: false, lastError: TOKEN_REFUSED });
    return new ChannelFatalError(TOKEN_REFUSED);
  }
  const reason = describeError(error, token);
  ctx.report({ connected: false, lastError: reason });
  return new TelegramNetworkError(reason);
}
