/**
 * Turning an OpenAI conversation into what the runner takes. Message `content` is a string or
 * an array of parts of which the text ones count (`text` in Chat Completions,
 * `input_text`/`output_text` in Responses); image and file parts are not supported yet, so they
 * contribute nothing rather than failing the request.
 */

const TEXT_PART_TYPES = new Set(["text", "input_text", "output_text"]);

export function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  const texts: string[] = [];
  for (const part of content) {
    if (typeof part === "string") texts.push(part);
    else if (isRecord(part) && TEXT_PART_TYPES.has(String(part.type)) && typeof part.text === "string") texts.push(part.text);
  }
  return texts.join("\n");
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A conversation as the runner takes it: instructions, earlier turns, and the message to answer. */
export interface ConversationInput {
  /** System/developer messages and `instructions`, joined; undefined when there are none. */
  extraSystemPrompt: string | undefined;
  history: { role: "user" | "assistant"; content: string }[];
  /** The last user message with text. */
  prompt: string;
}

export type Turn = { role: "system" | "user" | "assistant"; content: string };

/**
 * Splits turns at the last user message with text: it is the prompt, the turns before it are
 * history, and anything after it (an assistant prefill) is dropped. null when there is none.
 */
export function splitConversation(turns: readonly Turn[], preamble: readonly string[] = []): ConversationInput | null {
  const system = [...preamble];
  const dialogue: { role: "user" | "assistant"; content: string }[] = [];
  for (const turn of turns) {
    if (turn.role === "system") {
      if (turn.content.trim()) system.push(turn.content);
    } else dialogue.push({ role: turn.role, content: turn.content });
  }
  let last = -1;
  for (let i = dialogue.length - 1; i >= 0; i--) {
    if (dialogue[i]!.role === "user" && dialogue[i]!.content.trim()) {
      last = i;
      break;
    }
  }
  if (last < 0) return null;
  return {
    extraSystemPrompt: system.length > 0 ? system.join("\n\n") : undefined,
    history: dialogue.slice(0, last).filter((turn) => turn.content.trim() !== ""),
    prompt: dialogue[last]!.content,
  };
}
