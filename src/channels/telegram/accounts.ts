/**
 * The Telegram accounts a config describes. `channels.telegram` itself is the default account
 * (`default`); `accounts.<id>` adds named ones whose keys override the root's, shallowly (an
 * account's `groups` replaces the root map, as OpenClaw documents). The root token belongs to
 * the default account only: a named account inheriting it would poll the same bot twice.
 */
import type { OpenClawConfig } from "../../../protocol/config-schema.ts";
import type { Env } from "../../config/paths.ts";
import type { ChannelAccountConfig } from "../types.ts";
import { parseTelegramAccess } from "./access.ts";
import { readTelegramSettings } from "./settings.ts";
import { DEFAULT_ACCOUNT_ID, resolveToken } from "./token.ts";

export const TELEGRAM_CHANNEL = "telegram";

const TOKEN_KEYS = ["botToken", "tokenFile"] as const;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function hasText(value: unknown): boolean {
  return typeof value === "string" && value.trim() !== "";
}

/** The root section without the keys that are not settings of an account. */
function rootSettings(root: Record<string, unknown>): Record<string, unknown> {
  const { accounts: _accounts, defaultAccount: _defaultAccount, ...rest } = root;
  return rest;
}

/** Root keys plus the account's overrides; named accounts never see the root token. */
export function mergedSection(root: Record<string, unknown>, accountId: string): Record<string, unknown> {
  const base = rootSettings(root);
  if (accountId !== DEFAULT_ACCOUNT_ID) for (const key of TOKEN_KEYS) delete base[key];
  const accounts = isRecord(root.accounts) ? root.accounts : {};
  const own = Object.hasOwn(accounts, accountId) && isRecord(accounts[accountId]) ? accounts[accountId] : {};
  return { ...base, ...own };
}

/** Account ids in config order: `default` first when the root (or env) describes it. */
export function telegramAccountIds(root: Record<string, unknown>, env: Env): string[] {
  const accounts = isRecord(root.accounts) ? root.accounts : {};
  const named = Object.keys(accounts)
    .filter((id) => isRecord(accounts[id]) && id.trim() !== "")
    .filter((id) => id !== DEFAULT_ACCOUNT_ID);
  const implicitDefault =
    named.length === 0 ||
    Object.hasOwn(accounts, DEFAULT_ACCOUNT_ID) ||
    TOKEN_KEYS.some((key) => hasText(root[key])) ||
    hasText(env.TELEGRAM_BOT_TOKEN);
  return implicitDefault ? [DEFAULT_ACCOUNT_ID, ...named] : named;
}

/**
 * The accounts of `config` (and env): none when Telegram is not configured at all. A disabled
 * account is listed with `enabled: false` so status can say so; one that cannot run carries
 * its `problem`.
 */
export function telegramAccounts(config: Readonly<OpenClawConfig>, env: Env): ChannelAccountConfig[] {
  const channels = isRecord(config.channels) ? config.channels : {};
  const section = channels.telegram;
  if (!isRecord(section) && !hasText(env.TELEGRAM_BOT_TOKEN)) return [];
  const root = isRecord(section) ? section : {};
  const defaults = isRecord(channels.defaults) ? channels.defaults : {};
  return telegramAccountIds(root, env).map((accountId) => {
    const raw = mergedSection(root, accountId);
    const account: ChannelAccountConfig = {
      channel: TELEGRAM_CHANNEL,
      accountId,
      enabled: root.enabled !== false && raw.enabled !== false,
      access: parseTelegramAccess(raw, { groupPolicy: defaults.groupPolicy }),
      raw,
    };
    const settings = readTelegramSettings(raw);
    const token = resolveToken(accountId, raw, env);
    const problem = !token.ok ? token.problem : !settings.ok ? settings.problem : undefined;
    if (problem) account.problem = problem;
    return account;
  });
}
