/**
 * `openclaw pairing …`: the owner's side of DM pairing (channels-and-models.md §3.4). Unknown
 * senders got a code in the chat; `list` shows the pending ones, `approve` lets a sender in.
 * Node and device pairing are `openclaw nodes` and `openclaw devices`.
 */
import { defineCommand } from "citty";
import type { DmPairingRequest } from "../../protocol/methods/pairing.ts";
import { isPairingCode, normalizePairingCode, PAIRING_CODE_LENGTH } from "../channels/pairing-codes.ts";
import { ClientError } from "../client/gateway-client.ts";
import { CliError } from "./cli-error.ts";
import { commandHint, flagsProfile } from "./command-hint.ts";
import { CLI_SCOPES, connectionArgs, withGateway } from "./gateway-target.ts";
import { globalFlags } from "./global-flags.ts";
import { ago, rpcCommand, table } from "./rpc-command.ts";

/** The gateway's refusal for a code that is not pending (never issued, expired, or approved already). */
const NOT_PENDING = "unknown or expired pairing code";

/** `123 (Ada, @ada)`: the id is what allowlists take, the name is how the owner recognises them. */
function sender(request: DmPairingRequest): string {
  const known = [request.meta?.name, request.meta?.username ? `@${request.meta.username}` : undefined].filter(Boolean);
  return known.length > 0 ? `${request.senderId} (${known.join(", ")})` : request.senderId;
}

function describeRequests(requests: DmPairingRequest[], channel: string | undefined): string {
  if (requests.length === 0) return channel ? `No pending ${channel} pairing requests.` : "No pending pairing requests.";
  const rows = requests.map((r) => [r.channel, r.accountId, r.code, sender(r), ago(r.createdAt)]);
  return `Pairing requests (${requests.length}):\n${table([["channel", "account", "code", "sender", "requested"], ...rows], "  ")}`;
}

/** `--account ""` would silently mean "any account"; say so instead. */
function accountOf(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (value.trim() === "") throw new CliError("--account must not be blank");
  return value.trim();
}

const channelArg = { type: "positional", description: "Channel id, e.g. telegram or whatsapp", required: true } as const;

const listCommand = rpcCommand({
  name: "list",
  description: "List pending DM pairing requests",
  args: { channel: { ...channelArg, description: "Only this channel (default: all)", required: false } },
  method: "pairing.list",
  params: (args) => (args.channel ? { channel: args.channel } : {}),
  human: (result: { requests: DmPairingRequest[] }, args) => describeRequests(result.requests, args.channel),
});

const approveArgs = {
  channel: channelArg,
  code: { type: "positional", description: "The code the sender was given", required: true },
  account: { type: "string", description: "Account id (default: the account the code was issued on)" },
  ...connectionArgs,
} as const;

const approveCommand = defineCommand({
  meta: { name: "approve", description: "Approve a pairing code and allow that sender to message the bot" },
  args: approveArgs,
  async run({ args }) {
    // Checked before connecting, so a typo fails without touching the gateway.
    const code = normalizePairingCode(args.code);
    if (!isPairingCode(code)) throw new CliError(`invalid pairing code ${args.code}: codes are ${PAIRING_CODE_LENGTH} letters and digits, as the sender was given`);
    const accountId = accountOf(args.account);
    const params = { channel: args.channel, code, ...(accountId !== undefined ? { accountId } : {}) };
    const result = await withGateway(args, CLI_SCOPES, async (client) => {
      try {
        return (await client.call("pairing.approve", params)) as { channel: string; accountId: string; senderId: string };
      } catch (error) {
        if (error instanceof ClientError && error.message.endsWith(NOT_PENDING)) {
          const hint = commandHint(flagsProfile(globalFlags()), `pairing list ${args.channel}`);
          throw new CliError(`no pending ${args.channel} pairing request has code ${code} (it may have expired; see ${hint})`);
        }
        throw error;
      }
    });
    process.stdout.write((args.json ? JSON.stringify(result, null, 2) : `Approved ${result.channel} sender ${result.senderId} (account ${result.accountId}).`) + "\n");
  },
});

export default defineCommand({
  meta: { name: "pairing", description: "Approve who may message the bot (DM pairing codes)" },
  // Declared here too so `pairing --url ws://… list` does not take the URL for a subcommand.
  args: connectionArgs,
  default: "list",
  subCommands: { list: listCommand, approve: approveCommand },
});
