/**
 * The adapter's receiving side against the fake Bot API: offsets move only after a durable
 * receive, restarts neither replay nor drop, one poller per token, 409s and stalls handled
 * without loops, and the token in no log line, report or error.
 */
import { afterEach, beforeEach, expect, test } from "bun:test";
import { createTelegramAdapter, type TelegramAdapterOptions } from "../../src/channels/telegram/adapter.ts";
import { OTHER_POLLER, PollerConflictError } from "../../src/channels/telegram/polling.ts";
import { ChannelFatalError } from "../../src/channels/types.ts";
import { startFakeTelegram, type FakeTelegram } from "../fakes/telegram-bot-api.ts";
import { createTestContext, type TestContextOptions } from "./telegram-context.ts";

let tg: FakeTelegram;
const stops: (() => unknown)[] = [];

beforeEach(() => {
  tg = startFakeTelegram();
});

afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
  await tg.stop();
});

function adapter(overrides: Partial<TelegramAdapterOptions> = {}) {
  return createTelegramAdapter({ accountId: "default", token: tg.token, apiRoot: tg.apiRoot, ...overrides });
}

function context(options: Partial<TestContextOptions> = {}) {
  const test = createTestContext({ changed: tg.changed, ...options });
  stops.push(() => test.controller.abort());
  return test;
}

function expectNoToken(text: string) {
  expect(text).not.toContain(tg.token);
  expect(text).not.toContain(tg.token.split(":")[1]!);
}

test("getMe reports the bot, the first poll reports connected, messages arrive with the cursor after each", async () => {
  const bot = await adapter();
  const t = context();
  const running = bot.run(t.ctx);
  await tg.waitFor("connected", () => t.reports.find((r) => r.connected === true));
  expect(t.reports[0]).toEqual({ linked: true, self: { id: String(tg.bot.info.id), name: "Fake Bot", username: "fake_test_bot" } });
  expect(tg.callCount("deleteWebhook")).toBe(1);

  const first = tg.pushMessage({ text: "hello" });
  const second = tg.pushMessage({ text: "again" });
  await tg.waitFor("two messages", () => (t.received.length === 2 ? true : undefined));
  expect(t.received.map((m) => m.text)).toEqual(["hello", "again"]);
  expect(t.received[0]).toMatchObject({ channel: "telegram", accountId: "default", chat: { id: "1001", kind: "direct" }, sender: { id: "1001", name: "Ada", username: "ada" }, mentioned: false });
  expect(t.cursorWrites).toEqual([String(first.update_id + 1), String(second.update_id + 1)]);
  // The next poll confirms them on the server.
  await tg.waitFor("confirmed", () => (tg.confirmedOffset === second.update_id + 1 ? true : undefined));
  const polls = tg.calls.filter((c) => c.method === "getUpdates").map((c) => c.params);
  // The first poll answers at once (connected, backlog drained); the rest long-poll.
  expect(polls[0]).toEqual({ timeout: 0, allowed_updates: ["message"] });
  expect(polls[1]).toEqual({ timeout: 30, allowed_updates: ["message"] });
  expect(polls.at(-1)).toEqual({ offset: second.update_id + 1, timeout: 30, allowed_updates: ["message"] });

  t.controller.abort();
  await running;
  expectNoToken(t.transcript());
});

test("the cursor moves only after receive resolved: a failed store is delivered again, handled ones are not", async () => {
  const cursor = new Map<string, string>();
  const updates = [tg.pushMessage({ text: "one" }), tg.pushMessage({ text: "two" }), tg.pushMessage({ text: "three" })];
  const first = context({
    cursor,
    onReceive: (message) => {
      if (message.text === "two") throw new Error("inbox write failed");
    },
  });
  const bot = await adapter();
  await expect(bot.run(first.ctx)).rejects.toThrow("inbox write failed");
  expect(first.received.map((m) => m.text)).toEqual(["one"]);
  expect(cursor.get("offset")).toBe(String(updates[0]!.update_id + 1));

  // A new adapter (the restarted gateway) with the same store: "two" and "three", not "one".
  const second = context({ cursor });
  const again = await adapter();
  const running = again.run(second.ctx);
  await tg.waitFor("the rest", () => (second.received.length === 2 ? true : undefined));
  expect(second.received.map((m) => m.text)).toEqual(["two", "three"]);
  expect(tg.calls.filter((c) => c.method === "getUpdates")[0 + 1]!.params.offset).toBe(updates[0]!.update_id + 1);
  second.controller.abort();
  await running;
});

