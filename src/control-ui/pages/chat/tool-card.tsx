/**
 * A tool call and its result as one card: the name and state in the summary line (keyboard
 * operable, it is a `<details>`), the arguments and output inside, cut to a readable size.
 */
import type { ToolCard as Card } from "./live-runs.ts";

/** Characters of arguments or output shown; the rest is in the transcript. */
const SHOWN_CHARS = 4000;

/** Tools often answer JSON as text: indented, it reads on a phone too. */
function pretty(text: string): string {
  if (!/^\s*[[{]/.test(text)) return text;
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

function shown(value: unknown): string {
  if (value === undefined) return "";
  const text = typeof value === "string" ? pretty(value) : (JSON.stringify(value, null, 2) ?? String(value));
  return text.length > SHOWN_CHARS ? `${text.slice(0, SHOWN_CHARS)}\n… (${text.length - SHOWN_CHARS} more characters)` : text;
}

export function ToolCard({ card, stopped }: { card: Card; stopped?: boolean }) {
  const done = card.result !== undefined || card.isError !== undefined;
  const state = done ? (card.isError ? "failed" : "done") : stopped ? "stopped" : "running";
  const args = shown(card.args);
  const result = shown(card.result);
  return (
    <details class={`tool-card tool-${state}`} data-tool={card.name}>
      <summary>
        <span class="tool-name">{card.name}</span>
        <span class="tool-state" aria-label={`tool ${state}`}>
          {state === "running" ? "running…" : state}
        </span>
      </summary>
      {args && args !== "{}" ? (
        <div class="tool-section">
          <div class="tool-label">Arguments</div>
          <pre>{args}</pre>
        </div>
      ) : null}
      {done ? (
        <div class="tool-section">
          <div class="tool-label">{card.isError ? "Error" : "Result"}</div>
          <pre>{result || "(empty)"}</pre>
        </div>
      ) : null}
    </details>
  );
}
