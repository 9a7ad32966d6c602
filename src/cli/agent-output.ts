/**
 * How `openclaw agent` shows a reply. On a terminal the assistant text streams in as the
 * `agent` events arrive, and the final answer only adds what the stream did not show; piped,
 * only the final text is printed, so scripts read exactly the answer. `--json` prints the final
 * payload, or the reference's CLI failure envelope.
 */
import type { AgentFinal } from "../../protocol/methods/agent.ts";

type Payload = NonNullable<AgentFinal["result"]>["payloads"][number];

/** The reference prints each payload's text, then one `Attachment: <url>` line per media URL. */
export function replyText(payloads: readonly Payload[]): string {
  const lines: string[] = [];
  for (const payload of payloads) {
    if (payload.text?.trimEnd()) lines.push(payload.text.trimEnd());
    const media = [...(payload.mediaUrl ? [payload.mediaUrl] : []), ...(payload.mediaUrls ?? [])];
    for (const url of new Set(media)) lines.push(`Attachment: ${url}`);
  }
  return lines.join("\n");
}

/** What the terminal has shown of one run's reply, so the final answer is not printed twice. */
export class ReplyStream {
  private shown = "";

  constructor(
    private readonly write: (text: string) => void,
    /** False when piped or with `--json`: nothing is shown until the end. */
    private readonly live: boolean,
  ) {}

  /** An `assistant` event: `text` is the cumulative reply (turn separators included, unlike `delta`). */
  update(text: string): void {
    if (!this.live || text === this.shown) return;
    // The runtime only ever extends the text; a rewrite (never seen yet) starts on a new line.
    this.write(text.startsWith(this.shown) ? text.slice(this.shown.length) : `\n${text}`);
    this.shown = text;
  }

  /** The rest of the answer to write, ending the line (empty when there is nothing to say). */
  finish(finalText: string): string {
    if (!this.live || !this.shown) return finalText ? `${finalText}\n` : "";
    if (finalText.startsWith(this.shown)) return `${finalText.slice(this.shown.length)}\n`;
    return finalText ? `\n${finalText}\n` : "\n";
  }

  /** Before an error or notice on stderr: end a half-written line so the message starts clean. */
  breakLine(): string {
    return this.live && this.shown && !this.shown.endsWith("\n") ? "\n" : "";
  }
}

/** The reference's `--json` failure shape (docs/cli/index.md "JSON failures"), plus the gateway's code. */
export function jsonFailure(message: string, runId: string | undefined, code: string | undefined): string {
  const failure = { ok: false, ...(runId ? { runId, origin: "gateway" } : {}), error: { type: "cli_error", ...(code ? { code } : {}), message } };
  return JSON.stringify(failure, null, 2);
}
