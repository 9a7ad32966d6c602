/** The WebSocket upgrade: Origin check (cross-site hijacking), readiness, and what the socket learns about its peer. */
import type { Server } from "bun";
import type { Peer } from "../http/peer.ts";
import { originAllowed } from "../http/peer.ts";
import { apiError } from "../http/responses.ts";
import type { SocketData } from "./connection.ts";

export interface UpgradeOptions {
  allowedOrigins: () => readonly string[];
  ready: () => boolean;
}

export function webSocketUpgrade({ allowedOrigins, ready }: UpgradeOptions) {
  return (request: Request, server: Server<unknown>, peer: Peer): Response | undefined => {
    if (!originAllowed(request, allowedOrigins())) return apiError(403, "forbidden", "origin not allowed");
    if (!ready()) return apiError(503, "unavailable", "gateway is not accepting connections");
    const data: SocketData = {
      connId: crypto.randomUUID(),
      remoteAddress: peer.remoteAddress,
      isLocal: peer.isLocal,
      fromBrowser: request.headers.has("origin"),
    };
    if ((server as Server<SocketData>).upgrade(request, { data })) return undefined;
    return apiError(400, "invalid_request_error", "WebSocket upgrade failed");
  };
}
