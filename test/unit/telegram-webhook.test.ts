/**
 * Webhook mode end to end: the fake Bot API posts updates, like Telegram, to a Bun server
 * serving `telegramWebhookHandler`; the adapter never calls getUpdates, checks the secret, and
 * answers 200 only after the message was received.
 */
import { afterEach, beforeEach, expect, test } from "bun:test";
import type { Server } from "bun";
import { createTelegramAdapter } from "../../src/channels/telegram/adapter.ts";
import { SECRET_HEADER, telegramWebhookHandler, telegramWebhookRoutes } from "../../src/channels/telegram/webhook.ts";
import { ChannelFatalError } from "../../src/channels/types.ts";
import { startFakeTelegram, type FakeTelegram } from "../fakes/telegram-bot-api.ts";
import { createTestContext, type TestContextOptions } from "./telegram-context.ts";

const SECRET = "s3cret_Token-1";
let tg: FakeTelegram;
let ingress: Server<unknown>;
let path: string;
const stops: (() => unknown)[] = [];

beforeEach(() => {
  tg = startFakeTelegram();
  // A path per test: the receiver registry is process-wide.
  path = `/telegram-webhook-${crypto.randomUUID()}`;
  ingress = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: telegramWebhookHandler(path) });
});

afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
  await ingress.stop(true);
  await tg.stop();
});

async function startWebhookAdapter(options: Partial<TestContextOptions> = {}) {
  const t = createTestContext({ changed: tg.changed, ...options });
  const bot = await createTelegramAdapter({
    accountId: "default",
    token: tg.token,
    apiRoot: tg.apiRoot,
    webhook: { url: `http://127.0.0.1:${ingress.port}${path}`, secret: SECRET, path },
  });
  const running = bot.run(t.ctx);
  stops.push(async () => {
    t.controller.abort();
    await running.catch(() => {});
  });
  await tg.waitFor("connected", () => t.reports.find((r) => r.connected === true));
  return { t, running };
}

function post(body: unknown, secret?: string): Promise<Response> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (secret !== undefined) headers[SECRET_HEADER] = secret;
  return fetch(`http://127.0.0.1:${ingress.port}${path}`, { method: "POST", headers, body: JSON.stringify(body) });
}

test("setWebhook with the secret, updates arrive through it, no getUpdates at all", async () => {
  const { t } = await startWebhookAdapter();
  expect(tg.bot.webhook).toEqual({ url: `http://127.0.0.1:${ingress.port}${path}`, secret_token: SECRET, allowed_updates: ["message"] });
  const update = tg.pushMessage({ text: "via webhook" });
  expect(await tg.deliverWebhook()).toEqual([200]);
  expect(t.received.map((m) => m.text)).toEqual(["via webhook"]);
  expect(t.cursor.get("offset")).toBe(String(update.update_id + 1));
  expect(tg.pending).toHaveLength(0);
  expect(tg.callCount("getUpdates")).toBe(0);
  expect(tg.callCount("deleteWebhook")).toBe(0);
});

test("a wrong or missing secret is 401 and nothing is received", async () => {
  const { t } = await startWebhookAdapter();
  const update = { update_id: 5, message: { message_id: 1, date: 0, chat: { id: 1, type: "private" }, from: { id: 1, is_bot: false, first_name: "x" }, text: "x" } };
  expect((await post(update, "wrong")).status).toBe(401);
  expect((await post(update)).status).toBe(401);
  expect((await post(update, SECRET.slice(0, -1))).status).toBe(401);
  expect(t.received).toHaveLength(0);
  const accepted = await post(update, SECRET);
  expect(accepted.status).toBe(200);
  expect(accepted.headers.get("x-openclaw-delivery-accepted")).toBe("durable");
  expect(t.received).toHaveLength(1);
  expect((await post({ nope: true }, SECRET)).status).toBe(400);
});

test("200 only after receive resolved; a failed store is 500 and Telegram keeps the update", async () => {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let fail = true;
  let storing = false;
  const { t } = await startWebhookAdapter({
    onReceive: async () => {
      if (fail) throw new Error("inbox write failed");
      storing = true;
      tg.changed.wake();
      await gate;
    },
  });
  tg.pushMessage({ text: "keep me" });
  expect(await tg.deliverWebhook()).toEqual([500]);
  expect(tg.pending).toHaveLength(1);

  fail = false;
  let answered = false;
  const delivery = tg.deliverWebhook().then((statuses) => {
    answered = true;
    return statuses;
  });
  await tg.waitFor("the handler waiting on the store", () => (storing ? true : undefined));
  expect(answered).toBe(false);
  release();
  expect(await delivery).toEqual([200]);
  expect(t.received.map((m) => m.text)).toEqual(["keep me"]);
});

test("after stop the path answers 503, so Telegram retries later", async () => {
  const { t, running } = await startWebhookAdapter();
  t.controller.abort();
  await running;
  expect((await post({ update_id: 1 }, SECRET)).status).toBe(503);
});

test("a webhook URL Telegram refuses is fatal", async () => {
  const t = createTestContext({ changed: tg.changed });
  const bot = await createTelegramAdapter({ accountId: "default", token: tg.token, apiRoot: tg.apiRoot, webhook: { url: "not a url", secret: SECRET, path } });
  const error = await bot.run(t.ctx).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ChannelFatalError);
  expect((error as Error).message).toContain("Telegram refused the webhook");
});

test("telegramWebhookRoutes lists one POST route per configured path", () => {
  const routes = telegramWebhookRoutes({
    channels: {
      telegram: {
        botToken: "1:abc",
        webhookUrl: "https://example.com/tg",
        webhookSecret: "abc",
        accounts: {
          work: { botToken: "2:def", webhookPath: "/tg-work" },
          off: { botToken: "3:ghi", enabled: false, webhookPath: "/tg-off" },
        },
      },
    },
  });
  expect(routes.map((r) => [r.path, r.methods])).toEqual([
    ["/telegram-webhook", ["POST"]],
    ["/tg-work", ["POST"]],
  ]);
  expect(telegramWebhookRoutes({ channels: { telegram: { botToken: "1:abc" } } })).toEqual([]);
  expect(telegramWebhookRoutes({})).toEqual([]);
});
