/**
 * A Server-Sent Events response whose end is also the run's end: when the client goes away
 * (Bun cancels the body stream, or aborts `request.signal`), `signal` fires, and the route
 * passes it to the agent runner so a disconnected client stops paying for tokens. Writes after
 * that are dropped instead of throwing, because run events keep arriving until the runner
 * notices the abort.
 */
import { SECURITY_HEADERS } from "../responses.ts";

export const SSE_HEADERS: Readonly<Record<string, string>> = {
  "Content-Type": "text/event-stream; charset=utf-8",
  "Cache-Control": "no-cache",
  // nginx and some other proxies buffer responses unless told not to; SSE must arrive as sent.
  "X-Accel-Buffering": "no",
  ...SECURITY_HEADERS,
};

const encoder = new TextEncoder();

export class SseStream {
  readonly response: Response;
  private readonly aborter = new AbortController();
  private controller!: ReadableStreamDefaultController<Uint8Array>;
  private closed = false;

  constructor(request: Request) {
    const body = new ReadableStream<Uint8Array>({
      start: (controller) => {
        this.controller = controller;
      },
      cancel: () => this.gone(),
    });
    if (request.signal.aborted) this.gone();
    else request.signal.addEventListener("abort", () => this.gone(), { once: true });
    this.response = new Response(body, { status: 200, headers: SSE_HEADERS });
  }

  /** Fires once the client has disconnected (or the stream was cancelled). */
  get signal(): AbortSignal {
    return this.aborter.signal;
  }

  /** Sends `data: <json>` (with `event: <name>` first when given); false once the stream is over. */
  send(data: unknown, event?: string): boolean {
    return this.write(`${event ? `event: ${event}\n` : ""}data: ${JSON.stringify(data)}\n\n`);
  }

  /** Sends the `data: [DONE]` terminator both OpenAI formats end with, and closes. */
  done(): void {
    this.write("data: [DONE]\n\n");
    this.close();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.controller.close();
    } catch {
      // Already cancelled by the client: nothing left to close.
    }
  }

  private write(text: string): boolean {
    if (this.closed) return false;
    try {
      this.controller.enqueue(encoder.encode(text));
      return true;
    } catch {
      this.gone();
      return false;
    }
  }

  private gone(): void {
    this.closed = true;
    this.aborter.abort(new DOMException("the HTTP client disconnected", "AbortError"));
  }
}
