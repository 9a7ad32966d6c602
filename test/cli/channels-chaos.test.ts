/**
 * Chaos: a real gateway PROCESS answers Telegram DMs (fake Bot API and fake model in this
 * process) while the test also calls `send` with its own idempotency keys, and kills the gateway
 * with SIGKILL at random moments, restarting it on the same home each time. At the end, once
 * everything is quiet (every message answered, inbox and outbox empty in the store), it counts:
 * every inbound message got exactly one reply, every `send` key was delivered exactly once, and
 * no update went to the model twice unless a crash came between the two.
 *
 * The model echoes what it was asked (`re: <token>`), so replies are matched to messages by
 * content. The seed is printed; `CHAOS_SEED=<n>` replays the same schedule (the timing of the
 * processes still varies).
 *
 * Two crashes are then placed on purpose: one while a retry is scheduled (it must still go out
 * on time after the restart) and one in the window between Telegram accepting a message and the
 * outbox marking it sent, where the Bot API offers no way to tell whether it arrived.
 */
import { afterAll, expect, test } from "bun:test";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DeviceIdentity } from "../../src/client/device-identity.ts";
import { startFakeOpenAI, type FakeOpenAI, type RecordedRequest } from "../fakes/openai-compatible.ts";
import { startFakeTelegram, type FakeTelegram } from "../fakes/telegram-bot-api.ts";
import { eventually } from "../helpers/condition.ts";
import { makeTempHome } from "../helpers/gateway.ts";
import { channelGatewayConfig, peekStore } from "./channel-gateway-process.ts";
import { processOf, random, runsTwiceInOneProcess, sendUntilAnswered, Victim, withProcessHeader } from "./chaos-victim.ts";

const INBOUND = 45;
const SENDS = 15;
const KILLS = 3;
const SENDERS = [1001, 1002, 1003];
const SEED = Number(process.env.CHAOS_SEED ?? Math.floor(Math.random() * 2 ** 31));
/** How long the load may take to be answered once the last kill is over; the rest is a failure with details. */
const QUIET_DEADLINE_MS = 12_000;

const rand = random(SEED);
const between = (min: number, max: number) => min + rand() * (max - min);
/** Pacing of the load itself (when users write, when the gateway dies); never used to wait for an outcome. */
const pause = (min: number, max: number) => Bun.sleep(between(min, max));

const cleanup: (() => unknown)[] = [];
afterAll(async () => {
  for (const step of cleanup.reverse()) await Promise.resolve(step()).catch(() => undefined);
}, 15_000);

async function tempDir(prefix: string): Promise<string> {
  const dir = prefix === "home" ? await makeTempHome() : await mkdtemp(join(tmpdir(), `openclaw-chaos-${prefix}-`));
  cleanup.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** The token a user message carries, from the last user turn the model was given. */
function tokenOf(request: RecordedRequest): string | undefined {
  const messages = (request.body as { messages?: { role: string; content: unknown }[] }).messages ?? [];
  const last = messages.filter((m) => m.role === "user").at(-1);
  const text = typeof last?.content === "string" ? last.content : JSON.stringify(last?.content ?? "");
  return text.match(/chaos-in-\d+/g)?.at(-1);
}

/** `work`, or a failure with `message()` after `ms`; the deadline is cleared once `work` settles (it must not fire into a later test). */
async function withDeadline<T>(work: Promise<T>, ms: number, message: () => string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message())), ms)));
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

function rig(script?: (request: RecordedRequest) => { type: "text"; text: string }): { tg: FakeTelegram; llm: FakeOpenAI } {
  const tg = startFakeTelegram();
  const llm = startFakeOpenAI({ script: script ?? (() => ({ type: "text", text: "unused" })) });
  cleanup.push(() => llm.stop(), () => tg.stop());
  return { tg, llm };
}

