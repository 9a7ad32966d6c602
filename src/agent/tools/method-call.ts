/**
 * How tools call gateway methods and hand back what they got. A method's refusal (a missing
 * scope, bad params, a method this build does not have yet) is something the model should read,
 * so it becomes a ToolError with the gateway's own words; anything else is a bug and stays an
 * exception, which the registry masks.
 */
import { ErrorCodes } from "../../../protocol/errors.ts";
import { RpcError } from "../../gateway/rpc/rpc-error.ts";
import { ToolError, type ToolContext, type ToolResult } from "./types.ts";

/** Text handed to the model is cut here; `details` keeps the whole answer for HTTP callers. */
export const MAX_CONTENT_CHARS = 100_000;

/** A refusal of a method this build lists as planned but does not implement. */
export function isNotBuiltYet(error: RpcError): boolean {
  return error.code === ErrorCodes.UNAVAILABLE && error.message.endsWith("is not available in this build yet");
}

export interface MethodRequest {
  method: string;
  params: unknown;
  /**
   * Rewords a refusal for the model (the `message` tool says which channel is missing).
   * Default: `<method> failed: <the gateway's message>`.
   */
  explain?: (error: RpcError) => string;
}

/** Calls a gateway method through the tool's caller; a refusal becomes a ToolError. */
export async function callMethod(ctx: ToolContext, { method, params, explain }: MethodRequest): Promise<unknown> {
  try {
    return await ctx.call(method, params);
  } catch (error) {
    if (error instanceof RpcError) throw new ToolError(explain ? explain(error) : `${method} failed: ${error.message}`);
    throw error;
  }
}

/** A structured answer: JSON text for the model (bounded), the value itself for `/tools/invoke`. */
export function jsonResult(details: unknown): ToolResult {
  const text = JSON.stringify(details) ?? "null";
  const content = text.length <= MAX_CONTENT_CHARS ? text : `${text.slice(0, MAX_CONTENT_CHARS)}\n…(truncated; ${text.length} characters in all)`;
  return { content, details };
}
