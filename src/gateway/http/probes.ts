/** Liveness and readiness probes (protocol.md §8.5): no auth, no detail beyond what a probe needs. */
import { json } from "./responses.ts";
import type { HttpRoute, RequestContext } from "./route.ts";

function probe(request: Request, status: number, body: unknown): Response {
  const response = json(status, body);
  return request.method === "HEAD" ? new Response(null, { status, headers: response.headers }) : response;
}

const live = (request: Request) => probe(request, 200, { ok: true, status: "live" });

function ready(request: Request, ctx: RequestContext): Response {
  const { parts } = ctx.services;
  if (!ctx.ready() || !parts.ready) return probe(request, 503, { ok: false, status: "not-ready" });
  const channels = Object.fromEntries(Object.entries(parts.channels()).map(([id, c]) => [id, { linked: c.linked ?? false, configured: c.configured ?? false }]));
  return probe(request, 200, { ok: true, status: "ready", channels });
}

const GET = ["GET", "HEAD"] as const;

export const probeRoutes: readonly HttpRoute[] = [
  { path: "/health", methods: GET, handler: live },
  { path: "/healthz", methods: GET, handler: live },
  { path: "/ready", methods: GET, handler: ready },
  { path: "/readyz", methods: GET, handler: ready },
];
