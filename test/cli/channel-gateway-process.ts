/**
 * What the channel CLI tests and the chaos test share: a gateway PROCESS (`openclaw gateway`)
 * whose Telegram account polls a fake Bot API in the test process and whose agent answers with a
 * fake model there too, and the CLI pointed at it.
 */
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { FakeOpenAI } from "../fakes/openai-compatible.ts";
import type { FakeTelegram } from "../fakes/telegram-bot-api.ts";
import { runCli, startGatewayProcess, writeConfig, type CliResult, type GatewayProcess } from "../helpers/cli.ts";
import { modelConfig, telegramSection } from "../integration/channels-fixture.ts";

export const GATEWAY_TOKEN = "channels-cli-test-token-0123456789abcdef";

/** No canvas host: these tests start many gateways and need none of it. */
const QUIET = { OPENCLAW_SKIP_CANVAS_HOST: "1" };

export interface ChannelConfigInit {
  tg: FakeTelegram;
  llm: FakeOpenAI;
  /** Keys of `channels.telegram` besides the token and API root; null leaves Telegram out. */
  telegram?: Record<string, unknown> | null;
}

export function channelGatewayConfig({ tg, llm, telegram = {} }: ChannelConfigInit): Record<string, unknown> {
  return {
    gateway: { mode: "local", auth: { token: GATEWAY_TOKEN } },
    ...modelConfig(llm),
    ...(telegram === null ? {} : { channels: { telegram: telegramSection(tg, telegram) } }),
  };
}

export interface ChannelGatewayProcess extends GatewayProcess {
  home: string;
  url: string;
  /** Runs `openclaw <args> --url <this gateway>` on the gateway's home (its config, its token). */
  cli(...args: string[]): Promise<CliResult>;
}

/** Writes the config (unless `config` is null: the home already has one) and starts the gateway on port 0. */
export async function startChannelGatewayProcess(home: string, config: Record<string, unknown> | null, env: Record<string, string> = {}): Promise<ChannelGatewayProcess> {
  if (config) await writeConfig(home, config);
  await mkdir(join(home, "logs"), { recursive: true });
  const gw = await startGatewayProcess(["--port", "0"], { home, env: { ...QUIET, ...env } });
  const url = `ws://127.0.0.1:${gw.port}`;
  return Object.assign(gw, { home, url, cli: (...args: string[]) => runCli([...args, "--url", url], { home }) });
}

/** Waits until the gateway holds a long poll on the fake: getMe passed and updates are being read. */
export function untilPolling(tg: FakeTelegram, timeoutMs = 10_000): Promise<true> {
  return tg.waitFor("the gateway to poll Telegram", () => (tg.bot.polling ? true : undefined), timeoutMs);
}
