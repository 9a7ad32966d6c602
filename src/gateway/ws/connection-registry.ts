/**
 * All open connections and the broadcast path. A slow consumer (more than `maxBufferedBytes`
 * waiting in its socket) loses droppable events, and is closed 1008 "slow consumer" when an
 * event must not be dropped, so one stuck client never holds memory for everyone else.
 */
import { CloseCodes } from "../../../protocol/errors.ts";
import type { StateVersion } from "../../../protocol/frames.ts";
import { PAIRING_EVENTS, Scopes } from "../../../protocol/scopes.ts";
import { RawJson } from "../rpc/raw-json.ts";
import type { Connection, Session } from "./connection.ts";

export interface BroadcastOptions {
  /** Skip (rather than disconnect) receivers that are behind. */
  dropIfSlow?: boolean;
  stateVersion?: StateVersion;
}

function mayReceive(event: string, session: Session): boolean {
  if (!PAIRING_EVENTS.has(event)) return true;
  return session.role === "operator" && (session.scopes.includes(Scopes.PAIRING) || session.scopes.includes(Scopes.ADMIN));
}

export class ConnectionRegistry {
  private readonly connections = new Set<Connection>();

  constructor(private readonly maxBufferedBytes: number) {}

  add(connection: Connection): void {
    this.connections.add(connection);
  }

  delete(connection: Connection): void {
    this.connections.delete(connection);
  }

  get size(): number {
    return this.connections.size;
  }

  /** Connections that completed the handshake. */
  *authenticated(): Iterable<Connection> {
    for (const connection of this.connections) if (connection.session && !connection.closed) yield connection;
  }

  all(): Iterable<Connection> {
    return this.connections;
  }

  /** Sends to every authenticated connection allowed to see `event`; pass RawJson to skip serialising. */
  broadcast(event: string, payload: unknown, options: BroadcastOptions = {}): void {
    const payloadJson = payload instanceof RawJson ? payload.text : JSON.stringify(payload ?? null);
    for (const connection of this.authenticated()) {
      if (!mayReceive(event, connection.session!)) continue;
      if (connection.bufferedAmount() > this.maxBufferedBytes) {
        if (options.dropIfSlow) continue;
        connection.close(CloseCodes.POLICY_VIOLATION, "slow consumer");
        continue;
      }
      connection.sendBroadcast(event, payloadJson, options.stateVersion);
    }
  }
}
