/** The client's public types: connection state, request options and errors (re-exported by client.ts). */
import type { HelloOk } from "../../../protocol/handshake.ts";

export type ConnectionStatus = "connecting" | "connected" | "pairing" | "auth-needed" | "disconnected";

export interface ConnectionState {
  status: ConnectionStatus;
  hello: HelloOk | null;
  /** What went wrong and what to do about it; null while all is well. */
  error: string | null;
  /** While `pairing`: the command that approves this browser on the gateway host. */
  pairingCommand?: string;
}

export class GatewayRequestError extends Error {
  /** The gateway's error code (`INVALID_REQUEST`, `UNAVAILABLE`…), or `TIMEOUT` / `DISCONNECTED` from the client. */
  readonly code: string;
  readonly details?: unknown;
  constructor(code: string, message: string, details?: unknown) {
    super(message);
    this.name = "GatewayRequestError";
    this.code = code;
    this.details = details;
  }
}

export interface RequestOptions {
  /** Default 15 000 ms; the wait for a connection counts too. */
  timeoutMs?: number;
  /**
   * Two-stage methods (`agent`): the first reply `{status:"accepted"}` goes to `onAccepted`
   * and the promise resolves with the final reply.
   */
  expectFinal?: boolean;
  onAccepted?: (payload: unknown) => void;
}

/** Emitted (as an event name for `on`) after a `seq` gap or a reconnect: events were missed, re-fetch. */
export const RESYNC_EVENT = "client.resync";