test("stopping mid-batch keeps the unhandled rest for the next run", async () => {
  const cursor = new Map<string, string>();
  tg.pushMessage({ text: "a" });
  const b = tg.pushMessage({ text: "b" });
  tg.pushMessage({ text: "c" });
  const first = context({
    cursor,
    onReceive: (message) => {
      if (message.text === "b") first.controller.abort();
    },
  });
  const bot = await adapter();
  await bot.run(first.ctx);
  expect(first.received.map((m) => m.text)).toEqual(["a", "b"]);
  expect(cursor.get("offset")).toBe(String(b.update_id + 1));

  const second = context({ cursor });
  const running = (await adapter()).run(second.ctx);
  await tg.waitFor("c", () => second.received[0]);
  expect(second.received.map((m) => m.text)).toEqual(["c"]);
  second.controller.abort();
  await running;
});

test("updates that are not messages only move the offset", async () => {
  const t = context();
  const edit = tg.pushUpdate({ edited_message: { message_id: 1, date: 0, edit_date: 1, chat: { id: 5, type: "private", first_name: "x" }, from: { id: 5, is_bot: false, first_name: "x" }, text: "x" } as never });
  const message = tg.pushMessage({ text: "real" });
  const running = (await adapter()).run(t.ctx);
  await tg.waitFor("message", () => t.received[0]);
  expect(t.received.map((m) => m.text)).toEqual(["real"]);
  expect(t.cursorWrites).toEqual([String(edit.update_id + 1), String(message.update_id + 1)]);
  t.controller.abort();
  await running;
});

test("media and group mentions come through the poll as file ids and a mention flag", async () => {
  const t = context();
  const running = (await adapter()).run(t.ctx);
  tg.pushMessage({ chatId: -100777, title: "Ops", photo: true, caption: "@fake_test_bot what is this?" });
  await tg.waitFor("photo", () => t.received[0]);
  expect(t.received[0]).toMatchObject({
    chat: { id: "-100777", kind: "group", title: "Ops" },
    text: "@fake_test_bot what is this?",
    mentioned: true,
    media: [{ kind: "image", mimeType: "image/jpeg", caption: "@fake_test_bot what is this?" }],
  });
  expect(t.received[0]!.media[0]!.fileId).toMatch(/^file-/);
  t.controller.abort();
  await running;
});

test("stop aborts the held long poll promptly", async () => {
  const t = context();
  const running = (await adapter()).run(t.ctx);
  await tg.waitFor("a held poll", () => (tg.bot.polling && tg.callCount("getUpdates") >= 2 ? true : undefined));
  const started = performance.now();
  t.controller.abort();
  await running;
  expect(performance.now() - started).toBeLessThan(1000);
  await tg.waitFor("the poll freed", () => (tg.bot.polling ? undefined : true));
});

test("a second poller elsewhere: 409 twice ends the run with a clear message (the manager backs off), after a pause, not a loop", async () => {
  const t = context();
  const bot = await adapter({ polling: { conflictRetryMs: 50 } });
  const running = bot.run(t.ctx);
  await tg.waitFor("a held poll", () => (tg.bot.polling && tg.callCount("getUpdates") === 2 ? true : undefined));

  // "Another process": polls with the same token and polls again whenever it is kicked off.
  const rogue = new AbortController();
  let rogueCalls = 0;
  const rogueLoop = (async () => {
    while (!rogue.signal.aborted) {
      rogueCalls++;
      const response = await fetch(`${tg.apiRoot}/bot${tg.token}/getUpdates?timeout=30`, { signal: rogue.signal }).catch(() => null);
      if (!response || response.status !== 409) return;
    }
  })();

  const error = await running.then(
    () => null,
    (e: unknown) => e,
  );
  // Not fatal: the manager retries with backoff, for as long as it takes.
  expect(error).toBeInstanceOf(PollerConflictError);
  expect(error).not.toBeInstanceOf(ChannelFatalError);
  expect((error as Error).message).toBe(OTHER_POLLER);
  expect(t.reports.at(-1)).toMatchObject({ connected: false, lastError: OTHER_POLLER });
  const ours = tg.callCount("getUpdates") - rogueCalls;
  // The quick first poll, the long poll the rogue kicked, one retry after the pause: then stop.
  expect(ours).toBe(3);
  rogue.abort();
  await rogueLoop;
  expect(tg.callCount("getUpdates") - rogueCalls).toBe(3);
  expectNoToken(t.transcript() + (error as Error).message);
});

