/**
 * `openclaw channels status|login|logout`: what the gateway's channel accounts are doing, and
 * linking or unlinking one. Status and logout ask the running gateway (it owns the
 * connections); login depends on the channel: a Telegram bot token is the whole login, so there
 * is nothing to scan and the command says which setting to fill in; WhatsApp's QR login is not
 * built yet, and the command says so instead of pretending.
 */
import { defineCommand } from "citty";
import type { ChannelsLogoutResult, ChannelsStatusResult } from "../../protocol/methods/channels.ts";
import type { Static } from "../../protocol/schema-builder.ts";
import { channelLabel } from "../channels/channel-status.ts";
import { loginWhatsApp, whatsappLoginArgs } from "./channels-login-whatsapp.ts";
import { CliError } from "./cli-error.ts";
import { loadCliOptions } from "./cli-options.ts";
import { commandHint, flagsProfile } from "./command-hint.ts";
import { connectionArgs } from "./gateway-target.ts";
import { globalFlags } from "./global-flags.ts";
import { ago, cell, rpcCommand, table, yesNo, type Loose } from "./rpc-command.ts";

const KNOWN_CHANNELS = ["telegram", "whatsapp"] as const;

/** The channel named by the positional or `--channel` (the reference's spelling); one of the two, not blank. */
function channelOf(args: { channel?: string; name?: string }, required: boolean): string | undefined {
  const positional = args.name?.trim();
  const flag = args.channel;
  if (flag !== undefined && !flag.trim()) throw new CliError("--channel must not be blank");
  if (positional && flag && positional.toLowerCase() !== flag.trim().toLowerCase()) throw new CliError(`two channels named: ${positional} and --channel ${flag}`);
  const channel = (positional || flag?.trim())?.toLowerCase();
  if (channel === undefined) {
    if (required) throw new CliError(`name the channel: ${KNOWN_CHANNELS.join(" | ")}`);
    return undefined;
  }
  if (!(KNOWN_CHANNELS as readonly string[]).includes(channel)) throw new CliError(`unknown channel ${channel}: use ${KNOWN_CHANNELS.join(" | ")}`);
  return channel;
}

function accountOf(account: string | undefined): string | undefined {
  if (account !== undefined && !account.trim()) throw new CliError("--account must not be blank");
  return account?.trim();
}

const hint = (command: string) => commandHint(flagsProfile(globalFlags()), command);

/** `--probe`'s finding in a cell: `ok @bot` or the platform's reason. */
function probeCell(a: Loose): string {
  const probe = a.probe as Loose | undefined;
  if (!probe) return "-";
  if (!probe.ok) return `failed: ${probe.error ?? "unknown"}`;
  const self = probe.self as Loose | undefined;
  return self?.username ? `ok @${self.username}` : "ok";
}

/** One account's row: state words a person reads at a glance, times as "3m ago". */
function accountRow(a: Loose, withProbe: boolean, now: number): string[] {
  const problem = a.stoppedReason ? `stopped: ${a.stoppedReason}` : a.lastError;
  return [
    String(a.channel),
    String(a.accountId),
    a.enabled === false ? "disabled" : yesNo(a.configured),
    yesNo(a.linked),
    yesNo(a.running),
    yesNo(a.connected),
    ago(a.lastInboundAt ?? undefined, now),
    ago(a.lastOutboundAt ?? undefined, now),
    String(a.reconnectAttempts ?? 0),
    ...(withProbe ? [probeCell(a)] : []),
    cell(problem),
  ];
}

/** Every account of a `channels.status` result in channel order, each with its channel named. */
export function statusAccounts(result: ChannelsStatusResult, channel?: string): Loose[] {
  const order = result.channelOrder.filter((id) => channel === undefined || id === channel);
  return order.flatMap((id) => (result.channelAccounts[id] ?? []).map((account) => ({ channel: id, ...account })));
}

export function describeStatus(result: ChannelsStatusResult, options: { channel?: string; probe?: boolean }, now = Date.now()): string {
  const accounts = statusAccounts(result, options.channel);
  if (accounts.length === 0) {
    const telegram = "set channels.telegram.botToken (or TELEGRAM_BOT_TOKEN) and restart the gateway";
    const whatsapp = `link WhatsApp with ${hint("channels login whatsapp")}`;
    if (options.channel === "whatsapp") return `WhatsApp is not configured: ${whatsapp}`;
    if (options.channel === "telegram") return `Telegram is not configured: ${telegram}`;
    return `No channels configured: ${telegram}, or ${whatsapp}`;
  }
  const header = ["channel", "account", "configured", "linked", "running", "connected", "last in", "last out", "reconnects", ...(options.probe ? ["probe"] : []), "last error"];
  return table([header, ...accounts.map((a) => accountRow(a, options.probe === true, now))]);
}

