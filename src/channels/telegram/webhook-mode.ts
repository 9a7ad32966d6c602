/**
 * Receiving through a webhook instead of polling (user-needs C4): `setWebhook` with the
 * secret, then listen on the gateway route until stopped. No `getUpdates` is ever made in this
 * mode. The webhook stays set when we stop, so Telegram keeps updates for us meanwhile.
 *
 * The cursor still follows the updates handled here, so a later switch back to polling starts
 * from where the webhook left off instead of an old offset (#20506).
 */
import type { Bot } from "grammy";
import type { Update } from "grammy/types";
import { ChannelFatalError, type ChannelContext, type InboundMessage } from "../types.ts";
import { grammySignal } from "./client.ts";
import { asBotApiError, toRunError } from "./errors.ts";
import { ALLOWED_UPDATES } from "./polling.ts";
import { describeError } from "./scrub.ts";
import { registerWebhookReceiver } from "./webhook.ts";

export interface WebhookModeOptions {
  bot: Bot;
  ctx: ChannelContext;
  accountId: string;
  /** Only to scrub it from error text. */
  token: string;
  webhook: { url: string; secret: string; path: string };
  normalize: (update: Update) => InboundMessage | null;
}

function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    signal.addEventListener("abort", () => resolve(), { once: true });
  });
}

export async function runWebhookMode(options: WebhookModeOptions): Promise<void> {
  const { bot, ctx, webhook, token } = options;
  try {
    await bot.api.setWebhook(webhook.url, { secret_token: webhook.secret, allowed_updates: [...ALLOWED_UPDATES] }, grammySignal(ctx.signal));
  } catch (error) {
    if (ctx.signal.aborted) return;
    const api = asBotApiError(error);
    // A URL Telegram refuses (not https, bad port) will not get better by retrying.
    if (api && api.error_code === 400) {
      const reason = `Telegram refused the webhook: ${describeError(new Error(api.description), token)}`;
      ctx.report({ connected: false, lastError: reason });
      throw new ChannelFatalError(reason);
    }
    throw toRunError(error, ctx, token);
  }
  const unregister = registerWebhookReceiver(webhook.path, {
    accountId: options.accountId,
    secret: webhook.secret,
    handle: async (update) => {
      const message = options.normalize(update);
      if (message) await ctx.receive(message);
      const current = Number(ctx.cursor.get() ?? "0");
      if (!(current > update.update_id)) ctx.cursor.set(String(update.update_id + 1));
    },
  });
  try {
    ctx.report({ connected: true, lastConnectedAt: Date.now(), lastError: null });
    ctx.log.info(`telegram: receiving through the webhook on ${webhook.path}`);
    await untilAborted(ctx.signal);
  } finally {
    unregister();
  }
}
