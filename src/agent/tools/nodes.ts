/**
 * `nodes` (the reference's name): the paired devices (nodes) and the commands they run. An
 * invoke goes through `node.invoke`, so the node's own declared commands, the platform
 * allowlist and `gateway.nodes.allowCommands`/`denyCommands` decide, as for any operator.
 */
import { t } from "../../../protocol/schema-builder.ts";
import type { RpcError } from "../../gateway/rpc/rpc-error.ts";
import { callMethod, jsonResult } from "./method-call.ts";
import { ToolError, type Tool, type ToolContext } from "./types.ts";

const parameters = t.object(
  {
    action: t.enum(["list", "status", "describe", "invoke"], { description: "list (or status): all nodes; describe: one node; invoke: run a command on a node." }),
    nodeId: t.optional(t.string({ minLength: 1, maxLength: 256, description: "For describe and invoke: a nodeId from list." })),
    command: t.optional(t.string({ minLength: 1, maxLength: 256, description: "For invoke: a command the node declares, e.g. system.which." })),
    params: t.optional(t.unknown({ description: "For invoke: the command's parameters." })),
    timeoutMs: t.optional(t.integer({ minimum: 1, maximum: 600_000, description: "For invoke: how long to wait for the node (default 30000)." })),
  },
  { additionalProperties: false },
);

/** The gateway's message, plus why a command was refused when it says. */
function explain(what: string) {
  return (error: RpcError) => {
    const reason = (error.details as { reason?: unknown } | undefined)?.reason;
    return `${what} failed: ${error.message}${typeof reason === "string" ? ` (${reason})` : ""}`;
  };
}

function required(args: Record<string, unknown>, name: string, action: string): string {
  const value = args[name];
  if (typeof value !== "string") throw new ToolError(`nodes ${action} requires '${name}'`);
  return value;
}

async function invoke(args: Record<string, unknown>, ctx: ToolContext) {
  const params = {
    nodeId: required(args, "nodeId", "invoke"),
    command: required(args, "command", "invoke"),
    ...(args.params !== undefined ? { params: args.params } : {}),
    ...(args.timeoutMs !== undefined ? { timeoutMs: args.timeoutMs } : {}),
    // node.invoke dedupes on this key, so a retried tool call never runs the command twice.
    idempotencyKey: `${ctx.runId}:${ctx.toolCallId}`,
  };
  return jsonResult(await callMethod(ctx, { method: "node.invoke", params, explain: explain(`${params.command} on ${params.nodeId}`) }));
}

export const nodesTool: Tool = {
  name: "nodes",
  description: "List the paired nodes (devices) and run commands on them (invoke needs nodeId and command).",
  parameters,
  async run(args, ctx) {
    switch (args.action) {
      case "list":
      case "status":
        return jsonResult(await callMethod(ctx, { method: "node.list", params: {}, explain: explain("node.list") }));
      case "describe":
        return jsonResult(await callMethod(ctx, { method: "node.describe", params: { nodeId: required(args, "nodeId", "describe") }, explain: explain("node.describe") }));
      case "invoke":
        return invoke(args, ctx);
      default:
        throw new ToolError(`unknown nodes action: ${String(args.action)}`);
    }
  },
};
