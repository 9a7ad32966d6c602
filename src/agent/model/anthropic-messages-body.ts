/** The Anthropic Messages request body for one turn (channels-and-models.md §4.5). */
import type { ModelRequest } from "./types.ts";

type ContentBlock =
  | { type: "text"; text: string }
  | { type: "tool_use"; id: string; name: string; input: Record<string, unknown> }
  | { type: "tool_result"; tool_use_id: string; content: string; is_error?: boolean };

interface AnthropicMessage {
  role: "user" | "assistant";
  content: string | ContentBlock[];
}

export function anthropicMessagesBody(request: ModelRequest): Record<string, unknown> {
  const messages: AnthropicMessage[] = [];
  for (const message of request.messages) {
    if (message.role === "user") {
      messages.push({ role: "user", content: message.content });
    } else if (message.role === "tool") {
      const block: Extract<ContentBlock, { type: "tool_result" }> = { type: "tool_result", tool_use_id: message.toolCallId, content: message.content };
      if (message.isError) block.is_error = true;
      // All results of one assistant turn go back in one user message, as the API expects.
      const last = messages.at(-1);
      if (last?.role === "user" && Array.isArray(last.content) && last.content.every((b) => b.type === "tool_result")) last.content.push(block);
      else messages.push({ role: "user", content: [block] });
    } else if (message.toolCalls?.length) {
      const blocks: ContentBlock[] = message.content === "" ? [] : [{ type: "text", text: message.content }];
      for (const call of message.toolCalls) blocks.push({ type: "tool_use", id: call.id, name: call.name, input: call.arguments });
      messages.push({ role: "assistant", content: blocks });
    } else if (message.content !== "") {
      // The API rejects empty text; an empty assistant turn carries nothing worth sending.
      messages.push({ role: "assistant", content: message.content });
    }
  }

  const body: Record<string, unknown> = { model: request.model, max_tokens: request.maxTokens, messages, stream: true };
  if (request.system) body.system = request.system;
  if (request.tools.length > 0) {
    body.tools = request.tools.map((tool) => ({ name: tool.name, description: tool.description, input_schema: tool.parameters }));
  }
  return body;
}
