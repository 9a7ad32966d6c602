/** Turning the argument text a model streamed into the parsed object a ToolCall carries. */
import { protocolError } from "./provider-errors.ts";
import type { ResolvedModel } from "./types.ts";

/** Empty text means `{}` (a call without arguments); anything but a JSON object is a protocol error. */
export function parseToolArguments(model: ResolvedModel, toolName: string, text: string): Record<string, unknown> {
  if (text.trim() === "") return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw protocolError(model, `the model sent arguments for tool "${toolName}" that are not valid JSON`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw protocolError(model, `the model sent arguments for tool "${toolName}" that are not a JSON object`);
  }
  return parsed as Record<string, unknown>;
}

/** For local servers that omit the call id: the next turn must still pair the result with its call. */
export function generatedCallId(): string {
  return `call_${crypto.randomUUID().replaceAll("-", "").slice(0, 24)}`;
}
