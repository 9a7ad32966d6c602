/**
 * `POST /tools/invoke` (protocol.md §8.3). The tool registry arrives with the agent runtime;
 * until then every tool is, truthfully, not available, in the reference's exact 404 shape.
 */
import type { GatewayServices } from "../services.ts";
import { requireBearer } from "./http-auth.ts";
import { readJsonBody } from "./read-body.ts";
import { apiError, json, methodNotAllowed } from "./responses.ts";

export const TOOLS_INVOKE_MAX_BODY = 2 * 1024 * 1024;

export async function toolsInvoke(request: Request, url: URL, services: GatewayServices): Promise<Response> {
  if (request.method !== "POST") return methodNotAllowed("POST");
  const denied = requireBearer(request, url, services.auth.current);
  if (denied) return denied;
  const body = await readJsonBody(request, TOOLS_INVOKE_MAX_BODY);
  if (!body.ok) return body.response;
  const value = body.value as { tool?: unknown; name?: unknown } | null;
  const tool = typeof value?.name === "string" && value.name ? value.name : value?.tool;
  if (typeof tool !== "string" || tool.trim() === "") {
    return apiError(400, "invalid_request_error", "tools.invoke requires body.tool");
  }
  return json(404, { ok: false, error: { type: "not_found", message: `Tool not available: ${tool.slice(0, 200)}` } });
}
