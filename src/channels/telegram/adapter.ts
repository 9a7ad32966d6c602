/**
 * One Telegram bot account behind the `ChannelAdapter` interface. `run` identifies the bot
 * (`getMe`), takes the process-wide lock for its token and then receives, by long polling or
 * through the webhook; `send` and `typing` work whether or not `run` is going.
 */
import type { Update } from "grammy/types";
import { ChannelFatalError, type ChannelAdapter, type ChannelContext, type ChannelProbe, type OutboundMessage, type SendResult } from "../types.ts";
import { TELEGRAM_CHANNEL } from "./accounts.ts";
import { createTelegramClient, grammySignal, type TelegramClient, type TelegramRetryOptions } from "./client.ts";
import { asBotApiError, toRunError, TOKEN_REFUSED } from "./errors.ts";
import { normalizeUpdate, type BotIdentity } from "./normalize.ts";
import { acquirePollerLock } from "./poller-lock.ts";
import { runPolling } from "./polling.ts";
import { describeError, tokenKey } from "./scrub.ts";
import { sendTelegramMessage } from "./send.ts";
import { DEFAULT_API_ROOT, DEFAULT_TEXT_LIMIT, POLL_TIMEOUT_SECONDS, STALL_MARGIN_MS, TELEGRAM_TEXT_MAX } from "./settings.ts";
import { runWebhookMode } from "./webhook-mode.ts";

export interface TelegramPollingOptions {
  /** The long-poll `timeout` sent to Telegram (seconds). Default 30. */
  timeoutSeconds?: number;
  /** An unanswered `getUpdates` is aborted and restarted after this long (ms). Default timeout + 15 s. */
  stallThresholdMs?: number;
  /** Consecutive 409 "terminated by other getUpdates request" before `run` fails fatally. Default 2. */
  conflictLimit?: number;
  /** Pause after such a 409 before polling again (ms). Default 3000. */
  conflictRetryMs?: number;
}

export interface TelegramAdapterOptions {
  accountId: string;
  token: string;
  /** Bot API root, without `/bot<token>`. Default `https://api.telegram.org`. */
  apiRoot?: string;
  /** Longest text per message (the manager chunks at it). Default 4000, at most 4096. */
  textLimit?: number;
  /** Link previews in sent text. Default true. */
  linkPreview?: boolean;
  /** Receive through this webhook instead of polling. Default null (long polling). */
  webhook?: { url: string; secret: string; path: string } | null;
  polling?: TelegramPollingOptions;
  /** grammY's timeout for a single request other than the long poll (seconds). Default 60. */
  requestTimeoutSeconds?: number;
  /** How long `run` waits for another receiver of the same token in this process to stop (ms). Default 5000. */
  lockWaitMs?: number;
  retry?: TelegramRetryOptions;
  /** The fetch grammY uses. Default: grammY's own (Bun's fetch underneath). */
  fetch?: typeof fetch;
}

export class TelegramAdapter implements ChannelAdapter {
  readonly channel = TELEGRAM_CHANNEL;
  readonly accountId: string;
  readonly textLimit: number;
  private readonly tokenKey: string;
  private readonly polling: Required<TelegramPollingOptions>;

  constructor(
    private readonly options: TelegramAdapterOptions,
    private readonly client: TelegramClient,
  ) {
    this.accountId = options.accountId;
    this.textLimit = Math.max(1, Math.min(TELEGRAM_TEXT_MAX, Math.floor(options.textLimit ?? DEFAULT_TEXT_LIMIT)));
    this.tokenKey = tokenKey(options.token);
    const timeoutSeconds = options.polling?.timeoutSeconds ?? POLL_TIMEOUT_SECONDS;
    this.polling = {
      timeoutSeconds,
      stallThresholdMs: options.polling?.stallThresholdMs ?? timeoutSeconds * 1000 + STALL_MARGIN_MS,
      conflictLimit: options.polling?.conflictLimit ?? 2,
      conflictRetryMs: options.polling?.conflictRetryMs ?? 3000,
    };
  }

