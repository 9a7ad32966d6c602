/** The Chat Completions request body for one turn (channels-and-models.md §4.4). */
import type { ModelRequest, ResolvedModel } from "./types.ts";

type ChatMessage =
  | { role: "system" | "user"; content: string }
  | { role: "assistant"; content: string | null; tool_calls?: ChatToolCall[] }
  | { role: "tool"; tool_call_id: string; content: string };

interface ChatToolCall {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
}

export function chatCompletionsBody(model: ResolvedModel, request: ModelRequest): Record<string, unknown> {
  const messages: ChatMessage[] = [];
  if (request.system) messages.push({ role: "system", content: request.system });
  for (const message of request.messages) {
    if (message.role === "user") messages.push({ role: "user", content: message.content });
    else if (message.role === "tool") messages.push({ role: "tool", tool_call_id: message.toolCallId, content: message.content });
    else if (message.toolCalls?.length) {
      messages.push({
        role: "assistant",
        // null, not "", for a turn that only called tools: what the API itself returns for it.
        content: message.content === "" ? null : message.content,
        tool_calls: message.toolCalls.map((call) => ({
          id: call.id,
          type: "function",
          function: { name: call.name, arguments: JSON.stringify(call.arguments) },
        })),
      });
    } else messages.push({ role: "assistant", content: message.content });
  }

  const body: Record<string, unknown> = { model: request.model, messages, stream: true, [model.maxTokensField ?? "max_tokens"]: request.maxTokens };
  if (model.usageInStreaming) body.stream_options = { include_usage: true };
  // Some local servers reject an empty `tools` array, so it is only sent when there are tools.
  if (request.tools.length > 0) {
    body.tools = request.tools.map((tool) => ({
      type: "function",
      function: { name: tool.name, description: tool.description, parameters: tool.parameters },
    }));
  }
  return body;
}
