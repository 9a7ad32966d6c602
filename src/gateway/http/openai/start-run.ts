/**
 * Starting an agent run for an OpenAI-compatible request, and the errors both endpoints share.
 * `runner.start` throws before anything is sent, so a missing model is a plain 503 with the
 * runtime's message (it names the config key to set), also for `stream: true` requests.
 */
import { ErrorCodes } from "../../../../protocol/errors.ts";
import type { AgentRun, AgentRunInput, AgentRunner, AgentRunResult } from "../../../agent/runner-types.ts";
import type { Logger } from "../../../log/logger.ts";
import { RpcError } from "../../rpc/rpc-error.ts";
import { apiError } from "../responses.ts";

/** The failure body of both endpoints (protocol.md §8.1): the cause is logged, never sent. */
export function internalError(): Response {
  return apiError(500, "api_error", "internal error");
}

export const INTERNAL_ERROR_BODY = { error: { message: "internal error", type: "api_error" } } as const;

export type StartResult = { ok: true; run: AgentRun } | { ok: false; response: Response };

export function startRun(runner: AgentRunner, input: AgentRunInput, log: Logger): StartResult {
  try {
    return { ok: true, run: runner.start(input) };
  } catch (error) {
    if (error instanceof RpcError && error.code === ErrorCodes.UNAVAILABLE) {
      return { ok: false, response: apiError(503, "api_error", error.message) };
    }
    if (error instanceof RpcError && error.code === ErrorCodes.INVALID_REQUEST) {
      return { ok: false, response: apiError(400, "invalid_request_error", error.message) };
    }
    log.error(`could not start agent run ${input.runId}:`, error);
    return { ok: false, response: internalError() };
  }
}

/**
 * Whether a finished run answers the client. A run someone stopped on purpose (`chat.abort`)
 * still returns what it wrote; errors and timeouts are failures.
 */
export function succeeded(result: AgentRunResult): boolean {
  return result.status === "ok" || result.status === "aborted";
}

/** One warn line for a failed run: status and error kind, never the prompt or the reply. */
export function logFailure(log: Logger, surface: string, result: AgentRunResult): void {
  if (succeeded(result)) return;
  const cause = result.meta.error ? ` (${result.meta.error.kind}: ${result.meta.error.message})` : "";
  log.warn(`${surface} run ${result.runId} ended with status ${result.status}${cause}`);
}
