/**
 * The `node.invoke` relay: sends `node.invoke.request` to one node, waits for its
 * `node.invoke.result`, and settles the caller's promise. Pending invokes time out, and fail
 * at once when their node disconnects, so a caller never waits on a node that is gone.
 */
import type { ConnectedNode } from "./node-registry.ts";

export const DEFAULT_NODE_INVOKE_TIMEOUT_MS = 30_000;

export class NodeInvokeError extends Error {
  constructor(
    message: string,
    readonly details: Record<string, unknown>,
  ) {
    super(message);
    this.name = "NodeInvokeError";
  }
}

export interface NodeAnswer {
  payload: unknown;
  payloadJSON: string | null;
}

export interface NodeResult {
  id: string;
  nodeId: string;
  ok: boolean;
  payload?: unknown;
  payloadJSON?: string | null;
  error?: { code?: string; message?: string };
}

interface Pending {
  nodeId: string;
  resolve(answer: NodeAnswer): void;
  reject(error: NodeInvokeError): void;
  timer: ReturnType<typeof setTimeout>;
}

function parsePayload(result: NodeResult): NodeAnswer {
  if (typeof result.payloadJSON === "string") {
    try {
      return { payload: JSON.parse(result.payloadJSON), payloadJSON: result.payloadJSON };
    } catch {
      return { payload: result.payloadJSON, payloadJSON: result.payloadJSON };
    }
  }
  const payload = result.payload ?? null;
  return { payload, payloadJSON: payload === null ? null : JSON.stringify(payload) };
}

export interface InvokeRequest {
  command: string;
  params: unknown;
  timeoutMs: number;
  /** Passed on so a node that remembers keys can refuse a repeat. */
  idempotencyKey?: string;
}

export class NodeInvoker {
  private readonly pending = new Map<string, Pending>();

  invoke(node: ConnectedNode, { command, params, timeoutMs, idempotencyKey }: InvokeRequest): Promise<NodeAnswer> {
    const id = crypto.randomUUID();
    return new Promise<NodeAnswer>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new NodeInvokeError("node invoke timed out", { code: "TIMEOUT", timeoutMs }));
      }, timeoutMs);
      this.pending.set(id, { nodeId: node.nodeId, resolve, reject, timer });
      node.socket.sendInvoke({
        id,
        nodeId: node.nodeId,
        command,
        paramsJSON: params === undefined ? null : JSON.stringify(params),
        timeoutMs,
        ...(idempotencyKey ? { idempotencyKey } : {}),
      });
    });
  }

  /** A node answered. Late or unknown ids are ignored; a node may only answer its own invokes. */
  settle(fromNodeId: string, result: NodeResult): "settled" | "ignored" | "mismatch" {
    const pending = this.pending.get(result.id);
    if (!pending) return "ignored";
    if (pending.nodeId !== fromNodeId || result.nodeId !== fromNodeId) return "mismatch";
    this.pending.delete(result.id);
    clearTimeout(pending.timer);
    if (result.ok) pending.resolve(parsePayload(result));
    else pending.reject(new NodeInvokeError(result.error?.message || "node command failed", { nodeError: result.error ?? {} }));
    return "settled";
  }

  /** The node's connection closed: every invoke waiting on it fails now. */
  nodeGone(nodeId: string): void {
    for (const [id, pending] of this.pending) {
      if (pending.nodeId !== nodeId) continue;
      this.pending.delete(id);
      clearTimeout(pending.timer);
      pending.reject(new NodeInvokeError("node disconnected", { code: "NOT_CONNECTED" }));
    }
  }

  /** Fails everything (gateway shutdown). */
  cancelAll(): void {
    for (const nodeId of new Set([...this.pending.values()].map((p) => p.nodeId))) this.nodeGone(nodeId);
  }
}
