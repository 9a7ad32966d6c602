/**
 * The two fakes of bench/channels-bench.ts, each in its own process so their CPU never competes
 * with the gateway's: `telegram` runs the fake Bot API (test/fakes/telegram-bot-api.ts), `model`
 * the fake OpenAI-compatible server (test/fakes/openai-compatible.ts), which answers every
 * request with `re: <token>` for the last `b-<n>` token of the last user message.
 *
 *   bun bench/channels-fake.ts telegram|model
 *
 * The first stdout line is `{"ready": {...}}` (apiRoot and token, or baseUrl). Then each line out
 * is an event with a high-resolution wall-clock time `at` (ms, `performance.timeOrigin +
 * performance.now()`, comparable across processes on one machine):
 *   telegram: {"pushed": token, at} · {"sent": text, chat, at} (each successful sendMessage)
 *   model:    {"request": token, at} (arrived) · {"done": token, at} (last byte written)
 * Lines in (telegram only) are commands: {"push": {token, from}} writes one DM;
 * {"load": {rate, ms, senders, prefix}} writes `rate` DMs a second for `ms` (tokens
 * `b-<prefix>-<i>`, senders 5000… in turn),
 * paced here so the rate does not depend on the pipe. The process stops when stdin closes.
 */
import { startFakeOpenAI } from "../test/fakes/openai-compatible.ts";
import { startFakeTelegram } from "../test/fakes/telegram-bot-api.ts";

const now = () => performance.timeOrigin + performance.now();
/** Events are batched per tick: one write per turn of the event loop, not one per message. */
let outBuffer = "";
function emit(event: Record<string, unknown>): void {
  if (outBuffer === "") queueMicrotask(() => (process.stdout.write(outBuffer), (outBuffer = "")));
  outBuffer += JSON.stringify(event) + "\n";
}

const mode = Bun.argv[2];
let stop: () => Promise<void>;
let onCommand: (command: Record<string, any>) => void = () => {};

if (mode === "telegram") {
  const tg = startFakeTelegram();
  let seen = 0;
  // Woken after every request the fake handled: new sendMessages are reported as they arrive.
  let stopping = false;
  const watch = async () => {
    while (!stopping) {
      await tg.changed.waitFor("a request", () => (tg.sent.length > seen || stopping ? true : undefined), 2 ** 31 - 1);
      const at = now();
      for (; seen < tg.sent.length; seen++) emit({ sent: tg.sent[seen]!.text ?? tg.sent[seen]!.caption ?? "", chat: tg.sent[seen]!.chat_id, at });
    }
  };
  void watch();
  const push = (token: string, from: number) => {
    tg.pushMessage({ from: { id: from, first_name: `User ${from}` }, text: `bench ${token}` });
    emit({ pushed: token, at: now() });
  };
  onCommand = (command) => {
    if (command.push) push(command.push.token, command.push.from);
    if (command.load) void load(command.load, push);
  };
  stop = async () => {
    stopping = true;
    tg.changed.wake(); // the watch loop's pending wait would keep the process alive
    await tg.stop();
  };
  emit({ ready: { apiRoot: tg.apiRoot, token: tg.token } });
} else if (mode === "model") {
  const llm = startFakeOpenAI({
    script: (request) => {
      const messages = (request.body as { messages?: { role: string; content: unknown }[] }).messages ?? [];
      const last = messages.filter((m) => m.role === "user").at(-1);
      const token = String(typeof last?.content === "string" ? last.content : JSON.stringify(last?.content)).match(/b-[a-z]+-\d+/g)?.at(-1) ?? "unknown";
      emit({ request: token, at: now() });
      void request.ended.then(() => emit({ done: token, at: now() }));
      return { type: "text", text: `re: ${token}`, chunks: 1 };
    },
  });
  stop = () => llm.stop();
  emit({ ready: { baseUrl: llm.baseUrl } });
} else {
  throw new Error("usage: bun bench/channels-fake.ts telegram|model");
}

/** `rate` pushes a second for `ms`: each push is due at start + i/rate, so a late tick catches up instead of drifting. */
async function load(spec: { rate: number; ms: number; senders: number; prefix: string }, push: (token: string, from: number) => void): Promise<void> {
  const started = performance.now();
  const total = Math.round((spec.rate * spec.ms) / 1000);
  for (let i = 0; i < total; ) {
    const due = Math.min(total, Math.floor(((performance.now() - started) * spec.rate) / 1000) + 1);
    for (; i < due; i++) push(`b-${spec.prefix}-${i}`, 5000 + (i % spec.senders));
    if (i < total) await Bun.sleep(Math.max(1, started + (i * 1000) / spec.rate - performance.now()));
  }
  emit({ loaded: total, at: now() });
}

let buffer = "";
for await (const chunk of Bun.stdin.stream()) {
  buffer += new TextDecoder().decode(chunk);
  for (let end = buffer.indexOf("\n"); end >= 0; end = buffer.indexOf("\n")) {
    const line = buffer.slice(0, end).trim();
    buffer = buffer.slice(end + 1);
    if (line) onCommand(JSON.parse(line));
  }
}
await stop();
