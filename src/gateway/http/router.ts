/**
 * HTTP routes on the gateway port: probes, the tool endpoint, the OpenAI-compatible APIs
 * (off unless enabled), and JSON 404 for everything else.
 */
import type { GatewayServices } from "../services.ts";
import { requireBearer } from "./http-auth.ts";
import { apiError, json, methodNotAllowed, notFound } from "./responses.ts";
import { toolsInvoke } from "./tools-invoke.ts";

export interface HttpState {
  /** False while starting and while draining for shutdown. */
  ready: boolean;
}

function probe(request: Request, status: number, body: unknown): Response {
  if (request.method !== "GET" && request.method !== "HEAD") return methodNotAllowed("GET, HEAD");
  const response = json(status, body);
  return request.method === "HEAD" ? new Response(null, { status, headers: response.headers }) : response;
}

/** `/v1/chat/completions` and `/v1/responses`: 404 while disabled, as the reference does. */
function openAiEndpoint(request: Request, url: URL, enabled: boolean, services: GatewayServices): Response {
  if (!enabled) return notFound();
  if (request.method !== "POST") return methodNotAllowed("POST");
  const denied = requireBearer(request, url, services.auth.current);
  if (denied) return denied;
  return apiError(503, "api_error", "the agent runtime is not available in this build yet");
}

export async function routeHttp(request: Request, services: GatewayServices, state: HttpState): Promise<Response> {
  const url = new URL(request.url);
  const endpoints = services.options.config.gateway?.http?.endpoints;
  switch (url.pathname) {
    case "/health":
    case "/healthz":
      return probe(request, 200, { ok: true, status: "live" });
    case "/ready":
    case "/readyz":
      return state.ready
        ? probe(request, 200, { ok: true, status: "ready", channels: {} })
        : probe(request, 503, { ok: false, status: "not-ready" });
    case "/tools/invoke":
      return toolsInvoke(request, url, services);
    case "/v1/chat/completions":
      return openAiEndpoint(request, url, endpoints?.chatCompletions?.enabled === true, services);
    case "/v1/responses":
      return openAiEndpoint(request, url, endpoints?.responses?.enabled === true, services);
    default:
      return notFound();
  }
}
