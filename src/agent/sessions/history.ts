/**
 * What part of a transcript a model sees: the newest messages that fit its context window.
 * The oldest go first, and a tool exchange (an assistant message with tool calls and the tool
 * results after it) goes or stays as a whole: providers reject a tool result whose call is
 * missing, and a call without its results makes the model redo the work.
 */
import type { ModelMessage } from "../model/types.ts";

/**
 * Tokens a message costs beyond its text: role markers and message framing. Providers add 3–5
 * per message; 4 errs on the side of sending slightly less.
 */
export const MESSAGE_OVERHEAD_TOKENS = 4;
/** Characters per token for the estimate: about right for English prose and code with BPE tokenizers. */
export const CHARS_PER_TOKEN = 4;

export type TokenEstimate = (message: ModelMessage) => number;

/**
 * A rough, tokenizer-free cost of one message: ⌈chars / 4⌉ + 4, counting the text and, for tool
 * calls and results, the names, ids and JSON arguments the provider is sent too. It is an
 * estimate: callers keep a margin (the answer's `maxTokens`, the system prompt) below the window.
 */
export function estimateTokens(message: ModelMessage): number {
  let chars = message.content.length;
  if (message.role === "assistant") {
    for (const call of message.toolCalls ?? []) chars += call.id.length + call.name.length + JSON.stringify(call.arguments).length;
  } else if (message.role === "tool") {
    chars += message.toolCallId.length + message.name.length;
  }
  return Math.ceil(chars / CHARS_PER_TOKEN) + MESSAGE_OVERHEAD_TOKENS;
}

/**
 * The newest messages whose estimated cost fits `budgetTokens`, oldest first. What is kept is
 * the newest stretch of the conversation (nothing older than a dropped message stays: a gap
 * would make the model misread the thread), minus tool results that have no calling assistant
 * message before them, which providers reject (so the history never starts with one either).
 * Returns `[]` when not even the newest message fits. `messages` is not changed.
 */
export function trimHistory(messages: readonly ModelMessage[], budgetTokens: number, estimate: TokenEstimate = estimateTokens): ModelMessage[] {
  const kept: (readonly ModelMessage[])[] = [];
  let used = 0;
  for (const unit of unitsNewestFirst(messages)) {
    if (unit.orphan) continue;
    const cost = unit.messages.reduce((sum, message) => sum + estimate(message), 0);
    if (used + cost > budgetTokens) break;
    used += cost;
    kept.push(unit.messages);
  }
  return kept.reverse().flat();
}

interface Unit {
  messages: readonly ModelMessage[];
  /** Tool results with no assistant message that called them. */
  orphan: boolean;
}

/**
 * The conversation from the newest message back, in units: one message, or a tool exchange
 * (an assistant message with tool calls and the consecutive tool results after it).
 */
function* unitsNewestFirst(messages: readonly ModelMessage[]): Generator<Unit> {
  let end = messages.length;
  while (end > 0) {
    let start = end - 1;
    // Walk back over tool results to the message before them.
    while (start > 0 && messages[start]!.role === "tool") start--;
    const head = messages[start]!;
    if (head.role === "assistant" && (head.toolCalls?.length ?? 0) > 0) {
      yield { messages: messages.slice(start, end), orphan: false };
    } else {
      const firstTool = head.role === "tool" ? start : start + 1;
      if (firstTool < end) yield { messages: messages.slice(firstTool, end), orphan: true };
      if (head.role !== "tool") yield { messages: [head], orphan: false };
    }
    end = start;
  }
}
