/**
 * The `chat` events of one run for its session's subscribers (protocol.md §7): cumulative
 * deltas at most one per 150 ms (the newest text wins; a slow UI never gets a backlog of stale
 * ones), then exactly one `final`, `error` or `aborted`.
 */
import type { EventPublisher } from "../core/event-publisher.ts";
import type { Usage } from "./model/types.ts";
import type { AgentRunStatus } from "./runner-types.ts";

export const CHAT_DELTA_INTERVAL_MS = 150;

export interface ChatStreamOptions {
  runId: string;
  sessionKey: string;
  events: EventPublisher;
  topic: string;
  now: () => number;
  /** Default 150 ms. */
  intervalMs?: number;
}

export class ChatStream {
  private seq = 0;
  private text = "";
  private sentText = "";
  private lastSentAt = Number.NEGATIVE_INFINITY;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private done = false;

  constructor(private readonly options: ChatStreamOptions) {}

  /** The run's visible text so far (cumulative). */
  delta(text: string): void {
    if (this.done) return;
    this.text = text;
    const wait = this.lastSentAt + (this.options.intervalMs ?? CHAT_DELTA_INTERVAL_MS) - this.options.now();
    if (wait <= 0) this.sendDelta();
    else this.timer ??= setTimeout(() => this.sendDelta(), wait);
  }

  finish(status: AgentRunStatus, text: string, errorMessage: string | undefined, usage: Usage, stopReason: string | null): void {
    if (this.done) return;
    this.done = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (status === "ok") {
      this.send({ state: "final", message: this.message(text), usage, stopReason });
    } else if (status === "aborted") {
      this.send({ state: "aborted", ...(this.text ? { message: this.message(this.text) } : {}) });
    } else {
      this.send({ state: "error", errorMessage: errorMessage ?? "the run failed" });
    }
  }

  private sendDelta(): void {
    this.timer = null;
    if (this.done || this.text === this.sentText) return;
    // v4 clients read `deltaText`; a rewrite that is not an append is marked `replace` by its absence of a prefix.
    const deltaText = this.text.startsWith(this.sentText) ? this.text.slice(this.sentText.length) : this.text;
    this.sentText = this.text;
    this.lastSentAt = this.options.now();
    this.send({ state: "delta", message: this.message(this.text), deltaText });
  }

  private message(text: string) {
    return { role: "assistant" as const, content: [{ type: "text", text }], timestamp: this.options.now() };
  }

  private send(fields: Record<string, unknown> & { state: "delta" | "final" | "aborted" | "error" }): void {
    this.seq += 1;
    this.options.events.publishToTopic(this.options.topic, "chat", { runId: this.options.runId, sessionKey: this.options.sessionKey, seq: this.seq, ...fields });
  }
}
