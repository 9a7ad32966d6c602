/** The Responses API request body for one turn: `input` items, `instructions`, function tools. */
import type { ModelRequest } from "./types.ts";

type InputItem =
  | { type: "message"; role: "user" | "assistant"; content: string }
  | { type: "function_call"; call_id: string; name: string; arguments: string }
  | { type: "function_call_output"; call_id: string; output: string };

export function responsesBody(request: ModelRequest): Record<string, unknown> {
  const input: InputItem[] = [];
  for (const message of request.messages) {
    if (message.role === "user") input.push({ type: "message", role: "user", content: message.content });
    else if (message.role === "tool") input.push({ type: "function_call_output", call_id: message.toolCallId, output: message.content });
    else {
      if (message.content !== "") input.push({ type: "message", role: "assistant", content: message.content });
      for (const call of message.toolCalls ?? []) {
        input.push({ type: "function_call", call_id: call.id, name: call.name, arguments: JSON.stringify(call.arguments) });
      }
    }
  }

  const body: Record<string, unknown> = {
    model: request.model,
    input,
    stream: true,
    max_output_tokens: request.maxTokens,
    // The transcript lives in the gateway; nothing needs to be kept on the provider's side.
    store: false,
  };
  if (request.system) body.instructions = request.system;
  if (request.tools.length > 0) {
    body.tools = request.tools.map((tool) => ({
      type: "function",
      name: tool.name,
      description: tool.description,
      parameters: tool.parameters,
      // The API defaults to strict mode, which rejects ordinary schemas (optional properties).
      strict: false,
    }));
  }
  return body;
}
