/** `/v1/chat/completions` and `/v1/responses`: 404 while disabled, as the reference does. */
import { apiError, notFound } from "./responses.ts";
import type { HttpRoute, RequestContext } from "./route.ts";

type Endpoint = "chatCompletions" | "responses";

function endpoint(name: Endpoint) {
  return (_request: Request, ctx: RequestContext): Response => {
    if (ctx.services.options.config.gateway?.http?.endpoints?.[name]?.enabled !== true) return notFound();
    const denied = ctx.requireBearer();
    if (denied) return denied;
    return apiError(503, "api_error", "the agent runtime is not available in this build yet");
  };
}

export const openAiRoutes: readonly HttpRoute[] = [
  { path: "/v1/chat/completions", methods: ["POST"], handler: endpoint("chatCompletions") },
  { path: "/v1/responses", methods: ["POST"], handler: endpoint("responses") },
];
