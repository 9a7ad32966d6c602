/**
 * The grammY side, loaded on demand: importing grammY costs start time and memory a gateway
 * without Telegram should not pay (design.md §3), so only building an adapter imports it.
 *
 * Retry policy: `@grammyjs/auto-retry` absorbs short rate-limit waits (≤ `maxDelaySeconds`,
 * at most `maxRetryAttempts` times) inside the call, because a 2 s `retry_after` is cheaper
 * waited out than bounced through the outbox. Everything else is rethrown at once: longer
 * 429s, 5xx and network failures surface as `transient` send errors for the outbox to
 * schedule, and as rejections of `run` for the manager's capped backoff. The plugin's own
 * network retry never ends, so it is off (`rethrowHttpErrors`).
 */
import type { Bot, InputFile } from "grammy";

export interface TelegramRetryOptions {
  /** How many times a 429 is retried inside one call. Default 2. */
  maxRetryAttempts?: number;
  /** The longest `retry_after` waited out inside a call (seconds); longer ones surface as transient. Default 5. */
  maxDelaySeconds?: number;
}

export interface TelegramClientOptions {
  token: string;
  /** Bot API root without `/bot<token>`. */
  apiRoot: string;
  /** grammY's request timeout (seconds); must exceed the long-poll timeout. */
  requestTimeoutSeconds: number;
  fetch?: typeof fetch;
  retry?: TelegramRetryOptions;
}

export interface TelegramClient {
  bot: Bot;
  InputFile: typeof InputFile;
}

/** grammY's typings want the `abort-controller` polyfill's signal; at run time any AbortSignal works (duck-typed). */
export type GrammySignal = Parameters<Bot["api"]["getMe"]>[0];

export function grammySignal(signal: AbortSignal): GrammySignal {
  return signal as unknown as GrammySignal;
}

export async function createTelegramClient(options: TelegramClientOptions): Promise<TelegramClient> {
  const [{ Bot, InputFile }, { autoRetry }] = await Promise.all([import("grammy"), import("@grammyjs/auto-retry")]);
  const bot = new Bot(options.token, {
    client: {
      apiRoot: options.apiRoot,
      timeoutSeconds: options.requestTimeoutSeconds,
      // Never on: with it, grammY puts the request URL (and so the token) in error messages.
      sensitiveLogs: false,
      ...(options.fetch ? { fetch: options.fetch as never } : {}),
    },
  });
  bot.api.config.use(
    autoRetry({
      maxRetryAttempts: options.retry?.maxRetryAttempts ?? 2,
      maxDelaySeconds: options.retry?.maxDelaySeconds ?? 5,
      rethrowInternalServerErrors: true,
      rethrowHttpErrors: true,
    }),
  );
  return { bot, InputFile };
}
