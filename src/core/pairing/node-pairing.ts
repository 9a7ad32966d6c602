/**
 * Node pairing (`node.pair.*`, protocol.md §6): a node asks to be paired, an operator approves
 * or rejects, and the node later proves it was paired with the token it got. Requests expire
 * after five minutes; expiry is applied (and announced) whenever the state is read or changed,
 * so no timer has to run while nothing happens.
 */
import type { PayloadOf } from "../../../protocol/index.ts";
import type { NodeDescription, NodePairingRequest, NodeStore, PairedNode } from "../../store/nodes.ts";
import { newPairingToken, secretsEqual } from "./tokens.ts";

export const NODE_PAIRING_TTL_MS = 5 * 60_000;

export interface NodePairingAsk extends NodeDescription {
  nodeId: string;
  /** Accepted from clients for compatibility; every request waits for an operator. */
  silent?: boolean;
}

export type NodeRequestResult = { status: "pending"; request: NodePairingRequest; created: boolean };
export type NodeApproveResult = { status: "approved"; request: NodePairingRequest; node: PairedNode } | { status: "unknown-request" };
export type NodeRejectResult = { status: "rejected"; request: NodePairingRequest } | { status: "unknown-request" };
export type NodeVerifyResult = { status: "verified"; node: PairedNode } | { status: "invalid" };

/** Announces a pairing change; the arguments are an event name and its protocol payload. */
export type NodePairingEmit = (
  ...event: ["node.pair.requested", PayloadOf<"node.pair.requested">] | ["node.pair.resolved", PayloadOf<"node.pair.resolved">]
) => void;

export interface NodePairingOptions {
  store: NodeStore;
  /** Publishes `node.pair.requested` (the request) and `node.pair.resolved`. */
  emit: NodePairingEmit;
  /** Clock. */
  now: () => number;
}

export class NodePairing {
  private readonly store: NodeStore;
  private readonly emit: NodePairingEmit;
  private readonly now: () => number;

  constructor(options: NodePairingOptions) {
    this.store = options.store;
    this.emit = options.emit;
    this.now = options.now;
  }

  /** A node asking again while its request is pending gets the same request. */
  request(ask: NodePairingAsk): NodeRequestResult {
    this.expireOld();
    const existing = this.store.pendingFor(ask.nodeId);
    if (existing) return { status: "pending", request: existing, created: false };
    const { nodeId, silent: _silent, ...info } = ask;
    const created: NodePairingRequest = { ...info, nodeId, requestId: crypto.randomUUID(), isRepair: this.store.get(nodeId) !== null, ts: this.now() };
    this.store.addRequest(created);
    this.emit("node.pair.requested", created);
    return { status: "pending", request: created, created: true };
  }

  list(): { pending: NodePairingRequest[]; paired: PairedNode[] } {
    this.expireOld();
    return { pending: this.store.requests(), paired: this.store.list() };
  }

  /** Pairs the node with a fresh token (replacing any earlier one). */
  approve(requestId: string): NodeApproveResult {
    const request = this.pending(requestId);
    if (!request) return { status: "unknown-request" };
    const now = this.now();
    const { requestId: _r, isRepair: _i, ts: _t, ...info } = request;
    const previous = this.store.get(request.nodeId);
    const node: PairedNode = { ...previous, ...info, token: newPairingToken(), createdAtMs: previous?.createdAtMs ?? now, approvedAtMs: now };
    this.store.save(node);
    this.store.deleteRequest(requestId);
    this.resolved(request, "approved");
    return { status: "approved", request, node };
  }

  reject(requestId: string): NodeRejectResult {
    const request = this.pending(requestId);
    if (!request) return { status: "unknown-request" };
    this.store.deleteRequest(requestId);
    this.resolved(request, "rejected");
    return { status: "rejected", request };
  }

  verify(nodeId: string, token: string): NodeVerifyResult {
    const node = this.store.get(nodeId);
    return node && secretsEqual(token, node.token) ? { status: "verified", node } : { status: "invalid" };
  }

  private pending(requestId: string): NodePairingRequest | null {
    this.expireOld();
    return this.store.request(requestId);
  }

  private expireOld(): void {
    for (const request of this.store.expireRequests(this.now() - NODE_PAIRING_TTL_MS)) this.resolved(request, "expired");
  }

  private resolved(request: NodePairingRequest, decision: "approved" | "rejected" | "expired"): void {
    this.emit("node.pair.resolved", { requestId: request.requestId, nodeId: request.nodeId, decision, ts: this.now() });
  }
}
