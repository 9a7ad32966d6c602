/**
 * The HTTP route table's types. Each route names its path and methods; its handler gets the
 * request, the Bun server (so an SSE route can call `server.timeout(req, 0)`) and a request
 * context with the peer and the auth helpers. `createGateway` composes the table once into
 * `Bun.serve({ routes })`, wrapped with the checks every request goes through.
 */
import type { Server } from "bun";
import type { GatewayServices } from "../services.ts";
import type { Peer } from "./peer.ts";

export interface RequestContext {
  url: URL;
  server: Server<unknown>;
  /** Who sent the request (loopback detection honours trusted proxies only). */
  peer: Peer;
  services: GatewayServices;
  /** The gateway is listening and not draining. */
  ready: () => boolean;
  /** null when the request carries the gateway secret as a Bearer token, else the response to send. */
  requireBearer(): Response | null;
}

export interface HttpRoute {
  /** An exact path (`/tools/invoke`) or a Bun route pattern (`/v1/*`). */
  path: string;
  /** Allowed methods; any other gets 405 with `Allow`. HEAD is allowed wherever GET is. */
  methods: readonly string[];
  handler(request: Request, ctx: RequestContext): Response | Promise<Response>;
}