const statusCommand = rpcCommand({
  name: "status",
  description: "Show each channel account: configured, linked, running, connected, last traffic, reconnects, last error",
  args: {
    channel: { type: "string", description: `Only this channel (${KNOWN_CHANNELS.join(" | ")})` },
    probe: { type: "boolean", description: "Check the credentials with the platform now (Telegram: getMe)", default: false },
  },
  method: "channels.status",
  params: (args) => {
    channelOf({ channel: args.channel }, false);
    return args.probe ? { probe: true } : {};
  },
  human: (result: ChannelsStatusResult, args) => describeStatus(result, { channel: channelOf({ channel: args.channel }, false), probe: args.probe }),
});

const logoutCommand = rpcCommand({
  name: "logout",
  description: "Stop a channel account and forget its session (WhatsApp: unlink the device)",
  args: {
    name: { type: "positional", description: `Channel (${KNOWN_CHANNELS.join(" | ")})`, required: false },
    channel: { type: "string", description: "Channel (instead of the positional)" },
    account: { type: "string", description: "Account id (default: the channel's default account)" },
  },
  method: "channels.logout",
  params: (args) => {
    const accountId = accountOf(args.account);
    return { channel: channelOf(args, true), ...(accountId ? { accountId } : {}) };
  },
  human: (result: Static<typeof ChannelsLogoutResult>) => {
    const what = `${channelLabel(result.channel)} account ${result.accountId}`;
    if (result.cleared) return `Logged out ${what}: its session is forgotten; link it again with ${hint(`channels login ${result.channel}`)}`;
    // A bot token is not a session: it stays valid until it is removed from the config or revoked.
    return `Logged out ${what}: it is stopped until the gateway restarts or its config changes. The bot token stays in the config; remove it there (or revoke it with @BotFather) to unlink for good`;
  },
});

/** What `channels login telegram` finds in the config: the token is the login. */
async function telegramLogin(accountId: string): Promise<string> {
  const options = await loadCliOptions();
  const setting = accountId === "default" ? "channels.telegram.botToken (or TELEGRAM_BOT_TOKEN)" : `channels.telegram.accounts.${accountId}.botToken`;
  const intro = "Telegram has nothing to scan: the bot token from @BotFather is the login.";
  // Loaded here only: status and logout need none of the channel code.
  const { telegramAccounts } = await import("../channels/telegram/accounts.ts");
  const account = telegramAccounts(options.config, options.env).find((a) => a.accountId === accountId);
  if (!account) throw new CliError(`${intro} Telegram account ${accountId} is not configured: set ${setting}, then restart the gateway (${hint("gateway")})`);
  if (account.problem) throw new CliError(`${intro} Telegram account ${accountId} cannot run: ${account.problem}`);
  if (!account.enabled) throw new CliError(`Telegram account ${accountId} has a token but is disabled (enabled: false); enable it, then restart the gateway`);
  return `${intro} Account ${accountId} has one; the gateway links it when it starts. Check it with: ${hint("channels status --probe")}`;
}

const loginCommand = defineCommand({
  meta: { name: "login", description: "Link a channel account (Telegram: says which token to set; WhatsApp: QR or pairing code through the gateway)" },
  args: {
    name: { type: "positional", description: `Channel (${KNOWN_CHANNELS.join(" | ")})`, required: false },
    channel: { type: "string", description: "Channel (instead of the positional)" },
    account: { type: "string", description: "Account id (default: default)" },
    ...whatsappLoginArgs,
  },
  async run({ args }) {
    const channel = channelOf(args, true);
    if (channel === "whatsapp") return void (await loginWhatsApp({ ...args, accountId: accountOf(args.account) }));
    const accountId = accountOf(args.account) ?? "default";
    process.stdout.write((await telegramLogin(accountId)) + "\n");
  },
});

export default defineCommand({
  meta: { name: "channels", description: "Link and inspect channels (Telegram; WhatsApp later)" },
  // Declared here too so `channels --url ws://… status` does not take the URL for a subcommand.
  args: connectionArgs,
  default: "status",
  subCommands: { status: statusCommand, login: loginCommand, logout: logoutCommand },
});
