/**
 * The body of `POST /v1/responses` (protocol.md §8.2), reduced to what the runner takes:
 * `input` as a string or message items, `instructions`, `stream`, `user`. The most recent user
 * message or `function_call_output` is the prompt; `reasoning`, `item_reference`, function calls
 * and other item types are accepted and ignored, as are `tools` and sampling fields.
 */
import { contentText, isRecord, splitConversation, type ConversationInput, type Turn } from "./conversation.ts";

export interface ResponsesRequest extends ConversationInput {
  /** `model` as sent, echoed in the response; `openclaw` when missing. */
  model: string;
  stream: boolean;
  /** The OpenResponses `user` field, which picks a stable session. */
  user: string | undefined;
}

export const MISSING_INPUT_MESSAGE = "Missing user message in `input`.";

function turnOf(item: unknown): Turn | null {
  if (typeof item === "string") return { role: "user", content: item };
  if (!isRecord(item)) return null;
  if (item.type === "function_call_output") {
    const output = typeof item.output === "string" ? item.output : contentText(item.output);
    return { role: "user", content: `Tool result: ${output}` };
  }
  // Easy input messages may leave `type` out.
  if (item.type !== undefined && item.type !== "message") return null;
  const content = contentText(item.content);
  if (item.role === "system" || item.role === "developer") return { role: "system", content };
  if (item.role === "user" || item.role === "assistant") return { role: item.role, content };
  return null;
}

/** The parsed request, or the 400 message. */
export function parseResponsesRequest(body: unknown): ResponsesRequest | { error: string } {
  const value = isRecord(body) ? body : {};
  const items = typeof value.input === "string" ? [value.input] : Array.isArray(value.input) ? value.input : [];
  const turns = items.map(turnOf).filter((turn): turn is Turn => turn !== null);
  const instructions = typeof value.instructions === "string" && value.instructions.trim() ? [value.instructions] : [];
  const conversation = splitConversation(turns, instructions);
  if (!conversation) return { error: MISSING_INPUT_MESSAGE };
  return {
    ...conversation,
    model: typeof value.model === "string" && value.model.trim() ? value.model.trim() : "openclaw",
    stream: value.stream === true,
    user: typeof value.user === "string" && value.user.trim() ? value.user.trim() : undefined,
  };
}