test(`kill -9 at random moments: every message answered once, every send delivered once (seed ${SEED})`, async () => {
  console.log(`channels chaos seed ${SEED} (CHAOS_SEED=${SEED} replays it)`);
  const modelCalls: { token: string; process: string }[] = [];
  const { tg, llm } = rig((request) => {
    const token = tokenOf(request) ?? "unknown";
    modelCalls.push({ token, process: processOf(request) });
    // Slow enough that kills land in the middle of runs, not only between them.
    return { type: "text", text: `re: ${token}`, chunks: 2, firstByteDelayMs: Math.round(between(30, 250)), chunkDelayMs: 20 };
  });
  const home = await tempDir("home");
  const identity = await DeviceIdentity.load(await tempDir("client"));
  const victim = new Victim(home, (step) => cleanup.push(step));
  await victim.start(withProcessHeader(channelGatewayConfig({ tg, llm, telegram: { dmPolicy: "allowlist", allowFrom: SENDERS.map(String) } })));
  const store = peekStore(home);
  cleanup.push(() => store.close());

  const chaos = victim.killAndRestart(KILLS, () => pause(500, 1600));

  const inbound: { token: string; chatId: string }[] = [];
  const users = (async () => {
    for (let i = 0; i < INBOUND; i++) {
      const sender = SENDERS[i % SENDERS.length]!;
      const token = `chaos-in-${i}`;
      // Now and then Telegram has a bad moment: the reply waits in the outbox for its retry, across kills too.
      if (rand() < 0.15) tg.failNext("sendMessage", { error_code: 502, description: "Bad Gateway" });
      tg.pushMessage({ from: { id: sender, first_name: `User ${sender}` }, text: `please echo ${token}` });
      inbound.push({ token, chatId: String(sender) });
      await pause(40, 140);
    }
  })();

  const sendResults = new Map<string, { messageId: string; tries: number }>();
  const sends = (async () => {
    const running: Promise<void>[] = [];
    for (let i = 0; i < SENDS; i++) {
      const params = { to: String(SENDERS[i % SENDERS.length]), message: `chaos-send-${i}`, idempotencyKey: `chaos-send-key-${i}` };
      running.push(sendUntilAnswered(victim, identity, params).then((result) => void sendResults.set(params.idempotencyKey, result)));
      await pause(100, 350);
    }
    await Promise.all(running);
  })();

  await chaos;
  const unsent = () => [...Array(SENDS).keys()].map((i) => `chaos-send-key-${i}`).filter((key) => !sendResults.has(key));
  await withDeadline(Promise.all([users, sends]), QUIET_DEADLINE_MS, () => `sends not answered ${QUIET_DEADLINE_MS} ms after the last restart: ${unsent().join(", ")}; ${store.describe()}`);

  // --- quiet: every message answered, nothing waiting in the store --------------------------------
  const replyText = (token: string) => `re: ${token}`;
  const unanswered = () => inbound.filter(({ token }) => !tg.sent.some((m) => m.text === replyText(token))).map(({ token }) => token);
  await tg.changed.waitFor("a reply to every inbound message", () => (unanswered().length === 0 ? true : undefined), QUIET_DEADLINE_MS, () => `; unanswered: ${unanswered().join(", ")}; ${store.describe()}`);
  await eventually("the inbox and outbox to drain", () => (store.drained() ? true : undefined), 10_000).catch((error) => {
    throw new Error(`${(error as Error).message}; ${store.describe()}`);
  });
  await victim.live!.stop();

  // --- count --------------------------------------------------------------------------------------
  const copies = (text: string) => tg.sent.filter((m) => m.text === text);
  /** Two copies on the platform: whether a kill came between them (the accepted-but-not-marked window). */
  const describeCopies = (text: string) => {
    const times = tg.calls.filter((c) => c.method === "sendMessage" && c.params.text === text).map((c) => c.at);
    const window = victim.killedBetween(times[0]!, times.at(-1)!)
      ? "a kill -9 fell between the copies: Telegram accepted the first, the gateway died before its outbox marked it sent, and sent it again after the restart"
      : "no kill between the copies";
    return `${JSON.stringify(text)} sent ${copies(text).length}× (sendMessage at ${times.join(", ")}; kills at ${victim.kills.join(", ")}): ${window}`;
  };
  const problems: string[] = [];
  for (const { token, chatId } of inbound) {
    const replies = copies(replyText(token));
    if (replies.length !== 1) problems.push(replies.length === 0 ? `${token}: no reply` : describeCopies(replyText(token)));
    else if (replies[0]!.chat_id !== chatId) problems.push(`${token}: replied in chat ${replies[0]!.chat_id}, not ${chatId}`);
  }
  for (let i = 0; i < SENDS; i++) {
    const delivered = copies(`chaos-send-${i}`);
    const answered = sendResults.get(`chaos-send-key-${i}`)?.messageId;
    if (delivered.length !== 1) problems.push(delivered.length === 0 ? `chaos-send-${i}: never delivered` : describeCopies(`chaos-send-${i}`));
    else if (answered !== String(delivered[0]!.message_id)) problems.push(`chaos-send-${i}: send answered message ${answered}, Telegram has ${delivered[0]!.message_id}`);
  }
  problems.push(...runsTwiceInOneProcess(modelCalls, inbound.map((m) => m.token)));
  const stray = tg.sent.filter((m) => !/^(re: chaos-in-\d+|chaos-send-\d+)$/.test(m.text ?? ""));
  if (stray.length > 0) problems.push(`unexpected messages: ${stray.map((m) => JSON.stringify(m.text)).join(", ")}`);

  const retried = [...sendResults.values()].filter((r) => r.tries > 1).length;
  console.log(
    `channels chaos: ${victim.kills.length} kills, ${INBOUND} inbound, ${SENDS} sends (${retried} repeated after a kill), ` +
      `${modelCalls.length} model calls (${modelCalls.length - INBOUND} re-runs after a crash), ${tg.sent.length} messages on Telegram`,
  );
  expect(problems).toEqual([]);
  expect(victim.kills).toHaveLength(KILLS);
  expect(tg.pending).toHaveLength(0);
}, 45_000);

