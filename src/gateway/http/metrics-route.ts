/** `GET /metrics`: Prometheus text, behind the same Bearer auth as the other HTTP APIs. */
import { PROMETHEUS_CONTENT_TYPE } from "../../metrics/text-format.ts";
import { SECURITY_HEADERS } from "./responses.ts";
import type { HttpRoute, RequestContext } from "./route.ts";

function metrics(_request: Request, ctx: RequestContext): Response {
  const denied = ctx.requireBearer();
  if (denied) return denied;
  return new Response(ctx.services.metrics.render(), {
    headers: { "Content-Type": PROMETHEUS_CONTENT_TYPE, "Cache-Control": "no-store", ...SECURITY_HEADERS },
  });
}

export const metricsRoutes: readonly HttpRoute[] = [{ path: "/metrics", methods: ["GET"], handler: metrics }];
