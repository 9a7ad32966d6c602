/**
 * `openclaw devices …`: answer device pairing requests and manage paired devices' per-role
 * tokens (protocol.md §3.8, §6 Devices). A rotated token is a secret: it is printed only when
 * asked for (`--json` or `--show-token`).
 */
import { defineCommand } from "citty";
import type { DevicePairRequest, PairedDeviceInfo } from "../../protocol/methods/devices.ts";
import { connectionArgs } from "./gateway-target.ts";
import { ago, cell, list, pairingDecisionCommand, rpcCommand, section, type Loose } from "./rpc-command.ts";

interface TokenSummary {
  role: string;
  revokedAtMs?: number;
}

/** `cli/cli`: which client a device signed in as, the quickest way to recognise it. */
const client = (d: { clientId?: string; clientMode?: string }) => cell([d.clientId, d.clientMode].filter(Boolean).join("/"));
const tokens = (summaries: TokenSummary[] | undefined) => cell((summaries ?? []).map((t) => (t.revokedAtMs ? `${t.role}(revoked)` : t.role)).join(","));

/** Pending first (they need an answer), then paired; the gateway already reduces tokens to summaries. */
function describeDevices(result: { pending?: DevicePairRequest[]; paired?: PairedDeviceInfo[] }): string {
  const pending = (result.pending ?? []).map((r) => [r.requestId, r.deviceId, cell(r.displayName), cell(r.platform), client(r), r.role, list(r.scopes), cell(r.remoteIp), r.reason, ago(r.ts)]);
  const paired = (result.paired ?? []).map((d) => [d.deviceId, cell(d.displayName), cell(d.platform), client(d), list(d.roles), list(d.scopes), tokens(d.tokens), cell(d.remoteIp)]);
  return [
    section("Pending device pairing requests", ["requestId", "deviceId", "name", "platform", "client", "role", "scopes", "ip", "reason", "requested"], pending),
    section("Paired devices", ["deviceId", "name", "platform", "client", "roles", "scopes", "tokens", "ip"], paired),
  ].join("\n");
}

const deviceId = { type: "positional", description: "Device id (see: openclaw devices list)", required: true } as const;
const role = { type: "string", description: "Token role", default: "operator" } as const;

const listCommand = rpcCommand({
  name: "list",
  description: "List pending device pairing requests and paired devices",
  method: "device.pair.list",
  human: describeDevices,
});

const removeCommand = rpcCommand({
  name: "remove",
  description: "Forget a paired device (it must pair again to connect)",
  args: { deviceId },
  method: "device.pair.remove",
  params: (args) => ({ deviceId: args.deviceId }),
  human: (_result, args) => `Removed device ${args.deviceId}`,
});

const rotateCommand = rpcCommand({
  name: "rotate",
  description: "Issue a new token for one of a device's roles (the old one stops working)",
  args: {
    deviceId,
    role,
    scopes: { type: "string", description: "Comma-separated scopes for the new token (default: the current ones)" },
    "show-token": { type: "boolean", description: "Print the new token (it is a secret)", default: false },
  },
  method: "device.token.rotate",
  params: (args) => {
    const scopes = args.scopes?.split(",").map((s) => s.trim()).filter(Boolean);
    return { deviceId: args.deviceId, role: args.role, ...(scopes ? { scopes } : {}) };
  },
  human: (result: Loose, args, url) => {
    const done = `Rotated the ${args.role} token of device ${args.deviceId} on ${url} (scopes: ${list(result.scopes)})`;
    if (args["show-token"]) return `${done}\n${result.token}`;
    return `${done}\nThe new token is a secret and is not printed; pass --show-token (or --json) when rotating to see it.`;
  },
});

const revokeCommand = rpcCommand({
  name: "revoke",
  description: "Revoke a device's token for one role",
  args: { deviceId, role },
  method: "device.token.revoke",
  params: (args) => ({ deviceId: args.deviceId, role: args.role }),
  human: (_result, args) => `Revoked the ${args.role} token of device ${args.deviceId}`,
});

export default defineCommand({
  meta: { name: "devices", description: "Approve devices and manage their tokens" },
  // Declared here too so `devices --url ws://… list` does not take the URL for a subcommand.
  args: connectionArgs,
  default: "list",
  subCommands: {
    list: listCommand,
    approve: pairingDecisionCommand("device", "approve"),
    reject: pairingDecisionCommand("device", "reject"),
    remove: removeCommand,
    rotate: rotateCommand,
    revoke: revokeCommand,
  },
});