test("a retry scheduled before a kill -9 still goes out on time after the restart", async () => {
  const { tg, llm } = rig();
  const home = await tempDir("home");
  const identity = await DeviceIdentity.load(await tempDir("client"));
  const victim = new Victim(home, (step) => cleanup.push(step));
  await victim.start(channelGatewayConfig({ tg, llm }));
  const store = peekStore(home);
  cleanup.push(() => store.close());

  // Telegram says "retry after 6 s" (longer than grammY waits out inside the call, so the outbox schedules it); the gateway dies meanwhile.
  tg.failNext("sendMessage", { error_code: 429, description: "Too Many Requests: retry after 6", retry_after: 6 });
  const sent = sendUntilAnswered(victim, identity, { to: "1001", message: "late but on time", idempotencyKey: "retry-across-kill" });
  const refusedAt = await tg.waitFor("the 429", () => tg.calls.find((c) => c.method === "sendMessage")?.at);
  // Rescheduled: back to pending with the 429 as its error (attempts counts from markSending, too early to tell).
  await eventually("the retry to be scheduled", () => {
    const item = store.outbox.get("send:retry-across-kill");
    return item?.state === "pending" && item.lastError !== null ? true : undefined;
  });
  const dueAt = store.outbox.get("send:retry-across-kill")!.nextAttemptAt;
  await victim.kill();
  await victim.start(null);

  // Due 6 s after the 429; a few seconds of slack for the restart, far below a 30 s recheck.
  await tg.waitFor("the retried message", () => tg.sent[0], Math.max(0, dueAt - Date.now()) + 4000).catch((error) => {
    throw new Error(`${(error as Error).message}: the 429 came at ${refusedAt}, the retry was due at ${dueAt} (${dueAt - Date.now()} ms from now); ${store.describe()}`);
  });
  expect((await sent).messageId).toBe(String(tg.sent[0]!.message_id));
  expect(tg.sent.map((m) => m.text)).toEqual(["late but on time"]);
}, 20_000);

/**
 * KNOWN VIOLATION of exactly-once, kept visible instead of weakening the chaos assertion:
 * Telegram accepted the message (it is in the chat) but the gateway was killed before its outbox
 * marked the item sent. The Bot API has no idempotency key and no way to ask "did this arrive?",
 * so after the restart the item, still `sending`, is sent again: at-least-once in this window.
 * The test pins the behaviour as it is (two copies, one answer to the caller); if the gateway
 * ever closes the window, it fails and should then expect one copy.
 */
test("KNOWN VIOLATION: a kill -9 between Telegram accepting a message and the outbox marking it sent delivers it twice", async () => {
  const { tg, llm } = rig();
  const home = await tempDir("home");
  const identity = await DeviceIdentity.load(await tempDir("client"));
  const victim = new Victim(home, (step) => cleanup.push(step));
  // A proxy in front of the fake: once Telegram has answered the marked sendMessage, the gateway is killed before the answer reaches it.
  let armed = true;
  const proxy = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(request, server) {
      server.timeout(request, 0); // long polls pass through
      const url = new URL(request.url);
      const body = await request.text();
      const upstream = await fetch(tg.apiRoot + url.pathname + url.search, {
        method: request.method,
        headers: { "content-type": request.headers.get("content-type") ?? "application/json" },
        body: request.method === "GET" ? undefined : body,
        signal: request.signal,
      });
      const answer = await upstream.text();
      if (armed && url.pathname.endsWith("/sendMessage") && body.includes("in the window")) {
        armed = false;
        await victim.kill();
      }
      return new Response(answer, { status: upstream.status, headers: { "content-type": "application/json" } });
    },
  });
  cleanup.push(() => proxy.stop(true));
  await victim.start({ ...channelGatewayConfig({ tg, llm }), channels: { telegram: { botToken: tg.token, apiRoot: `http://127.0.0.1:${proxy.port}` } } });
  const store = peekStore(home);
  cleanup.push(() => store.close());

  const sent = sendUntilAnswered(victim, identity, { to: "1001", message: "in the window", idempotencyKey: "window-1" });
  await tg.waitFor("Telegram to accept it", () => tg.sent[0]);
  await eventually("the kill", () => (victim.kills.length === 1 ? true : undefined));
  expect(store.outbox.get("send:window-1")?.state).toBe("sending");
  await victim.start(null);
  const answer = await sent;
  await eventually("the outbox to drain", () => (store.drained() ? true : undefined));
  const copies = tg.sent.filter((m) => m.text === "in the window");
  expect(copies).toHaveLength(2);
  // The caller hears of one message: the second copy.
  expect(answer.messageId).toBe(String(copies[1]!.message_id));
  expect(store.outbox.get("send:window-1")).toMatchObject({ state: "sent", attempts: 2 });
}, 20_000);
