/**
 * The Telegram channel for the channel manager: which accounts the config describes, and the
 * adapter of one. The adapter module (and grammY with it) is imported only in `create`, so a
 * gateway that lists Telegram accounts but never starts one pays nothing for it.
 */
import type { ChannelAccountConfig, ChannelAdapter, ChannelFactory } from "../types.ts";
import { ChannelFatalError } from "../types.ts";
import { TELEGRAM_CHANNEL, telegramAccounts } from "./accounts.ts";
import { readTelegramSettings } from "./settings.ts";
import { resolveToken } from "./token.ts";

export const telegramFactory: ChannelFactory = {
  channel: TELEGRAM_CHANNEL,

  accounts: telegramAccounts,

  async create(account: ChannelAccountConfig, deps): Promise<ChannelAdapter> {
    // Read again: the token file may have changed since the config was listed.
    const token = resolveToken(account.accountId, account.raw, deps.env);
    if (!token.ok) throw new ChannelFatalError(token.problem);
    const settings = readTelegramSettings(account.raw);
    if (!settings.ok) throw new ChannelFatalError(settings.problem);
    const { createTelegramAdapter } = await import("./adapter.ts");
    return createTelegramAdapter({
      accountId: account.accountId,
      token: token.token,
      apiRoot: settings.settings.apiRoot,
      textLimit: settings.settings.textLimit,
      linkPreview: settings.settings.linkPreview,
      webhook: settings.settings.webhook,
      polling: { stallThresholdMs: settings.settings.stallThresholdMs },
      requestTimeoutSeconds: settings.settings.requestTimeoutSeconds,
      fetch: deps.fetch,
    });
  },
};