test("two adapters with one token in one process: the second is refused, the polls never overlap", async () => {
  const first = context();
  const a = await adapter({ accountId: "a" });
  const running = a.run(first.ctx);
  await tg.waitFor("a polls", () => (tg.bot.polling ? true : undefined));

  const second = context();
  const b = await adapter({ accountId: "b", lockWaitMs: 50 });
  const error = await b.run(second.ctx).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ChannelFatalError);
  expect((error as Error).message).toContain('telegram account "a"');
  expect(tg.conflicts).toBe(0);
  expect(tg.callCount("getMe")).toBe(1);

  // Once the first stops, the token is free again.
  first.controller.abort();
  await running;
  const third = context();
  const again = b.run(third.ctx);
  await tg.waitFor("b connected", () => third.reports.find((r) => r.connected));
  third.controller.abort();
  await again;
  expect(tg.conflicts).toBe(0);
});

test("a hot-reload style replacement waits for the old adapter to let go", async () => {
  const old = context();
  const running = (await adapter()).run(old.ctx);
  await tg.waitFor("old polls", () => (tg.bot.polling ? true : undefined));
  const fresh = context();
  const next = (await adapter()).run(fresh.ctx);
  old.controller.abort();
  await running;
  await tg.waitFor("new connected", () => fresh.reports.find((r) => r.connected));
  fresh.controller.abort();
  await next;
  expect(tg.conflicts).toBe(0);
});

test("a wedged getUpdates is aborted, reported and started again", async () => {
  const t = context();
  const bot = await adapter({ polling: { timeoutSeconds: 1, stallThresholdMs: 1300 } });
  tg.stall();
  const running = bot.run(t.ctx);
  await tg.waitFor("stall reported", () => t.reports.find((r) => r.lastError === "poll stalled; restarted"), 5000);
  expect(t.lines.some((line) => line.includes("stalled"))).toBe(true);
  const before = tg.callCount("getUpdates");
  tg.unstall();
  tg.pushMessage({ text: "after the stall" });
  await tg.waitFor("message", () => t.received[0], 5000);
  expect(tg.callCount("getUpdates")).toBeGreaterThan(before);
  expect(t.reports.findLast((r) => r.connected !== undefined)).toMatchObject({ connected: true, lastError: null });
  t.controller.abort();
  await running;
});

test("409 because a webhook is set: delete it and keep polling", async () => {
  const t = context();
  tg.failNext("getUpdates", { error_code: 409, description: "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first" });
  const running = (await adapter()).run(t.ctx);
  tg.pushMessage({ text: "still here" });
  await tg.waitFor("message", () => t.received[0]);
  expect(tg.callCount("deleteWebhook")).toBe(2);
  t.controller.abort();
  await running;
});

test("a refused token is fatal and unlinks", async () => {
  tg.bot.revoked = true;
  const t = context();
  const error = await (await adapter()).run(t.ctx).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ChannelFatalError);
  expect((error as Error).message).toContain("the bot token was refused");
  expect(t.reports).toContainEqual(expect.objectContaining({ linked: false }));
  expectNoToken(t.transcript() + (error as Error).message);
});

test("network failures and 5xx reject run (the manager backs off) without the token in the message", async () => {
  const closed = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response() });
  const deadRoot = `http://127.0.0.1:${closed.port}`;
  await closed.stop(true);
  const t = context();
  const error = await (await adapter({ apiRoot: deadRoot })).run(t.ctx).catch((e: unknown) => e);
  expect((error as Error).name).toBe("TelegramNetworkError");
  expect(t.reports.at(-1)).toMatchObject({ connected: false });
  expectNoToken(t.transcript() + String((error as Error).message) + String((error as Error).stack));

  const u = context();
  tg.failNext("getUpdates", { error_code: 502, description: "Bad Gateway" });
  const failed = await (await adapter()).run(u.ctx).catch((e: unknown) => e);
  expect((failed as Error).name).toBe("TelegramNetworkError");
  expect((failed as Error).message).toContain("502");
});

test("probe: getMe now, never throwing", async () => {
  const bot = await adapter();
  expect(await bot.probe(AbortSignal.timeout(2000))).toEqual({ ok: true, self: { id: String(tg.bot.info.id), name: "Fake Bot", username: "fake_test_bot" } });
  tg.bot.revoked = true;
  const refused = await bot.probe(AbortSignal.timeout(2000));
  expect(refused.ok).toBe(false);
  expect(refused.error).toContain("the bot token was refused");
});
