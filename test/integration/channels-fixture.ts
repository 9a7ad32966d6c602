/**
 * What the channel integration tests share: a gateway with a fake Telegram Bot API as its
 * Telegram account and a fake OpenAI-compatible model, and waits on both fakes (no sleeping).
 */
import { startFakeOpenAI, type FakeOpenAI, type FakeScript } from "../fakes/openai-compatible.ts";
import { startFakeTelegram, type FakeTelegram, type FakeTelegramOptions } from "../fakes/telegram-bot-api.ts";
import { eventually } from "../helpers/condition.ts";
import { startTestGateway, type TestGateway, type TestGatewayInit } from "../helpers/gateway.ts";

export const API_KEY = "sk-fake-provider-key-channels-0123456789";

export interface ChannelRig {
  tg: FakeTelegram;
  llm: FakeOpenAI;
  stop(): Promise<void>;
}

/** Both fakes; `script` answers the model requests (default: "reply <n>" for the n-th request). */
export function startRig(options: { script?: FakeScript; telegram?: FakeTelegramOptions } = {}): ChannelRig {
  const tg = startFakeTelegram(options.telegram);
  const llm = startFakeOpenAI({ script: options.script ?? ((_request, index) => ({ type: "text", text: `reply ${index + 1}` })) });
  return {
    tg,
    llm,
    stop: async () => {
      await tg.stop();
      await llm.stop();
    },
  };
}

export function modelConfig(llm: FakeOpenAI) {
  return {
    models: { providers: { fake: { baseUrl: llm.baseUrl, apiKey: API_KEY, api: "openai-completions", models: [{ id: "m" }] } } },
    agents: { defaults: { model: { primary: "fake/m" } } },
  };
}

/** `channels.telegram` for the rig's first bot, plus `extra` keys. */
export function telegramSection(tg: FakeTelegram, extra: Record<string, unknown> = {}) {
  return { botToken: tg.token, apiRoot: tg.apiRoot, ...extra };
}

export interface ChannelGatewayInit extends Omit<TestGatewayInit, "config"> {
  /** Keys of `channels.telegram` besides the token and API root; null leaves Telegram out. */
  telegram?: Record<string, unknown> | null;
  config?: Record<string, unknown>;
}

/** A gateway whose Telegram account polls the rig's fake and whose agent answers with the rig's model. */
export async function startChannelGateway(rig: ChannelRig, init: ChannelGatewayInit = {}): Promise<TestGateway> {
  const { telegram = {}, config = {}, ...rest } = init;
  return startTestGateway({
    ...rest,
    config: { ...modelConfig(rig.llm), ...(telegram === null ? {} : { channels: { telegram: telegramSection(rig.tg, telegram) } }), ...config },
  });
}

/** Waits until the gateway's Telegram account is linked and long-polling the fake. */
export async function untilPolling(gw: TestGateway, tg: FakeTelegram, accountId = "default"): Promise<void> {
  await tg.waitFor("the gateway to poll Telegram", () => (tg.bot.polling ? true : undefined), 10_000);
  await eventually(`${accountId} to show as linked`, () => (gw.gateway.services.channels.accounts().find((a) => a.accountId === accountId)?.linked ? true : undefined));
}

/** The texts the bot sent to `chatId`, in order. */
export function sentTo(tg: FakeTelegram, chatId: number | string): string[] {
  return tg.sent.filter((m) => m.chat_id === String(chatId)).map((m) => m.text ?? m.caption ?? "");
}

/** Waits until the gateway stored `update` (Telegram saw it acknowledged) and is done with it: answered, refused or ignored. */
export async function handled(gw: TestGateway, tg: FakeTelegram, update: { update_id: number }): Promise<void> {
  await tg.waitFor(`update ${update.update_id} to be acknowledged`, () => (tg.confirmedOffset > update.update_id ? true : undefined), 10_000);
  await eventually(`update ${update.update_id} to be handled`, () => (gw.gateway.services.inbox.pending().length === 0 ? true : undefined), 10_000);
}
