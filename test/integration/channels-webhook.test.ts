/**
 * Telegram in webhook mode on the gateway's own port: the route is served without the gateway
 * token (the secret header authenticates), an update posted to it is answered like a polled
 * one, a wrong secret is refused, and no getUpdates is ever made (user-needs C4).
 */
import { afterEach, expect, test } from "bun:test";
import { eventually } from "../helpers/condition.ts";
import { startChannelGateway, startRig, type ChannelRig } from "./channels-fixture.ts";

let rig: ChannelRig | null = null;
afterEach(async () => {
  await rig?.stop();
  rig = null;
});

const SECRET = "webhook_secret-123";

test("an update posted to the webhook route is answered; a wrong secret is refused; nothing polls", async () => {
  rig = startRig();
  const { tg } = rig;
  await using gw = await startChannelGateway(rig, {
    telegram: { dmPolicy: "open", allowFrom: ["*"], webhookUrl: "https://bot.example/telegram-webhook", webhookSecret: SECRET },
  });
  await eventually("the webhook to be set and the account linked", () =>
    tg.bot.webhook && gw.gateway.services.channels.accounts()[0]?.connected ? true : undefined,
  );
  expect(tg.bot.webhook).toMatchObject({ url: "https://bot.example/telegram-webhook", secret_token: SECRET });

  const update = tg.pushMessage({ text: "via webhook" });
  const post = (secret: string) =>
    fetch(`${gw.httpUrl}/telegram-webhook`, { method: "POST", headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": secret }, body: JSON.stringify(update) });
  const wrong = await post("not-the-secret");
  expect(wrong.status).toBe(401);
  const right = await post(SECRET);
  expect(right.status).toBe(200);
  const reply = await tg.waitFor("the reply", () => tg.sent[0]);
  expect(reply).toMatchObject({ chat_id: "1001", text: "reply 1" });
  // Telegram redelivering the same update does nothing more.
  expect((await post(SECRET)).status).toBe(200);
  expect(tg.callCount("getUpdates")).toBe(0);
  expect(tg.sent).toHaveLength(1);
});
