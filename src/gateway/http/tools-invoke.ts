/**
 * `POST /tools/invoke` (protocol.md §8.3): runs one tool outside an agent turn, with the tool
 * set the HTTP policy allows (the reference's default deny list, `gateway.tools`, `tools.*`).
 * The bearer caller is a full operator (`http-operator.ts`); every gateway method a tool calls
 * goes through `services.call` with that caller's scopes. Answers in the reference's shapes:
 * 200 result, 400 tool_error (bad arguments, a refusal), 404 not available, 500 masked.
 */
import { randomUUID } from "node:crypto";
import { resolveAgents } from "../../agent/agents.ts";
import { isValidAgentId, normalizeSessionKey, parseSessionKey, SessionKeyError } from "../../agent/sessions/session-key.ts";
import type { ToolRegistry } from "../../agent/tools/registry.ts";
import type { ToolContext } from "../../agent/tools/types.ts";
import { httpOperatorCaller } from "./http-operator.ts";
import { readJsonBody } from "./read-body.ts";
import { apiError, json } from "./responses.ts";
import type { HttpRoute, RequestContext } from "./route.ts";

export const TOOLS_INVOKE_MAX_BODY = 2 * 1024 * 1024;
const MAX_IDEMPOTENCY_KEY = 200;

type Body = Record<string, unknown>;

const failure = (status: number, type: string, message: string) => json(status, { ok: false, error: { type, message } });
const invalid = (message: string) => failure(400, "invalid_request", message);

function optionalString(body: Body, key: string): string | undefined | Response {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") return invalid(`${key} must be a string`);
  return value.trim() || undefined;
}

interface Target {
  agentId: string;
  sessionKey: string;
}

/**
 * The session the call acts in, normalised as every session key is: omitted or `main` is the
 * agent's main session (the reference's rule), bare keys belong to the agent, and an explicit
 * `agentId` that contradicts an `agent:<id>:…` key is refused.
 */
function resolveTarget(body: Body, ctx: RequestContext): Target | Response {
  const requestedKey = optionalString(body, "sessionKey");
  const requestedAgent = optionalString(body, "agentId");
  if (requestedKey instanceof Response) return requestedKey;
  if (requestedAgent instanceof Response) return requestedAgent;
  const agentId = requestedAgent?.toLowerCase();
  if (agentId !== undefined && !isValidAgentId(agentId)) return invalid("agentId must match [a-z0-9][a-z0-9_-]{0,63}");
  const { options } = ctx.services;
  const defaultAgentId = agentId ?? resolveAgents(options.config, options.workspace, options.paths.home).defaultAgentId;
  let sessionKey: string;
  try {
    sessionKey = normalizeSessionKey(requestedKey ?? "", { defaultAgentId });
  } catch (error) {
    if (error instanceof SessionKeyError) return invalid(error.message);
    throw error;
  }
  const keyAgent = parseSessionKey(sessionKey)?.agentId ?? defaultAgentId;
  if (agentId && keyAgent !== agentId) return invalid(`agent id "${agentId}" does not match session agent "${keyAgent}"`);
  return { agentId: keyAgent, sessionKey };
}

/** The reference merges `action` into the args when the tool takes one and the args did not set it. */
function mergeAction(args: Body, action: unknown, parameters: Record<string, unknown>): Body {
  if (typeof action !== "string" || !action.trim() || args.action !== undefined) return args;
  const properties = parameters.properties as Record<string, unknown> | undefined;
  return properties && Object.hasOwn(properties, "action") ? { ...args, action: action.trim() } : args;
}

async function toolsInvoke(request: Request, ctx: RequestContext, registry: ToolRegistry): Promise<Response> {
  const denied = ctx.requireBearer();
  if (denied) return denied;
  const read = await readJsonBody(request, TOOLS_INVOKE_MAX_BODY);
  if (!read.ok) return read.response;
  const isObject = typeof read.value === "object" && read.value !== null && !Array.isArray(read.value);
  const body = (isObject ? read.value : {}) as Body;
  // `name` wins over `tool` when both are sent (later reference docs).
  const requested = typeof body.name === "string" && body.name.trim() ? body.name : body.tool;
  if (typeof requested !== "string" || requested.trim() === "") {
    return apiError(400, "invalid_request_error", "tools.invoke requires body.tool");
  }
  const name = requested.trim();
  const { services } = ctx;
  const tools = registry.toolsFor("http", services.options.config);
  const tool = tools.get(name);
  if (!tool) return failure(404, "not_found", `Tool not available: ${name.slice(0, 200)}`);

  const rawArgs = body.args ?? {};
  if (typeof rawArgs !== "object" || rawArgs === null || Array.isArray(rawArgs)) return failure(400, "tool_error", "args must be an object");
  const target = resolveTarget(body, ctx);
  if (target instanceof Response) return target;
  const idempotencyKey = optionalString(body, "idempotencyKey");
  if (idempotencyKey instanceof Response) return idempotencyKey;
  // It becomes part of method idempotency keys (`http:<key>`), which are at most 256 characters.
  if (idempotencyKey && idempotencyKey.length > MAX_IDEMPOTENCY_KEY) return invalid(`idempotencyKey must be at most ${MAX_IDEMPOTENCY_KEY} characters`);

  const caller = httpOperatorCaller({ peer: ctx.peer, authMode: services.auth.current.mode, surface: "/tools/invoke", version: services.version });
  const toolCtx: ToolContext = {
    ...target,
    runId: "http",
    // A repeated idempotencyKey is the same tool call, so side effects keyed on it happen once.
    toolCallId: idempotencyKey ?? randomUUID(),
    canvasRoot: services.options.canvas.root,
    call: (method, params) => services.call(method, params, caller),
    signal: request.signal,
  };
  const outcome = await tools.invoke(name, mergeAction(rawArgs as Body, body.action, tool.parameters), toolCtx);
  switch (outcome.status) {
    case "ok":
      return json(200, { ok: true, result: outcome.result.details ?? outcome.result.content });
    case "refused":
      return failure(400, "tool_error", outcome.message);
    case "not-found":
      return failure(404, "not_found", `Tool not available: ${name.slice(0, 200)}`);
    case "failed":
      if (!request.signal.aborted) services.log.withTag("tools").error(`/tools/invoke ${name} failed:`, outcome.error);
      return failure(500, "tool_error", "tool execution failed");
  }
}

export interface ToolRoutesOptions {
  /** Default: the built-in tools (`defaultToolRegistry`, shared with agent runs). */
  registry?: ToolRegistry;
}

export function createToolRoutes(options: ToolRoutesOptions = {}): readonly HttpRoute[] {
  // The tools load on the first call, as for agent runs, not on the gateway's start path.
  let registry: Promise<ToolRegistry> | undefined = options.registry && Promise.resolve(options.registry);
  const load = () => (registry ??= import("../../agent/tools/registry.ts").then((m) => m.defaultToolRegistry));
  return [{ path: "/tools/invoke", methods: ["POST"], handler: async (request, ctx) => toolsInvoke(request, ctx, await load()) }];
}

export const toolRoutes: readonly HttpRoute[] = createToolRoutes();
