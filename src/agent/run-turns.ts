/**
 * One agent run's model loop: stream a turn from the first model that answers (falling back
 * on provider errors that the next model might not have: 429, 5xx, network), run the tools it
 * calls, feed their results back, and repeat until the model stops or the turn limit is hit.
 * Loaded lazily with the provider clients, so an idle gateway never pays for them.
 */
import { createModelClient } from "./model/create-model-client.ts";
import {
  ProviderError, type ModelClient, type ModelEvent, type ModelMessage, type ResolvedModel, type StopReason, type ToolCall, type ToolSpec, type Usage,
} from "./model/types.ts";
import { RunFailure, type AgentEvent } from "./runner-types.ts";
import { ToolError, type Tool, type ToolContext } from "./tools/types.ts";

export interface TurnLoopInput {
  models: readonly ResolvedModel[];
  system: string;
  /** History and the new user turn. */
  messages: ModelMessage[];
  tools: readonly Tool[];
  maxTurns: number;
  signal: AbortSignal;
  emit(event: AgentEvent): void;
  /** The tool context without the per-call fields. */
  toolContext: Omit<ToolContext, "toolCallId">;
  /** For metrics: one call per model attempt. */
  onModelCall?(model: ResolvedModel, outcome: "ok" | "error" | "fallback", firstTokenMs: number | null): void;
  onToolCall?(tool: string, outcome: "ok" | "error"): void;
  /** Test seam for the provider HTTP client (fake servers still speak the real wire format). */
  fetch?: typeof fetch;
}

export interface TurnLoopResult {
  /** Messages this run added after the user turn (assistant turns and tool results). */
  added: ModelMessage[];
  /** The visible assistant text of the whole run. */
  text: string;
  usage: Usage;
  stopReason: StopReason | "max_turns";
  model: string | null;
}

interface TurnOutput {
  text: string;
  toolCalls: ToolCall[];
  usage: Usage | null;
  stopReason: StopReason;
}

export async function runTurns(input: TurnLoopInput): Promise<TurnLoopResult> {
  const messages = [...input.messages];
  const added: ModelMessage[] = [];
  const usage: Usage = { inputTokens: 0, outputTokens: 0 };
  const specs = input.tools.map((t) => ({ name: t.name, description: t.description, parameters: t.parameters }));
  let visible = "";
  let model: string | null = null;
  for (let turn = 0; turn < input.maxTurns; turn++) {
    const prefix = visible ? `${visible}\n\n` : "";
    let turnText = "";
    const { output, used } = await streamWithFallback(input, { system: input.system, messages, tools: specs }, (delta) => {
      turnText += delta;
      input.emit({ stream: "assistant", data: { text: prefix + turnText, delta } });
    });
    model = used.ref;
    if (output.usage) {
      usage.inputTokens += output.usage.inputTokens;
      usage.outputTokens += output.usage.outputTokens;
    }
    if (output.text) visible = prefix + output.text;
    const assistant: ModelMessage = { role: "assistant", content: output.text, ...(output.toolCalls.length ? { toolCalls: output.toolCalls } : {}) };
    messages.push(assistant);
    added.push(assistant);
    if (output.toolCalls.length === 0) return { added, text: visible, usage, stopReason: output.stopReason, model };
    for (const call of output.toolCalls) {
      const result = await runTool(input, call);
      messages.push(result);
      added.push(result);
    }
  }
  return { added, text: visible, usage, stopReason: "max_turns", model };
}

async function runTool(input: TurnLoopInput, call: ToolCall): Promise<ModelMessage & { role: "tool" }> {
  input.emit({ stream: "tool", data: { phase: "start", name: call.name, toolCallId: call.id, args: call.arguments } });
  const tool = input.tools.find((t) => t.name === call.name);
  let content: string;
  let isError = false;
  let details: unknown;
  if (!tool) {
    content = `Tool not available: ${call.name}`;
    isError = true;
  } else {
    try {
      const result = await tool.run(call.arguments, { ...input.toolContext, toolCallId: call.id });
      content = result.content;
      isError = result.isError === true;
      details = result.details;
    } catch (error) {
      isError = true;
      // A ToolError is a refusal in words; anything else is masked, as the HTTP endpoint does.
      content = error instanceof ToolError ? error.message : "tool execution failed";
    }
  }
  // A made-up tool name is counted as "unknown": the model must not be able to grow the metric.
  input.onToolCall?.(tool ? call.name : "unknown", isError ? "error" : "ok");
  input.emit({ stream: "tool", data: { phase: "result", name: call.name, toolCallId: call.id, result: details ?? content, isError } });
  return { role: "tool", toolCallId: call.id, name: call.name, content, ...(isError ? { isError } : {}) };
}

/** Streams one turn; on a retryable provider error before any text, tries the next model. */
async function streamWithFallback(
  input: TurnLoopInput,
  request: { system: string; messages: ModelMessage[]; tools: ToolSpec[] },
  onText: (delta: string) => void,
): Promise<{ output: TurnOutput; used: ResolvedModel }> {
  const failures: string[] = [];
  for (const [index, model] of input.models.entries()) {
    const last = index === input.models.length - 1;
    if (model.supported === false) {
      failures.push(`${model.ref}: ${model.unsupportedReason ?? "unsupported api"}`);
      input.onModelCall?.(model, last ? "error" : "fallback", null);
      continue;
    }
    const client: ModelClient = createModelClient(model, { fetch: input.fetch });
    const started = performance.now();
    let firstTokenMs: number | null = null;
    let streamed = false;
    try {
      const output = await collectTurn(
        client.stream({ model: model.modelId, system: request.system, messages: request.messages, tools: request.tools, maxTokens: model.maxTokens, signal: input.signal }),
        (delta) => {
          if (firstTokenMs === null) firstTokenMs = performance.now() - started;
          streamed = true;
          onText(delta);
        },
      );
      input.onModelCall?.(model, "ok", firstTokenMs);
      return { output, used: model };
    } catch (error) {
      const retryable = error instanceof ProviderError && error.retryable && !streamed && !input.signal.aborted;
      input.onModelCall?.(model, retryable && !last ? "fallback" : "error", firstTokenMs);
      if (!retryable || last) {
        if (error instanceof ProviderError && error.kind === "aborted") throw error;
        if (failures.length === 0) throw error;
        throw new RunFailure(`every model failed: ${[...failures, `${model.ref}: ${(error as Error).message}`].join("; ")}`, "model");
      }
      failures.push(`${model.ref}: ${(error as Error).message}`);
    }
  }
  throw new RunFailure(`no model could answer: ${failures.join("; ")}`, "model");
}

async function collectTurn(stream: AsyncIterable<ModelEvent>, onText: (delta: string) => void): Promise<TurnOutput> {
  const output: TurnOutput = { text: "", toolCalls: [], usage: null, stopReason: "stop" };
  for await (const event of stream) {
    switch (event.type) {
      case "text":
        output.text += event.delta;
        onText(event.delta);
        break;
      case "tool_call":
        output.toolCalls.push(event.call);
        break;
      case "usage":
        output.usage = event.usage;
        break;
      case "done":
        output.stopReason = event.stopReason;
        break;
    }
  }
  return output;
}
