/**
 * `node.pair.*`: a node asks to be paired, an operator approves or rejects, and the node can
 * later prove it was paired with the token it got. Requests expire after five minutes; the
 * expiry is applied whenever the pairing state is read or changed.
 */
import { randomBytes } from "node:crypto";
import { ErrorCodes } from "../../../protocol/errors.ts";
import type { NodePairRequestParams, NodePairVerifyParams, RequestIdParams } from "../../../protocol/methods/nodes.ts";
import type { NodePairingRequest, PairedNode } from "../../store/nodes.ts";
import { secretsEqual } from "../auth/shared-secret.ts";
import type { MethodHandler, MethodHandlers } from "../rpc/dispatcher.ts";
import { RpcError } from "../rpc/rpc-error.ts";
import type { GatewayServices } from "../services.ts";

export const NODE_PAIRING_TTL_MS = 5 * 60_000;

type NodePairingMethods = Pick<MethodHandlers, "node.pair.request" | "node.pair.list" | "node.pair.approve" | "node.pair.reject" | "node.pair.verify">;

function resolved(services: GatewayServices, request: NodePairingRequest, decision: "approved" | "rejected" | "expired"): void {
  services.connections.broadcast("node.pair.resolved", { requestId: request.requestId, nodeId: request.nodeId, decision, ts: services.now() });
}

function expireOld(services: GatewayServices): void {
  for (const request of services.nodeStore.expireRequests(services.now() - NODE_PAIRING_TTL_MS)) resolved(services, request, "expired");
}

function pending(services: GatewayServices, requestId: string): NodePairingRequest {
  expireOld(services);
  const request = services.nodeStore.request(requestId);
  if (!request) throw new RpcError(ErrorCodes.INVALID_REQUEST, "unknown requestId");
  return request;
}

const request: MethodHandler<NodePairRequestParams> = (params, { services }) => {
  expireOld(services);
  const existing = services.nodeStore.pendingFor(params.nodeId);
  if (existing) return { status: "pending", request: existing, created: false };
  const { nodeId, silent: _silent, ...info } = params;
  const created: NodePairingRequest = { ...info, nodeId, requestId: crypto.randomUUID(), isRepair: services.nodeStore.get(nodeId) !== null, ts: services.now() };
  services.nodeStore.addRequest(created);
  services.connections.broadcast("node.pair.requested", created);
  return { status: "pending", request: created, created: true };
};

const approve: MethodHandler<RequestIdParams> = ({ requestId }, { services }) => {
  const req = pending(services, requestId);
  const now = services.now();
  const { requestId: _r, isRepair: _i, ts: _t, ...info } = req;
  const previous = services.nodeStore.get(req.nodeId);
  const node: PairedNode = { ...previous, ...info, token: randomBytes(32).toString("base64url"), createdAtMs: previous?.createdAtMs ?? now, approvedAtMs: now };
  services.nodeStore.save(node);
  services.nodeStore.deleteRequest(requestId);
  services.redactor.addSecret(node.token);
  resolved(services, req, "approved");
  return { requestId, node };
};

const reject: MethodHandler<RequestIdParams> = ({ requestId }, { services }) => {
  const req = pending(services, requestId);
  services.nodeStore.deleteRequest(requestId);
  resolved(services, req, "rejected");
  return { requestId, nodeId: req.nodeId };
};

const verify: MethodHandler<NodePairVerifyParams> = ({ nodeId, token }, { services }) => {
  const node = services.nodeStore.get(nodeId);
  if (!node || !secretsEqual(token, node.token)) return { ok: false };
  return { ok: true, node };
};

export const nodePairingMethods: NodePairingMethods = {
  "node.pair.request": request,
  "node.pair.list": (_params, { services }) => {
    expireOld(services);
    return { pending: services.nodeStore.requests(), paired: services.nodeStore.list() };
  },
  "node.pair.approve": approve,
  "node.pair.reject": reject,
  "node.pair.verify": verify,
};
