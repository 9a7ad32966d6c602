/**
 * `node.*` for operators (list, describe, rename, invoke) and for nodes (invoke results,
 * events). `node.invoke` goes through the shared idempotency cache: a repeated key returns the
 * first result, also after a restart, so a command never runs twice for one request.
 */
import { ErrorCodes } from "../../../protocol/errors.ts";
import type { NodeInfo, nodeMethods as nodeRecords } from "../../../protocol/methods/nodes.ts";
import type { Outcome } from "../../core/idempotency.ts";
import { decideCommand } from "../../core/node-command-policy.ts";
import { DEFAULT_NODE_INVOKE_TIMEOUT_MS, NodeInvokeError } from "../../core/node-invoker.ts";
import type { HandlersOf, MethodHandler } from "../rpc/dispatcher.ts";
import { RpcError } from "../rpc/rpc-error.ts";
import type { GatewayServices } from "../services.ts";

type NodeMethods = HandlersOf<Pick<typeof nodeRecords, "node.list" | "node.describe" | "node.rename" | "node.invoke" | "node.invoke.result" | "node.event">>;

/** Paired (node pairing or a device approved as a node) and connected nodes, merged. */
export function listNodes(services: GatewayServices): NodeInfo[] {
  const entries = new Map<string, NodeInfo>();
  for (const device of services.devices.list()) {
    if (!device.roles.includes("node")) continue;
    entries.set(device.deviceId, {
      nodeId: device.deviceId, displayName: device.displayName ?? undefined, platform: device.platform ?? undefined,
      deviceFamily: device.deviceFamily ?? undefined, caps: [], commands: [], paired: true, connected: false,
    });
  }
  for (const node of services.nodeStore.list()) {
    const { token: _token, createdAtMs: _c, approvedAtMs: _a, lastConnectedAtMs: _l, ...info } = node;
    entries.set(node.nodeId, { ...entries.get(node.nodeId), ...info, caps: info.caps ?? [], commands: info.commands ?? [], paired: true, connected: false });
  }
  for (const node of services.nodes.list()) {
    const known = entries.get(node.nodeId);
    entries.set(node.nodeId, {
      ...known,
      ...node.info,
      displayName: known?.displayName ?? node.info.displayName,
      nodeId: node.nodeId,
      connectedAtMs: node.connectedAtMs,
      paired: known?.paired ?? false,
      connected: true,
    });
  }
  const name = (n: NodeInfo) => (n.displayName ?? n.nodeId).toLowerCase();
  return [...entries.values()].sort((a, b) => Number(b.connected) - Number(a.connected) || name(a).localeCompare(name(b)));
}

function describe(services: GatewayServices, nodeId: string): NodeInfo {
  const node = listNodes(services).find((n) => n.nodeId === nodeId);
  if (!node) throw new RpcError(ErrorCodes.INVALID_REQUEST, "unknown nodeId");
  return node;
}

function replay<T>(outcome: Outcome): T {
  if (outcome.ok) return outcome.payload as T;
  throw RpcError.fromShape(outcome.error);
}

const invoke: MethodHandler<"node.invoke"> = async (params, { services }) => {
  const key = `node.invoke:${params.idempotencyKey}`;
  const previous = services.idempotency.lookup(key);
  if (previous) return replay(await previous);
  const node = services.nodes.get(params.nodeId);
  if (!node) throw new RpcError(ErrorCodes.UNAVAILABLE, "node not connected", { code: "NOT_CONNECTED" });
  const decision = decideCommand(params.command, node.info.commands, node.info.platform, services.options.config.gateway?.nodes ?? {});
  if (!decision.allowed) {
    throw new RpcError(ErrorCodes.INVALID_REQUEST, "node command not allowed", { reason: decision.reason, command: params.command });
  }
  const timeoutMs = params.timeoutMs ?? DEFAULT_NODE_INVOKE_TIMEOUT_MS;
  const outcome = await services.idempotency.run(
    key,
    async () => {
      try {
        const answer = await services.invoker.invoke(node, { command: params.command, params: params.params, timeoutMs, idempotencyKey: params.idempotencyKey });
        return { ok: true as const, nodeId: node.nodeId, command: params.command, payload: answer.payload, payloadJSON: answer.payloadJSON };
      } catch (error) {
        if (error instanceof NodeInvokeError) throw new RpcError(ErrorCodes.UNAVAILABLE, error.message, error.details);
        throw error;
      }
    },
    { persist: true },
  );
  return replay(outcome);
};

const invokeResult: MethodHandler<"node.invoke.result"> = (params, { services, session }) => {
  const verdict = services.invoker.settle(session.node!.nodeId, params);
  if (verdict === "mismatch") throw new RpcError(ErrorCodes.INVALID_REQUEST, "nodeId mismatch");
  return verdict === "ignored" ? { ok: true, ignored: true } : { ok: true };
};

const rename: MethodHandler<"node.rename"> = ({ nodeId, displayName }, { services }) => {
  const paired = services.nodeStore.get(nodeId);
  const connected = services.nodes.get(nodeId);
  const device = services.devices.get(nodeId);
  if (!paired && !connected && !device?.roles.includes("node")) throw new RpcError(ErrorCodes.INVALID_REQUEST, "unknown nodeId");
  if (paired) services.nodeStore.save({ ...paired, displayName });
  if (device) services.devices.save({ ...device, displayName });
  if (connected) connected.info.displayName = displayName;
  return { nodeId, displayName };
};

export const nodeMethods: NodeMethods = {
  "node.list": (_params, { services }) => ({ ts: services.now(), nodes: listNodes(services) }),
  "node.describe": ({ nodeId }, { services }) => ({ ...describe(services, nodeId), ts: services.now() }),
  "node.rename": rename,
  "node.invoke": invoke,
  "node.invoke.result": invokeResult,
  "node.event": ({ event }, { services, session }) => {
    services.log.debug(`node ${session.node?.nodeId} event ${event}`);
    return { ok: true };
  },
};
