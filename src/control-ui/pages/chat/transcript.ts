/**
 * `chat.history` messages as what the page shows: text bubbles and tool cards. A tool result
 * (role `tool`) joins the card of the call it answers, so a call and its output read as one.
 */
import type { ToolCard } from "./live-runs.ts";

export interface HistoryMessage {
  role: "user" | "assistant" | "tool";
  content: Record<string, unknown>[];
  timestamp: number;
  runId?: string;
}

export type TranscriptItem =
  | { kind: "text"; key: string; role: "user" | "assistant"; text: string; timestamp: number; runId?: string }
  | { kind: "tool"; key: string; card: ToolCard; runId?: string };

export function transcriptItems(messages: readonly HistoryMessage[]): TranscriptItem[] {
  const items: TranscriptItem[] = [];
  const cards = new Map<string, ToolCard>();
  messages.forEach((message, m) => {
    message.content.forEach((block, b) => {
      const key = `${m}.${b}`;
      const runId = message.runId;
      if (block.type === "text" && typeof block.text === "string" && message.role !== "tool") {
        if (block.text) items.push({ kind: "text", key, role: message.role, text: block.text, timestamp: message.timestamp, runId });
      } else if (block.type === "toolCall") {
        const card: ToolCard = { id: String(block.id ?? key), name: String(block.name ?? "tool"), args: block.arguments };
        cards.set(card.id, card);
        items.push({ kind: "tool", key, card, runId });
      } else if (block.type === "toolResult") {
        const id = String(block.toolCallId ?? "");
        const done = { result: block.text, isError: block.isError === true };
        const card = cards.get(id);
        if (card) Object.assign(card, done);
        else items.push({ kind: "tool", key, card: { id: id || key, name: String(block.name ?? "tool"), args: undefined, ...done }, runId });
      }
    });
  });
  return items;
}
