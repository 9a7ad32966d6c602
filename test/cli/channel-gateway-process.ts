/**
 * What the channel CLI tests and the chaos test share: a gateway PROCESS (`openclaw gateway`)
 * whose Telegram account polls a fake Bot API in the test process and whose agent answers with a
 * fake model there too, and the CLI pointed at it.
 */
import { Database } from "bun:sqlite";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { SqliteInboxStore } from "../../src/store/channel-inbox.ts";
import { SqliteOutboxStore } from "../../src/store/channel-outbox.ts";
import { STORE_FILE } from "../../src/store/database.ts";
import type { FakeOpenAI } from "../fakes/openai-compatible.ts";
import type { FakeTelegram } from "../fakes/telegram-bot-api.ts";
import { eventually } from "../helpers/condition.ts";
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
export async function startChannelGatewayProcess(
  home: string,
  config: Record<string, unknown> | null,
  env: Record<string, string> = {},
  entry?: string,
): Promise<ChannelGatewayProcess> {
  if (config) await writeConfig(home, config);
  await mkdir(join(home, "logs"), { recursive: true });
  const gw = await startGatewayProcess(["--port", "0"], { home, env: { ...QUIET, ...env }, ...(entry ? { entry } : {}) });
  const url = `ws://127.0.0.1:${gw.port}`;
  return Object.assign(gw, { home, url, cli: (...args: string[]) => runCli([...args, "--url", url], { home }) });
}

/** Waits until the gateway holds a long poll on the fake: getMe passed and updates are being read. */
export function untilPolling(tg: FakeTelegram, timeoutMs = 10_000): Promise<true> {
  return tg.waitFor("the gateway to poll Telegram", () => (tg.bot.polling ? true : undefined), timeoutMs);
}

/**
 * Waits until /readyz says Telegram is linked, as a careful client waits for a (re)started
 * gateway: before that, `send` answers NOT_LINKED (the account is still starting).
 */
export async function untilLinked(gw: ChannelGatewayProcess, timeoutMs = 10_000, channel = "telegram"): Promise<ChannelGatewayProcess> {
  await eventually(
    `the gateway to link ${channel}`,
    async () => {
      const response = await fetch(`http://127.0.0.1:${gw.port}/readyz`).catch(() => null);
      const body = response?.ok ? ((await response.json()) as { channels?: Record<string, { linked?: boolean }> }) : null;
      return body?.channels?.[channel]?.linked ? true : undefined;
    },
    timeoutMs,
  );
  return gw;
}

/** The gateway's store, read-only from the test while the gateway writes it (WAL). */
export function peekStore(home: string) {
  const db = new Database(join(home, ".openclaw", STORE_FILE), { readonly: true });
  const inbox = new SqliteInboxStore(db);
  const outbox = new SqliteOutboxStore(db);
  return {
    inbox,
    outbox,
    /** Nothing waits: every message handled, every outbound item sent or failed. */
    drained: () => inbox.pending().length === 0 && outbox.depth().count === 0,
    /** What is not finished, for a failure message. */
    describe(): string {
      const now = Date.now();
      const waiting = outbox.due(Number.MAX_SAFE_INTEGER).map((i) => `${i.idempotencyKey} ${i.state} attempts=${i.attempts} due ${i.nextAttemptAt - now} ms from now (${i.lastError})`);
      const pending = inbox.pending().map((i) => `inbox ${i.id} ${JSON.stringify(i.message.text)}`);
      return `outbox waiting: [${waiting.join("; ")}]; inbox pending: [${pending.join("; ")}]`;
    },
    close: () => db.close(),
  };
}
