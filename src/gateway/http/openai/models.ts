/**
 * `GET /v1/models` and `GET /v1/models/{id}` (protocol.md §8.1, later versions): the agent
 * targets a client may put in `model` (`openclaw`, `openclaw/default`, `openclaw/<agentId>`),
 * not backend provider models. Served while either OpenAI-compatible endpoint is enabled, so
 * clients that list models before chatting (Open WebUI) find one; 404 otherwise.
 */
import type { GatewayServices } from "../../services.ts";
import { apiError, json, notFound } from "../responses.ts";
import type { RequestContext } from "../route.ts";
import { agentSettings } from "./agent-target.ts";

function enabled(services: GatewayServices): boolean {
  const endpoints = services.options.config.gateway?.http?.endpoints;
  return endpoints?.chatCompletions?.enabled === true || endpoints?.responses?.enabled === true;
}

function modelIds(services: GatewayServices): string[] {
  const ids = ["openclaw", "openclaw/default", ...agentSettings(services.options).agents.map((agent) => `openclaw/${agent.id}`)];
  return [...new Set(ids)];
}

function modelEntry(services: GatewayServices, id: string) {
  return { id, object: "model", created: Math.floor(services.startedAtMs / 1000), owned_by: "openclaw" };
}

function guard(ctx: RequestContext): Response | null {
  if (!enabled(ctx.services)) return notFound();
  return ctx.requireBearer();
}

export function listModels(_request: Request, ctx: RequestContext): Response {
  const refused = guard(ctx);
  if (refused) return refused;
  return json(200, { object: "list", data: modelIds(ctx.services).map((id) => modelEntry(ctx.services, id)) });
}

/** The id is everything after `/v1/models/`, so `openclaw/main` works encoded (`%2F`) or not. */
export function getModel(_request: Request, ctx: RequestContext): Response {
  const refused = guard(ctx);
  if (refused) return refused;
  let id: string;
  try {
    id = decodeURIComponent(ctx.url.pathname.slice("/v1/models/".length));
  } catch {
    id = "";
  }
  if (!modelIds(ctx.services).includes(id)) return apiError(404, "invalid_request_error", `The model '${id.slice(0, 200)}' does not exist`);
  return json(200, modelEntry(ctx.services, id));
}
