/**
 * Who is calling a method and how the answer gets back: the authenticated session, where it
 * came from, and a small replier. A WebSocket connection is one kind of caller; an HTTP route
 * or an in-process part (the agent's tools) is another, and all go through the same dispatch,
 * scope check and validation.
 */
import type { ErrorShape } from "../../../protocol/frames.ts";
import type { ClientInfo } from "../../../protocol/handshake.ts";
import type { Role } from "../../../protocol/scopes.ts";

export type AuthMethod = "token" | "password" | "device-token" | "bootstrap-token" | "none";

/** What a successful `connect` (or an HTTP bearer check) established. */
export interface Session {
  protocol: number;
  role: Role;
  scopes: string[];
  client: ClientInfo;
  deviceId: string | null;
  authMethod: AuthMethod;
  caps: string[];
  /** The presence key this connection keeps alive, or null for untracked (cli) clients. */
  presenceKey: string | null;
  /** For node connections: the node id and what it declared in `connect`. */
  node: NodeDeclaration | null;
}

export interface NodeDeclaration {
  nodeId: string;
  commands: string[];
  permissions?: Record<string, boolean>;
  pathEnv?: string;
}

export interface Caller {
  session: Session;
  /** The connection id for WebSocket callers; a synthetic id for others. */
  connId: string;
  remoteAddress: string;
  isLocal: boolean;
}

/** Where a response goes. `Connection` implements it for WebSocket clients. */
export interface Replier {
  respond(id: string, payload: unknown): void;
  respondError(id: string, error: ErrorShape, payload?: unknown): void;
  /**
   * An early `res` before the final one (the `agent` method's "accepted"). Callers that only
   * want the outcome (in-process calls) leave it out and the ack is dropped.
   */
  acknowledge?(id: string, payload: unknown): void;
}
