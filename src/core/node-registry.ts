/**
 * Connected nodes, keyed by node id (the device id of the node's connection, else its client
 * id). A second connection with the same id takes over; the older one no longer receives
 * invokes, and its later disconnect does not remove the newer registration.
 */

import type { NodeInvokeRequestEvent } from "../../protocol/methods/nodes.ts";

/** The one thing the registry needs from a connection: a way to send it an invoke. */
export interface NodeSocket {
  connId: string;
  sendInvoke(request: NodeInvokeRequestEvent): void;
}

export interface ConnectedNodeInfo {
  displayName?: string;
  platform?: string;
  version?: string;
  deviceFamily?: string;
  modelIdentifier?: string;
  remoteIp?: string;
  caps: string[];
  commands: string[];
  permissions?: Record<string, boolean>;
  pathEnv?: string;
}

export interface ConnectedNode {
  nodeId: string;
  socket: NodeSocket;
  info: ConnectedNodeInfo;
  connectedAtMs: number;
}

export class NodeRegistry {
  private readonly nodes = new Map<string, ConnectedNode>();

  /** Registers a node; returns the registration it replaced, if any. */
  register(node: ConnectedNode): ConnectedNode | null {
    const previous = this.nodes.get(node.nodeId) ?? null;
    this.nodes.set(node.nodeId, node);
    return previous;
  }

  /** Removes the node only if `connId` is still the registered connection. */
  unregister(nodeId: string, connId: string): boolean {
    if (this.nodes.get(nodeId)?.socket.connId !== connId) return false;
    this.nodes.delete(nodeId);
    return true;
  }

  get(nodeId: string): ConnectedNode | undefined {
    return this.nodes.get(nodeId);
  }

  list(): ConnectedNode[] {
    return [...this.nodes.values()];
  }
}
