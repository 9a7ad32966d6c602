/**
 * The account set a config describes, and whether a running account's settings changed. Kept
 * apart from the manager so the reading rules (what counts as an account, what a factory that
 * throws means) sit in one place the manager's `sync` diffs against.
 */
import type { Options } from "../config/load.ts";
import type { Logger } from "../log/logger.ts";
import { keyOf } from "./account-lookup.ts";
import type { ChannelAccountConfig, ChannelFactory } from "./types.ts";

export interface WantedAccount {
  factory: ChannelFactory;
  config: ChannelAccountConfig;
}

/** Configs are plain data: any difference in them, however small, counts as changed settings (a restart is cheap, a stale account is not). */
const fingerprint = (config: ChannelAccountConfig) => JSON.stringify(config);

export const sameSettings = (a: ChannelAccountConfig, b: ChannelAccountConfig) => fingerprint(a) === fingerprint(b);

/**
 * The accounts each factory reads from `options`, keyed by `keyOf`. A factory that throws puts
 * its channel in `unreadable`: the manager then leaves that channel's accounts as they are
 * rather than stopping them over a typo. Accounts a factory returns for another channel, or
 * without an id, are ignored.
 */
export function describeAccounts(factories: readonly ChannelFactory[], options: Readonly<Options>, log: Logger) {
  const wanted = new Map<string, WantedAccount>();
  const unreadable = new Set<string>();
  for (const factory of factories) {
    let accounts: ChannelAccountConfig[];
    try {
      accounts = factory.accounts(options.config, options.env, { stateDir: options.paths.stateDir });
    } catch (error) {
      log.error(`channels.${factory.channel} could not be read; it is left as it was:`, error);
      unreadable.add(factory.channel);
      continue;
    }
    for (const config of accounts) {
      if (config.channel !== factory.channel || !config.accountId) continue;
      wanted.set(keyOf(config.channel, config.accountId), { factory, config });
    }
  }
  return { wanted, unreadable };
}
