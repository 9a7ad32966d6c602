/**
 * What happens when a connection becomes an authenticated session and when it ends:
 * presence entries, node registration, and failing the invokes of a node that left.
 */
import type { Session } from "./rpc/caller.ts";
import type { GatewayServices } from "./services.ts";

/** What this needs of a connection. */
export interface OpenedConnection {
  readonly connId: string;
  readonly isLocal: boolean;
  readonly remoteAddress: string;
  readonly session: Session | null;
}

export function sessionOpened(connection: OpenedConnection, session: Session, services: GatewayServices): void {
  const c = session.client;
  if (session.presenceKey) {
    services.presence.upsert(
      session.presenceKey,
      {
        host: c.displayName ?? c.id, ...(connection.isLocal ? {} : { ip: connection.remoteAddress }),
        version: c.version, platform: c.platform, deviceFamily: c.deviceFamily, modelIdentifier: c.modelIdentifier,
        mode: c.mode, instanceId: c.instanceId, deviceId: session.deviceId ?? undefined, reason: "connect",
        roles: [session.role], scopes: session.scopes,
      },
      { live: true },
    );
  }
  if (session.node) {
    const now = services.now();
    const replaced = services.nodes.register({
      nodeId: session.node.nodeId,
      // Invokes reach the node through the publisher, like every other event.
      socket: { connId: connection.connId, sendInvoke: (request) => void services.events.sendTo(connection.connId, "node.invoke.request", request) },
      connectedAtMs: now,
      info: {
        displayName: c.displayName, platform: c.platform, version: c.version, deviceFamily: c.deviceFamily,
        modelIdentifier: c.modelIdentifier, ...(connection.isLocal ? {} : { remoteIp: connection.remoteAddress }),
        caps: session.caps, commands: session.node.commands, permissions: session.node.permissions, pathEnv: session.node.pathEnv,
      },
    });
    if (replaced) services.log.info(`node ${session.node.nodeId} reconnected; the newer connection takes over`);
    services.nodeStore.touch(session.node.nodeId, now);
  }
  services.health.refreshSoon();
}

export function sessionClosed(connection: OpenedConnection, services: GatewayServices): void {
  const session = connection.session;
  if (!session) return;
  if (session.presenceKey) {
    services.presence.disconnected(session.presenceKey);
  }
  if (session.node && services.nodes.unregister(session.node.nodeId, connection.connId)) {
    services.invoker.nodeGone(session.node.nodeId);
    services.nodeStore.touch(session.node.nodeId, services.now());
  }
}