  async run(ctx: ChannelContext): Promise<void> {
    const lock = await acquirePollerLock(this.tokenKey, { owner: this, accountId: this.accountId, waitMs: this.options.lockWaitMs ?? 5000, signal: ctx.signal }).catch(
      (error: unknown) => {
        if (ctx.signal.aborted) return null;
        if (error instanceof ChannelFatalError) ctx.report({ connected: false, lastError: error.message });
        throw error;
      },
    );
    if (!lock) return;
    try {
      const self = await this.identify(ctx);
      if (!self) return;
      const normalize = (update: Update) => normalizeUpdate(update, { channel: this.channel, accountId: this.accountId, bot: self });
      const { bot } = this.client;
      if (this.options.webhook) {
        await runWebhookMode({ bot, ctx, accountId: this.accountId, token: this.options.token, webhook: this.options.webhook, normalize });
      } else {
        await runPolling({ bot, ctx, token: this.options.token, normalize, ...this.polling });
      }
    } finally {
      lock.release();
    }
  }

  /** `getMe`: who the bot is (for mentions) and whether the token is accepted. Null when stopped meanwhile. */
  private async identify(ctx: ChannelContext): Promise<BotIdentity | null> {
    const { bot } = this.client;
    let me;
    try {
      me = await bot.api.getMe(grammySignal(ctx.signal));
    } catch (error) {
      if (ctx.signal.aborted) return null;
      throw toRunError(error, ctx, this.options.token);
    }
    bot.botInfo = me;
    ctx.report({ linked: true, self: { id: String(me.id), name: me.first_name, username: me.username } });
    return { id: me.id, username: me.username };
  }

  /** `getMe` now, for `channels.status {probe: true}`; never throws. */
  async probe(signal: AbortSignal): Promise<ChannelProbe> {
    try {
      const me = await this.client.bot.api.getMe(grammySignal(signal));
      return { ok: true, self: { id: String(me.id), name: me.first_name, username: me.username } };
    } catch (error) {
      const api = asBotApiError(error);
      return { ok: false, error: api?.error_code === 401 ? TOKEN_REFUSED : describeError(error, this.options.token) };
    }
  }

  send(message: OutboundMessage): Promise<SendResult> {
    return sendTelegramMessage(
      { bot: this.client.bot, InputFile: this.client.InputFile, token: this.options.token, linkPreview: this.options.linkPreview ?? true },
      message,
    );
  }

  /** "typing…" for about five seconds (Telegram's duration); failures are ignored: it is a courtesy. */
  async typing(chatId: string, threadId?: string): Promise<void> {
    // Unlike messages, typing keeps thread 1: it is how the General topic shows it.
    const thread = threadId && /^\d+$/.test(threadId) ? { message_thread_id: Number(threadId) } : {};
    const chat = /^-?\d+$/.test(chatId) ? Number(chatId) : chatId;
    await this.client.bot.api.sendChatAction(chat, "typing", thread).catch(() => {});
  }
}

/** Builds an adapter; this is where grammY is loaded. */
export async function createTelegramAdapter(options: TelegramAdapterOptions): Promise<TelegramAdapter> {
  const stallMs = options.polling?.stallThresholdMs ?? (options.polling?.timeoutSeconds ?? POLL_TIMEOUT_SECONDS) * 1000 + STALL_MARGIN_MS;
  const client = await createTelegramClient({
    token: options.token,
    apiRoot: options.apiRoot ?? DEFAULT_API_ROOT,
    // Above the stall threshold, so a wedged poll is caught (and reported) by our watchdog.
    requestTimeoutSeconds: Math.max(options.requestTimeoutSeconds ?? 60, Math.ceil(stallMs / 1000) + 5),
    fetch: options.fetch,
    retry: options.retry,
  });
  return new TelegramAdapter(options, client);
}
