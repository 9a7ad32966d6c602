/**
 * The WhatsApp accounts a config describes (channels-and-models.md §3.2). `channels.whatsapp`
 * itself is the default account (`default`) unless only named `accounts.<id>` are listed;
 * named accounts take the root's keys and override them shallowly. An account whose
 * credentials are not linked yet is listed with that as its `problem`, so status says what
 * to run instead of showing a connection that keeps failing.
 */
import type { OpenClawConfig } from "../../../protocol/config-schema.ts";
import type { ChannelAccountConfig } from "../types.ts";
import { parseWhatsAppAccess } from "./access.ts";
import { NOT_LINKED } from "./errors.ts";

export const WHATSAPP_CHANNEL = "whatsapp";
export const DEFAULT_ACCOUNT_ID = "default";

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Root keys plus the account's overrides. */
export function mergedSection(root: Record<string, unknown>, accountId: string): Record<string, unknown> {
  const { accounts: _accounts, defaultAccount: _defaultAccount, ...base } = root;
  const accounts = isRecord(root.accounts) ? root.accounts : {};
  const own = Object.hasOwn(accounts, accountId) && isRecord(accounts[accountId]) ? accounts[accountId] : {};
  return { ...base, ...own };
}

/** Account ids: `default` first when the root describes it, then named ones sorted. */
export function whatsappAccountIds(root: Record<string, unknown>): string[] {
  const accounts = isRecord(root.accounts) ? root.accounts : {};
  const named = Object.keys(accounts)
    .filter((id) => isRecord(accounts[id]) && id.trim() !== "" && id !== DEFAULT_ACCOUNT_ID)
    .sort();
  const implicitDefault = named.length === 0 || Object.hasOwn(accounts, DEFAULT_ACCOUNT_ID);
  return implicitDefault ? [DEFAULT_ACCOUNT_ID, ...named] : named;
}

export interface WhatsAppAccountsOptions {
  /**
   * Whether the account has linked credentials; undefined when that cannot be known here
   * (then `run` finds out). A throwing check counts as unknown.
   */
  isLinked?: (accountId: string) => boolean | undefined;
}

/** The accounts of `config`; none when `channels.whatsapp` is absent. */
export function whatsappAccounts(config: Readonly<OpenClawConfig>, options: WhatsAppAccountsOptions = {}): ChannelAccountConfig[] {
  const channels = isRecord(config.channels) ? config.channels : {};
  const root = channels.whatsapp;
  if (!isRecord(root)) return [];
  const defaults = isRecord(channels.defaults) ? channels.defaults : {};
  return whatsappAccountIds(root).map((accountId) => {
    const raw = mergedSection(root, accountId);
    const account: ChannelAccountConfig = {
      channel: WHATSAPP_CHANNEL,
      accountId,
      enabled: root.enabled !== false && raw.enabled !== false,
      access: parseWhatsAppAccess(raw, { groupPolicy: defaults.groupPolicy }),
      raw,
    };
    let linked: boolean | undefined;
    try {
      linked = options.isLinked?.(accountId);
    } catch {
      linked = undefined;
    }
    if (linked === false) account.problem = NOT_LINKED;
    return account;
  });
}
