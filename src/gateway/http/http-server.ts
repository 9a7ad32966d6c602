/**
 * Composes the route table into what `Bun.serve` takes: a `routes` object whose handlers all
 * pass the same gate (Host check against DNS rebinding, WebSocket upgrade hand-off, method
 * check, error masking, metrics), and a `fetch` fallback for upgrades on other paths and 404s.
 */
import type { Server } from "bun";
import type { Logger } from "../../log/logger.ts";
import type { GatewayServices } from "../services.ts";
import { requireBearer } from "./http-auth.ts";
import { describePeer, hostAllowed, type Peer } from "./peer.ts";
import { apiError, methodNotAllowed, notFound } from "./responses.ts";
import type { HttpRoute, RequestContext } from "./route.ts";

type BunHandler = (request: Request, server: Server<unknown>) => Response | Promise<Response | undefined> | undefined;

export interface HttpServerOptions {
  routes: readonly HttpRoute[];
  services: GatewayServices;
  log: Logger;
  /** The gateway is listening and not draining. */
  ready: () => boolean;
  /** Hands a WebSocket upgrade to the socket layer; undefined when it upgraded. */
  upgrade: (request: Request, server: Server<unknown>, peer: Peer) => Response | undefined;
}

export interface HttpServer {
  routes: Record<string, BunHandler>;
  fetch: (request: Request, server: Server<unknown>) => Promise<Response | undefined>;
}

export function createHttpServer({ routes, services, log, ready, upgrade }: HttpServerOptions): HttpServer {
  const gatewayConfig = () => services.options.config.gateway ?? {};
  const loopbackBind = () => services.options.bind === "loopback" || services.options.bind === "auto";
  const peerOf = (request: Request, server: Server<unknown>) => describePeer(request, server, gatewayConfig().trustedProxies ?? []);
  const isUpgrade = (request: Request) => request.headers.get("upgrade")?.toLowerCase() === "websocket";

  function contextFor(request: Request, server: Server<unknown>, peer: Peer): RequestContext {
    const url = new URL(request.url);
    return {
      url, server, peer, services, ready,
      requireBearer: () => requireBearer(request, url, { auth: services.auth.current, limiter: services.authRateLimit, peer }),
    };
  }

  async function run(route: HttpRoute, request: Request, server: Server<unknown>): Promise<Response> {
    const allowed = route.methods.includes(request.method) || (request.method === "HEAD" && route.methods.includes("GET"));
    if (!allowed) return methodNotAllowed(route.methods.join(", "));
    try {
      return await route.handler(request, contextFor(request, server, peerOf(request, server)));
    } catch (error) {
      log.error(`HTTP ${request.method} ${route.path} failed:`, error);
      return apiError(500, "api_error", "Internal Server Error");
    }
  }

  function gate(route: HttpRoute | null): BunHandler {
    return async (request, server) => {
      if (!hostAllowed(request, loopbackBind())) return apiError(403, "forbidden", "host not allowed");
      if (isUpgrade(request)) return upgrade(request, server, peerOf(request, server));
      const response = route ? await run(route, request, server) : notFound();
      services.metrics.httpRequest(route?.path ?? "other", response.status);
      return response;
    };
  }

  const table: Record<string, BunHandler> = {};
  for (const route of routes) {
    if (Object.hasOwn(table, route.path)) throw new Error(`two HTTP routes for ${route.path}`);
    table[route.path] = gate(route);
  }
  const fallback = gate(null);
  return { routes: table, fetch: async (request, server) => fallback(request, server) };
}
