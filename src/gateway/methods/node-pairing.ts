/**
 * `node.pair.*`: the wire side of node pairing. The decisions live in core/pairing; here
 * results become responses, and issued tokens are registered with the log redactor.
 */
import { ErrorCodes } from "../../../protocol/errors.ts";
import type { nodeMethods as nodeRecords } from "../../../protocol/methods/nodes.ts";
import type { HandlersOf, MethodHandler } from "../rpc/dispatcher.ts";
import { RpcError } from "../rpc/rpc-error.ts";

type NodePairingMethods = HandlersOf<Pick<typeof nodeRecords, "node.pair.request" | "node.pair.list" | "node.pair.approve" | "node.pair.reject" | "node.pair.verify">>;

const unknownRequest = () => new RpcError(ErrorCodes.INVALID_REQUEST, "unknown requestId");

const approve: MethodHandler<"node.pair.approve"> = ({ requestId }, { services }) => {
  const result = services.nodePairing.approve(requestId);
  if (result.status !== "approved") throw unknownRequest();
  services.redactor.addSecret(result.node.token);
  return { requestId, node: result.node };
};

const reject: MethodHandler<"node.pair.reject"> = ({ requestId }, { services }) => {
  const result = services.nodePairing.reject(requestId);
  if (result.status !== "rejected") throw unknownRequest();
  return { requestId, nodeId: result.request.nodeId };
};

const verify: MethodHandler<"node.pair.verify"> = ({ nodeId, token }, { services }) => {
  const result = services.nodePairing.verify(nodeId, token);
  return result.status === "verified" ? { ok: true, node: result.node } : { ok: false };
};

export const nodePairingMethods: NodePairingMethods = {
  "node.pair.request": (params, { services }) => services.nodePairing.request(params),
  // A node's token is handed over once, by `node.pair.approve`; listing never sends it again.
  "node.pair.list": (_params, { services }) => {
    const { pending, paired } = services.nodePairing.list();
    return { pending, paired: paired.map(({ token: _token, ...node }) => node) };
  },
  "node.pair.approve": approve,
  "node.pair.reject": reject,
  "node.pair.verify": verify,
};
