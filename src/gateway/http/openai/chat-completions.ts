/**
 * `POST /v1/chat/completions` (protocol.md §8.1): one agent run per request, answered as a
 * `chat.completion` or streamed as `chat.completion.chunk` events. 404 while
 * `gateway.http.endpoints.chatCompletions.enabled` is not true, as the reference does.
 */
import type { AgentRunInput, AgentRunResult } from "../../../agent/runner-types.ts";
import { readJsonBody } from "../read-body.ts";
import { apiError, json, notFound } from "../responses.ts";
import type { RequestContext } from "../route.ts";
import { resolveTarget } from "./agent-target.ts";
import { parseChatRequest, type ChatRequest } from "./chat-request.ts";
import { SseStream } from "./sse-stream.ts";
import { INTERNAL_ERROR_BODY, internalError, logFailure, startRun, succeeded } from "./start-run.ts";

/** The reference's February limit; a conversation of text fits many times over. */
export const CHAT_COMPLETIONS_MAX_BODY = 1024 * 1024;

interface Completion {
  id: string;
  created: number;
  model: string;
}

function finishReason(result: AgentRunResult): "stop" | "length" {
  return result.meta.stopReason === "length" ? "length" : "stop";
}

function usageOf(result: AgentRunResult) {
  const { inputTokens, outputTokens } = result.meta.usage;
  return { prompt_tokens: inputTokens, completion_tokens: outputTokens, total_tokens: inputTokens + outputTokens };
}

export async function chatCompletions(request: Request, ctx: RequestContext): Promise<Response> {
  const { services } = ctx;
  if (services.options.config.gateway?.http?.endpoints?.chatCompletions?.enabled !== true) return notFound();
  const denied = ctx.requireBearer();
  if (denied) return denied;
  const body = await readJsonBody(request, CHAT_COMPLETIONS_MAX_BODY);
  if (!body.ok) return body.response;
  const parsed = parseChatRequest(body.value);
  if ("error" in parsed) return apiError(400, "invalid_request_error", parsed.error);
  const target = resolveTarget(request, parsed.model, parsed.user, "openai", services.options);
  if (!target.ok) return apiError(400, "invalid_request_error", target.message);
  // A run takes as long as the model does; Bun's idle timeout (10 s without a byte) would cut
  // a quiet non-stream answer or a stream waiting on a slow tool. The run's own timeout bounds it.
  ctx.server.timeout(request, 0);
  const runId = crypto.randomUUID();
  const completion: Completion = { id: `chatcmpl_${runId}`, created: Math.floor(services.now() / 1000), model: parsed.model };
  const input: AgentRunInput = {
    runId,
    ...target.target,
    message: parsed.prompt,
    extraSystemPrompt: parsed.extraSystemPrompt,
    history: parsed.history,
  };
  return parsed.stream ? stream(request, ctx, input, parsed, completion) : answer(request, ctx, input, completion);
}

async function answer(request: Request, ctx: RequestContext, input: AgentRunInput, completion: Completion): Promise<Response> {
  const log = ctx.services.log;
  const started = startRun(ctx.services.agent, { ...input, signal: request.signal }, log);
  if (!started.ok) return started.response;
  const result = await started.run.result;
  logFailure(log, "chat completion", result);
  if (!succeeded(result)) return internalError();
  return json(200, {
    ...completion,
    object: "chat.completion",
    choices: [{ index: 0, message: { role: "assistant", content: result.text }, finish_reason: finishReason(result) }],
    usage: usageOf(result),
  });
}

function stream(request: Request, ctx: RequestContext, input: AgentRunInput, parsed: ChatRequest, completion: Completion): Response {
  const log = ctx.services.log;
  const sse = new SseStream(request);
  const chunk = (delta: Record<string, string>, finish_reason: string | null) => ({
    ...completion,
    object: "chat.completion.chunk",
    choices: [{ index: 0, delta, finish_reason }],
  });
  // Sent before the run starts, so no content chunk can overtake it.
  sse.send(chunk({ role: "assistant" }, null));
  let streamed = "";
  const started = startRun(
    ctx.services.agent,
    {
      ...input,
      signal: sse.signal,
      onEvent: (event) => {
        if (event.stream !== "assistant" || !event.data.delta) return;
        streamed += event.data.delta;
        sse.send(chunk({ content: event.data.delta }, null));
      },
    },
    log,
  );
  if (!started.ok) {
    sse.close();
    return started.response;
  }
  void started.run.result.then((result) => {
    logFailure(log, "chat completion", result);
    if (!succeeded(result)) {
      // Partial content may already be out; the error object tells the client it is not the answer.
      sse.send(INTERNAL_ERROR_BODY);
      return sse.done();
    }
    // A provider that answered without streaming deltas still delivers its text.
    const rest = result.text.startsWith(streamed) ? result.text.slice(streamed.length) : "";
    if (rest) sse.send(chunk({ content: rest }, null));
    sse.send(chunk({}, finishReason(result)));
    if (parsed.includeUsage) sse.send({ ...completion, object: "chat.completion.chunk", choices: [], usage: usageOf(result) });
    sse.done();
  });
  return sse.response;
}
