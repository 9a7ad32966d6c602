/**
 * Short one-line previews of transcript messages, for session lists and pickers
 * (`sessions.preview`): whitespace collapsed, cut to a length, tool calls named.
 */
import type { ModelMessage } from "../model/types.ts";

export interface PreviewItem {
  role: "user" | "assistant" | "tool";
  text: string;
}

/** The preview of one message; null when it has nothing to show (an empty assistant turn). */
export function previewOf(message: ModelMessage, maxChars: number): PreviewItem | null {
  let text = message.content;
  // An assistant turn that only called tools says which, so the list does not show a blank.
  if (message.role === "assistant" && text.trim() === "" && message.toolCalls?.length) {
    text = message.toolCalls.map((call) => `[${call.name}]`).join(" ");
  }
  const line = shorten(text.replace(/\s+/g, " ").trim(), maxChars);
  return line === "" ? null : { role: message.role, text: line };
}

/** `text` cut to `maxChars` characters (code points, so an emoji is never split), ending in `…` when cut. */
export function shorten(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  // A code point is at most two UTF-16 units, so the head is enough to decide and to cut (tool
  // output can be megabytes; splitting all of it into code points would be wasted work).
  const chars = Array.from(text.slice(0, maxChars * 2));
  if (chars.length <= maxChars && text.length <= maxChars * 2) return text;
  return chars.slice(0, Math.max(0, maxChars - 1)).join("") + "…";
}
