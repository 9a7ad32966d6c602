/**
 * `POST /tools/invoke` (protocol.md §8.3). The tool registry arrives with the agent runtime;
 * until then every tool is, truthfully, not available, in the reference's exact 404 shape.
 */
import { readJsonBody } from "./read-body.ts";
import { apiError, json } from "./responses.ts";
import type { HttpRoute, RequestContext } from "./route.ts";

export const TOOLS_INVOKE_MAX_BODY = 2 * 1024 * 1024;

async function toolsInvoke(request: Request, ctx: RequestContext): Promise<Response> {
  const denied = ctx.requireBearer();
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

export const toolRoutes: readonly HttpRoute[] = [{ path: "/tools/invoke", methods: ["POST"], handler: toolsInvoke }];
