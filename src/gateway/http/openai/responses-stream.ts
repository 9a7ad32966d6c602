/**
 * The SSE event sequence of a streamed `/v1/responses` run (protocol.md §8.2):
 * `response.created`, `response.in_progress`, `response.output_item.added`,
 * `response.content_part.added`, `response.output_text.delta`…, `response.output_text.done`,
 * `response.content_part.done`, `response.output_item.done`, `response.completed` (or
 * `response.incomplete`, or `response.failed`), then `data: [DONE]`. Each event carries its
 * type in both the `event:` line and the JSON, and a `sequence_number` from 0, as OpenAI's do.
 */
import { messageItem, outputTextPart, responseObject, type ResponseIds, type RunEnd } from "./response-object.ts";
import type { SseStream } from "./sse-stream.ts";

export class ResponseEventWriter {
  private sequence = 0;
  private streamed = "";

  constructor(
    private readonly sse: SseStream,
    private readonly ids: ResponseIds,
  ) {}

  /** The opening events, up to the empty text part the deltas fill. */
  open(): void {
    this.emit("response.created", { response: responseObject(this.ids, null) });
    this.emit("response.in_progress", { response: responseObject(this.ids, null) });
    this.emit("response.output_item.added", { output_index: 0, item: messageItem(this.ids, null, "in_progress") });
    this.emit("response.content_part.added", { ...this.position(), part: outputTextPart("") });
  }

  delta(text: string): void {
    if (!text) return;
    this.streamed += text;
    this.emit("response.output_text.delta", { ...this.position(), delta: text, logprobs: [] });
  }

  /** The closing events and `[DONE]`; a successful run's unstreamed rest goes out as one last delta. */
  close(end: Omit<RunEnd, "text">): void {
    if (!end.ok) {
      this.emit("response.failed", { response: responseObject(this.ids, { ...end, text: this.streamed }) });
      return this.sse.done();
    }
    const { text } = end.result;
    if (text.startsWith(this.streamed)) this.delta(text.slice(this.streamed.length));
    const final: RunEnd = { ...end, text: this.streamed };
    const response = responseObject(this.ids, final);
    const item = response.output[0]!;
    this.emit("response.output_text.done", { ...this.position(), text: this.streamed, logprobs: [] });
    this.emit("response.content_part.done", { ...this.position(), part: outputTextPart(this.streamed) });
    this.emit("response.output_item.done", { output_index: 0, item });
    this.emit(response.status === "incomplete" ? "response.incomplete" : "response.completed", { response });
    this.sse.done();
  }

  private position() {
    return { item_id: this.ids.itemId, output_index: 0, content_index: 0 };
  }

  private emit(type: string, fields: Record<string, unknown>): void {
    this.sse.send({ type, sequence_number: this.sequence++, ...fields }, type);
  }
}
