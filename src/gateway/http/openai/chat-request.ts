/**
 * The body of `POST /v1/chat/completions` (protocol.md §8.1), reduced to what the runner
 * takes. Sampling fields, `tools` and images are accepted and ignored: the agent's own model
 * settings and tools apply.
 */
import { contentText, isRecord, splitConversation, type ConversationInput, type Turn } from "./conversation.ts";

export interface ChatRequest extends ConversationInput {
  /** `model` as sent, echoed in the response; `openclaw` when missing. */
  model: string;
  stream: boolean;
  /** The OpenAI `user` field, which picks a stable session. */
  user: string | undefined;
  /** `stream_options.include_usage`: a last chunk with `usage` before `[DONE]`. */
  includeUsage: boolean;
}

export const MISSING_USER_MESSAGE = "Missing user message in `messages`.";

function turnOf(message: unknown): Turn | null {
  if (!isRecord(message)) return null;
  const content = contentText(message.content);
  switch (message.role) {
    case "system":
    case "developer":
      return { role: "system", content };
    case "user":
      return { role: "user", content };
    case "assistant":
      return { role: "assistant", content };
    case "tool":
    case "function": {
      // A tool result the client ran: context for the model, in the user's voice.
      const name = typeof message.name === "string" && message.name ? ` ${message.name}` : "";
      return content ? { role: "user", content: `Tool result${name}: ${content}` } : null;
    }
    default:
      return null;
  }
}

/** The parsed request, or the 400 message. */
export function parseChatRequest(body: unknown): ChatRequest | { error: string } {
  const value = isRecord(body) ? body : {};
  const messages = Array.isArray(value.messages) ? value.messages : [];
  const turns = messages.map(turnOf).filter((turn): turn is Turn => turn !== null);
  const conversation = splitConversation(turns);
  if (!conversation) return { error: MISSING_USER_MESSAGE };
  return {
    ...conversation,
    model: typeof value.model === "string" && value.model.trim() ? value.model.trim() : "openclaw",
    stream: value.stream === true,
    user: typeof value.user === "string" && value.user.trim() ? value.user.trim() : undefined,
    includeUsage: isRecord(value.stream_options) && value.stream_options.include_usage === true,
  };
}
