/**
 * The model provider of bench/agent-bench.ts: an OpenAI-compatible `POST /v1/chat/completions`
 * streaming Chat Completions chunks, in its own process so its CPU never competes with the
 * gateway's or the measuring client's. Frames are encoded before the clock matters, so the
 * provider is never what the figures wait for. The last user message picks the reply:
 *
 *   "ttft"            5 tokens, written at once (time to first token)
 *   "flood <n>"       n tokens, written at once (per-token cost: the reader sets the pace)
 *   "paced <n> <ms>"  n tokens, one every <ms> ms (runs that stay open, for the memory figure)
 *
 * Prints `{"baseUrl": "http://127.0.0.1:<port>/v1"}` once listening; stops when stdin closes,
 * so it never outlives the driver.
 */
export {}; // a module, for the top-level await at the end

const TOKEN = "tok ";
const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
  `data: ${JSON.stringify({ id: "chatcmpl-bench", object: "chat.completion.chunk", created: 1_700_000_000, model: "m", choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
const FIRST = chunk({ role: "assistant", content: "" });
const PIECE = chunk({ content: TOKEN });
const tail = (tokens: number, usage: boolean) =>
  chunk({}, "stop") +
  (usage ? `data: ${JSON.stringify({ id: "chatcmpl-bench", object: "chat.completion.chunk", created: 1_700_000_000, model: "m", choices: [], usage: { prompt_tokens: 10, completion_tokens: tokens, total_tokens: 10 + tokens } })}\n\n` : "") +
  "data: [DONE]\n\n";

/** Whole bodies per token count, built once: the flood figure must not measure string building. */
const bodies = new Map<string, string>();
function wholeBody(tokens: number, usage: boolean): string {
  const key = `${tokens}:${usage}`;
  let body = bodies.get(key);
  if (!body) bodies.set(key, (body = FIRST + PIECE.repeat(tokens) + tail(tokens, usage)));
  return body;
}

function paced(tokens: number, everyMs: number, usage: boolean, signal: AbortSignal): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const piece = encoder.encode(PIECE);
  let sent = 0;
  let timer: ReturnType<typeof setInterval> | undefined;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(FIRST));
      timer = setInterval(() => {
        if (signal.aborted) return clearInterval(timer);
        if (sent++ < tokens) return controller.enqueue(piece);
        clearInterval(timer);
        controller.enqueue(encoder.encode(tail(tokens, usage)));
        controller.close();
      }, everyMs);
    },
    cancel: () => clearInterval(timer),
  });
}

interface Body {
  messages?: { role: string; content: unknown }[];
  stream_options?: { include_usage?: boolean };
}

const server = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  async fetch(request, srv) {
    if (request.method !== "POST" || !new URL(request.url).pathname.endsWith("/chat/completions")) return new Response("not found", { status: 404 });
    const body = (await request.json()) as Body;
    const prompt = String(body.messages?.filter((m) => m.role === "user").at(-1)?.content ?? "ttft");
    const usage = body.stream_options?.include_usage === true;
    const [mode, a, b] = prompt.trim().split(/\s+/);
    const headers = { "content-type": "text/event-stream", "cache-control": "no-cache" };
    if (mode === "paced") {
      srv.timeout(request, 0);
      return new Response(paced(Number(a), Number(b), usage, request.signal), { headers });
    }
    return new Response(wholeBody(mode === "flood" ? Number(a) : 5, usage), { headers });
  },
});

process.stdout.write(JSON.stringify({ baseUrl: `http://127.0.0.1:${server.port}/v1` }) + "\n");
for await (const _ of Bun.stdin.stream()) {
  // Nothing to read: the driver only closes stdin (or exits) when it is done.
}
await server.stop(true);
