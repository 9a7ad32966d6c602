/**
 * `POST /v1/responses` (OpenResponses, protocol.md §8.2): one agent run per request, answered
 * as a `response` object or streamed as its event sequence. 404 while
 * `gateway.http.endpoints.responses.enabled` is not true, as the reference does.
 */
import type { AgentRunInput } from "../../../agent/runner-types.ts";
import { isRecord } from "./conversation.ts";
import { readJsonBody } from "../read-body.ts";
import { apiError, json, notFound } from "../responses.ts";
import type { RequestContext } from "../route.ts";
import { resolveTarget } from "./agent-target.ts";
import { responseObject, type ResponseIds } from "./response-object.ts";
import { parseResponsesRequest } from "./responses-request.ts";
import { ResponseEventWriter } from "./responses-stream.ts";
import { SseStream } from "./sse-stream.ts";
import { internalError, logFailure, startRun, succeeded } from "./start-run.ts";

/** `gateway.http.endpoints.responses.maxBodyBytes` default, as the reference's (20 MB). */
export const RESPONSES_MAX_BODY = 20 * 1024 * 1024;

function maxBodyBytes(section: unknown): number {
  const value = isRecord(section) ? section.maxBodyBytes : undefined;
  return typeof value === "number" && Number.isInteger(value) && value > 0 ? value : RESPONSES_MAX_BODY;
}

export async function responses(request: Request, ctx: RequestContext): Promise<Response> {
  const { services } = ctx;
  const section = services.options.config.gateway?.http?.endpoints?.responses;
  if (section?.enabled !== true) return notFound();
  const denied = ctx.requireBearer();
  if (denied) return denied;
  const body = await readJsonBody(request, maxBodyBytes(section));
  if (!body.ok) return body.response;
  const parsed = parseResponsesRequest(body.value);
  if ("error" in parsed) return apiError(400, "invalid_request_error", parsed.error);
  const target = resolveTarget(request, parsed.model, parsed.user, "openresponses", services.options);
  if (!target.ok) return apiError(400, "invalid_request_error", target.message);
  // As for chat completions: a run may be quiet for longer than Bun's 10 s idle timeout.
  ctx.server.timeout(request, 0);
  const runId = crypto.randomUUID();
  const ids: ResponseIds = { id: `resp_${runId}`, itemId: `msg_${runId}`, createdAt: Math.floor(services.now() / 1000), model: parsed.model };
  const input: AgentRunInput = { runId, ...target.target, message: parsed.prompt, extraSystemPrompt: parsed.extraSystemPrompt, history: parsed.history };
  return parsed.stream ? stream(request, ctx, input, ids) : answer(request, ctx, input, ids);
}

async function answer(request: Request, ctx: RequestContext, input: AgentRunInput, ids: ResponseIds): Promise<Response> {
  const log = ctx.services.log;
  const started = startRun(ctx.services.agent, { ...input, signal: request.signal }, log);
  if (!started.ok) return started.response;
  const result = await started.run.result;
  logFailure(log, "responses", result);
  if (!succeeded(result)) return internalError();
  return json(200, responseObject(ids, { result, ok: true, text: result.text }));
}

function stream(request: Request, ctx: RequestContext, input: AgentRunInput, ids: ResponseIds): Response {
  const log = ctx.services.log;
  const sse = new SseStream(request);
  const writer = new ResponseEventWriter(sse, ids);
  // Written before the run starts, so no delta can overtake the opening events.
  writer.open();
  const started = startRun(
    ctx.services.agent,
    { ...input, signal: sse.signal, onEvent: (event) => (event.stream === "assistant" ? writer.delta(event.data.delta) : undefined) },
    log,
  );
  if (!started.ok) {
    sse.close();
    return started.response;
  }
  void started.run.result.then((result) => {
    logFailure(log, "responses", result);
    writer.close({ result, ok: succeeded(result) });
  });
  return sse.response;
}
