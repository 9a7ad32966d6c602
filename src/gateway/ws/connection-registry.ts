/** All open WebSocket connections, by id; the event publisher reads receivers from here. */
import type { Connection } from "./connection.ts";

export class ConnectionRegistry {
  private readonly connections = new Map<string, Connection>();

  add(connection: Connection): void {
    this.connections.set(connection.connId, connection);
  }

  delete(connection: Connection): void {
    if (this.connections.get(connection.connId) === connection) this.connections.delete(connection.connId);
  }

  get size(): number {
    return this.connections.size;
  }

  get(connId: string): Connection | undefined {
    return this.connections.get(connId);
  }

  /** Connections that completed the handshake. */
  *authenticated(): Iterable<Connection> {
    for (const connection of this.connections.values()) if (connection.session && !connection.closed) yield connection;
  }

  all(): Iterable<Connection> {
    return this.connections.values();
  }
}
