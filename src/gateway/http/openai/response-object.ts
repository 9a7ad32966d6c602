/**
 * The OpenResponses objects `/v1/responses` answers with (protocol.md §8.2): the `response`
 * object in its states and its one assistant `message` output item. The streaming route and the
 * non-stream answer build them here so both say the same thing about the same run.
 */
import type { AgentRunResult } from "../../../agent/runner-types.ts";

export type ResponseStatus = "in_progress" | "completed" | "incomplete" | "failed";

export interface ResponseIds {
  /** `resp_<runId>`. */
  id: string;
  /** `msg_<runId>`: the output message item. */
  itemId: string;
  /** Unix seconds. */
  createdAt: number;
  model: string;
}

export function outputTextPart(text: string) {
  return { type: "output_text", text, annotations: [] as unknown[] };
}

export function messageItem(ids: ResponseIds, text: string | null, status: "in_progress" | "completed" | "incomplete") {
  return {
    type: "message",
    id: ids.itemId,
    status,
    role: "assistant",
    content: text === null ? [] : [outputTextPart(text)],
  };
}

/** How a run ended: its result, whether it succeeded, and the text the client got. */
export interface RunEnd {
  result: AgentRunResult;
  ok: boolean;
  /** The answer: `result.text`, or for a stream what was streamed (plus any unstreamed rest). */
  text: string;
}

/** How a finished run ends the response: `incomplete` when the model hit its output limit. */
export function finalStatus(end: RunEnd): ResponseStatus {
  if (!end.ok) return "failed";
  return end.result.meta.stopReason === "length" ? "incomplete" : "completed";
}

/** The response object: in progress while `end` is null; a failed run's cause is logged, not sent. */
export function responseObject(ids: ResponseIds, end: RunEnd | null) {
  const status: ResponseStatus = end ? finalStatus(end) : "in_progress";
  const answered = end !== null && end.ok;
  const usage = end ? end.result.meta.usage : null;
  return {
    id: ids.id,
    object: "response",
    created_at: ids.createdAt,
    status,
    model: ids.model,
    output: answered ? [messageItem(ids, end.text, status === "incomplete" ? "incomplete" : "completed")] : [],
    output_text: answered ? end.text : "",
    error: status === "failed" ? { code: "server_error", message: "internal error" } : null,
    incomplete_details: status === "incomplete" ? { reason: "max_output_tokens" } : null,
    usage: usage ? { input_tokens: usage.inputTokens, output_tokens: usage.outputTokens, total_tokens: usage.inputTokens + usage.outputTokens } : null,
  };
}
