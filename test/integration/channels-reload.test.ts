/**
 * Hot reload of channel settings: editing one account's keys restarts that account only; the
 * other account keeps its connection and a run in flight finishes and is answered.
 */
import { afterEach, expect, test } from "bun:test";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { eventually } from "../helpers/condition.ts";
import { startChannelGateway, startRig, untilPolling, type ChannelRig } from "./channels-fixture.ts";

let rig: ChannelRig | null = null;
afterEach(async () => {
  await rig?.stop();
  rig = null;
});

test("changing one account's keys restarts only that account", async () => {
  rig = startRig({
    telegram: { bots: [{}, {}] },
    // The first answer streams slowly, so it is still running while the config changes.
    script: (_request, index) => (index === 0 ? { type: "text", text: "slow answer", chunks: 4, chunkDelayMs: 150 } : { type: "text", text: `reply ${index + 1}` }),
  });
  const { tg, llm } = rig;
  const [first, second] = tg.bots as [typeof tg.bot, typeof tg.bot];
  await using gw = await startChannelGateway(rig, { telegram: { dmPolicy: "open", allowFrom: ["*"], accounts: { second: { botToken: second.token } } } });
  await untilPolling(gw, tg, "default");
  await eventually("the second account to poll", () => (second.polling && gw.gateway.services.channels.accounts().find((a) => a.accountId === "second")?.linked ? true : undefined));

  tg.pushMessage({ text: "take your time" });
  await llm.waitForRequests(1);

  const path = join(gw.stateDir, "openclaw.json");
  const config = JSON.parse(await readFile(path, "utf8"));
  config.channels.telegram.accounts.second.dmPolicy = "disabled";
  await writeFile(path, JSON.stringify(config, null, 2));
  await gw.waitForLog("telegram/second settings changed; restarting it");
  await eventually("the second account to come back", () =>
    second.callCount("getMe") === 2 && second.polling && gw.gateway.services.channels.accounts().find((a) => a.accountId === "second")?.linked ? true : undefined,
  );

  // The first account was not touched: one getMe, one deleteWebhook, and its run was answered.
  await tg.waitFor("the slow answer", () => first.sent[0]);
  expect(first.sent[0]).toMatchObject({ chat_id: "1001", text: "slow answer" });
  expect(first.callCount("getMe")).toBe(1);
  expect(first.callCount("deleteWebhook")).toBe(1);
  expect(gw.gateway.services.channels.accounts().map((a) => [a.accountId, a.dmPolicy])).toEqual([
    ["default", "open"],
    ["second", "disabled"],
  ]);
});
