/**
 * `openclaw nodes …`: list, describe and invoke nodes, and answer node pairing requests
 * (protocol.md §6 Nodes). Pairing tokens are secrets: the gateway sends one only with its approval, and only `--json` passes it through.
 */
import { defineCommand } from "citty";
import type { NodeInfo } from "../../protocol/methods/nodes.ts";
import { CliError } from "./cli-error.ts";
import { connectionArgs } from "./gateway-target.ts";
import { ago, cell, list, pairingDecisionCommand, rpcCommand, section, table, yesNo, type Loose } from "./rpc-command.ts";

/** The gateway's invoke timeout when the caller sets none (protocol.md §6). */
const SERVER_INVOKE_TIMEOUT_MS = 30_000;
/** Extra time the RPC waits beyond the invoke, so the gateway's own timeout error arrives first. */
const RPC_MARGIN_MS = 5_000;
const MAX_INVOKE_TIMEOUT_MS = 600_000;

function describeList(nodes: NodeInfo[]): string {
  if (nodes.length === 0) return "No nodes connected or paired.";
  const header = ["nodeId", "name", "platform", "connected", "paired", "commands"];
  return table([header, ...nodes.map((n) => [n.nodeId, cell(n.displayName), cell(n.platform), yesNo(n.connected), yesNo(n.paired), list(n.commands)])]);
}

function describeNode(n: NodeInfo): string {
  const since = n.connected && n.connectedAtMs ? ` (since ${new Date(n.connectedAtMs).toISOString()})` : "";
  const granted = n.permissions ? Object.keys(n.permissions).filter((key) => n.permissions![key]) : undefined;
  const rows: [string, string][] = [
    ["nodeId", n.nodeId],
    ["name", cell(n.displayName)],
    ["platform", cell(n.platform)],
    ["version", cell(n.version)],
    ["device", cell([n.deviceFamily, n.modelIdentifier].filter(Boolean).join(" "))],
    ["remoteIp", cell(n.remoteIp)],
    ["connected", yesNo(n.connected) + since],
    ["paired", yesNo(n.paired)],
    ["caps", list(n.caps)],
    ["commands", list(n.commands)],
  ];
  if (granted) rows.push(["permissions", list(granted)]);
  return table(rows);
}

/** `node.pair.list`: pending first (they need an answer), then paired; never the tokens. */
function describePairing(result: Loose): string {
  const pending = (result.pending ?? []) as Loose[];
  const paired = (result.paired ?? []) as Loose[];
  return [
    section("Pending node pairing requests", ["requestId", "nodeId", "name", "platform", "repair", "requested"], pending.map((r) => [r.requestId, r.nodeId, cell(r.displayName), cell(r.platform), yesNo(r.isRepair), ago(r.ts)])),
    section("Paired nodes", ["nodeId", "name", "platform", "approved"], paired.map((p) => [p.nodeId, cell(p.displayName), cell(p.platform), ago(p.approvedAtMs)])),
  ].join("\n");
}

function parseParams(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new CliError(`--params is not valid JSON: ${text.slice(0, 80)}`);
  }
}

function parseInvokeTimeout(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const ms = Number(text);
  if (!Number.isInteger(ms) || ms < 1 || ms > MAX_INVOKE_TIMEOUT_MS) throw new CliError(`invalid --invoke-timeout ${text}: use milliseconds between 1 and ${MAX_INVOKE_TIMEOUT_MS}`);
  return ms;
}

const nodeId = { type: "positional", description: "Node id (see: openclaw nodes list)", required: true } as const;

const listCommand = rpcCommand({
  name: "list",
  description: "List connected and paired nodes",
  method: "node.list",
  human: (result: { nodes: NodeInfo[] }) => describeList(result.nodes),
});

const pendingCommand = rpcCommand({
  name: "pending",
  description: "List pending node pairing requests and paired nodes",
  method: "node.pair.list",
  human: describePairing,
});

const describeCommand = rpcCommand({
  name: "describe",
  description: "Show one node's details",
  args: { nodeId },
  method: "node.describe",
  params: (args) => ({ nodeId: args.nodeId }),
  human: (result: NodeInfo) => describeNode(result),
});

const invokeCommand = rpcCommand({
  name: "invoke",
  description: "Run a command on a node and print its result",
  args: {
    nodeId,
    command: { type: "positional", description: "Node command, e.g. system.which", required: true },
    params: { type: "string", description: "Command params as JSON" },
    "invoke-timeout": { type: "string", description: `How long the node may take, in ms (gateway default ${SERVER_INVOKE_TIMEOUT_MS})` },
    "idempotency-key": { type: "string", description: "Key that makes a retried invoke run once (default: a random UUID)" },
  },
  // The RPC must outlive the invoke, otherwise a slow node looks like a dead gateway.
  flags: (args) => {
    const needed = (parseInvokeTimeout(args["invoke-timeout"]) ?? SERVER_INVOKE_TIMEOUT_MS) + RPC_MARGIN_MS;
    const given = Number(args.timeout);
    return { ...args, timeout: given > 0 && given < needed ? String(needed) : args.timeout };
  },
  method: "node.invoke",
  params: (args) => {
    const params = parseParams(args.params);
    const timeoutMs = parseInvokeTimeout(args["invoke-timeout"]);
    return {
      nodeId: args.nodeId,
      command: args.command,
      ...(params !== undefined ? { params } : {}),
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
      idempotencyKey: args["idempotency-key"] ?? crypto.randomUUID(),
    };
  },
  human: (result: { payload?: unknown }) => (typeof result.payload === "string" ? result.payload : JSON.stringify(result.payload ?? null, null, 2)),
});

const renameCommand = rpcCommand({
  name: "rename",
  description: "Set a node's display name",
  args: { nodeId, name: { type: "positional", description: "New display name", required: true } },
  method: "node.rename",
  params: (args) => ({ nodeId: args.nodeId, displayName: args.name }),
  human: (result: Loose, args) => `Renamed node ${result.nodeId ?? args.nodeId} to "${result.displayName ?? args.name}"`,
});

export default defineCommand({
  meta: { name: "nodes", description: "List, inspect, invoke and pair nodes" },
  // Declared here too so `nodes --url ws://… list` does not take the URL for a subcommand.
  args: connectionArgs,
  default: "list",
  subCommands: {
    list: listCommand,
    pending: pendingCommand,
    describe: describeCommand,
    invoke: invokeCommand,
    approve: pairingDecisionCommand("node", "approve"),
    reject: pairingDecisionCommand("node", "reject"),
    rename: renameCommand,
  },
});
