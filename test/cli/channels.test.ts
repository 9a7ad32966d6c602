/**
 * `openclaw channels status|login|logout`: the real CLI against gateway processes whose
 * Telegram account polls a fake Bot API. Status tells the truth about each account (traffic
 * times, probe, a revoked token); logout stops the account; login says what a Telegram login
 * is (a token in the config) and that WhatsApp's needs the running gateway.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { rm, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { startFakeOpenAI, type FakeOpenAI } from "../fakes/openai-compatible.ts";
import { FAKE_TELEGRAM_TOKEN, startFakeTelegram, type FakeTelegram } from "../fakes/telegram-bot-api.ts";
import { eventually } from "../helpers/condition.ts";
import { makeTempHome } from "../helpers/gateway.ts";
import { runCli, UNREACHABLE_URL, writeConfig } from "../helpers/cli.ts";
import { channelGatewayConfig, GATEWAY_TOKEN, startChannelGatewayProcess, untilPolling, type ChannelGatewayProcess } from "./channel-gateway-process.ts";

const homes: string[] = [];
async function home(): Promise<string> {
  homes.push(await makeTempHome());
  return homes.at(-1)!;
}

let tg: FakeTelegram;
let llm: FakeOpenAI;
afterAll(async () => {
  await tg?.stop();
  await llm?.stop();
  await Promise.all(homes.map((dir) => rm(dir, { recursive: true, force: true })));
});
beforeAll(() => {
  tg = startFakeTelegram();
  llm = startFakeOpenAI({ script: (_request, index) => ({ type: "text", text: `answer ${index + 1}` }) });
});

const HEADER = /^channel\s+account\s+configured\s+linked\s+running\s+connected\s+last in\s+last out\s+reconnects\s+last error\n/;
const cells = (line: string) => line.trim().split(/\s{2,}/);

describe("channels status against a linked Telegram account", () => {
  let gw: ChannelGatewayProcess;
  beforeAll(async () => {
    gw = await startChannelGatewayProcess(await home(), channelGatewayConfig({ tg, llm, telegram: { dmPolicy: "allowlist", allowFrom: ["1001"] } }));
    await untilPolling(tg);
  });
  afterAll(() => gw?.stop());

  test("a table row per account; traffic shows as last in / last out", async () => {
    const before = await gw.cli("channels", "status");
    expect(before.code).toBe(0);
    expect(before.stdout).toMatch(HEADER);
    expect(cells(before.stdout.split("\n")[1]!)).toEqual(["telegram", "default", "yes", "yes", "yes", "yes", "-", "-", "0", "-"]);

    tg.pushMessage({ text: "hello" });
    await tg.waitFor("the reply", () => tg.sent.find((m) => m.text === "answer 1"));
    const after = await gw.cli("channels", "status");
    const row = cells(after.stdout.split("\n")[1]!);
    expect(row.slice(6, 8)).toEqual(["0s ago", "0s ago"]);
    // `channels` alone is `channels status`.
    expect((await gw.cli("channels")).stdout).toMatch(HEADER);
  });

  test("--json is the wire shape of channels.status", async () => {
    const result = await gw.cli("channels", "status", "--json");
    expect(result.code).toBe(0);
    const status = JSON.parse(result.stdout);
    expect(status.channelOrder).toEqual(["telegram"]);
    expect(status.channelAccounts.telegram[0]).toMatchObject({ accountId: "default", configured: true, linked: true, running: true, connected: true, dmPolicy: "allowlist", lastError: null });
  });

  test("--probe asks Telegram now and shows what it said", async () => {
    const calls = tg.callCount("getMe");
    const result = await gw.cli("channels", "status", "--probe");
    expect(result.code).toBe(0);
    expect(tg.callCount("getMe")).toBe(calls + 1);
    expect(result.stdout).toMatch(/\s+probe\s+last error\n/);
    expect(cells(result.stdout.split("\n")[1]!).at(-2)).toBe("ok @fake_test_bot");
  });

  test("--channel whatsapp: not configured, said in words", async () => {
    const result = await gw.cli("channels", "status", "--channel", "whatsapp");
    expect(result).toEqual({ code: 0, stdout: "WhatsApp is not configured: link WhatsApp with openclaw channels login whatsapp\n", stderr: "" });
  });

  test("logout stops the account and status then says so; an unknown account exits 1", async () => {
    const unknown = await gw.cli("channels", "logout", "telegram", "--account", "nope");
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("unknown account: telegram/nope");

    const result = await gw.cli("channels", "logout", "telegram");
    expect(result.code).toBe(0);
    expect(result.stdout).toStartWith("Logged out Telegram account default: it is stopped until the gateway restarts or its config changes. The bot token stays in the config");
    await tg.waitFor("the poll to end", () => (tg.bot.polling ? undefined : true));
    const status = await gw.cli("channels", "status");
    const row = cells(status.stdout.split("\n")[1]!);
    expect(row.slice(3, 6)).toEqual(["no", "no", "no"]);
    expect(row.at(-1)).toBe("stopped: logged out");
    // With no linked account, sending fails with the gateway's reason.
    const send = await gw.cli("message", "send", "-t", "1001", "-m", "after logout");
    expect(send.code).toBe(1);
  });
});

describe("channels status when something is wrong", () => {
  test("a revoked token: the account is not linked and the error says why", async () => {
    const bad = startFakeTelegram();
    bad.bot.revoked = true;
    const gw = await startChannelGatewayProcess(await home(), channelGatewayConfig({ tg: bad, llm }));
    try {
      await bad.waitFor("getMe to be refused", () => (bad.callCount("getMe") > 0 ? true : undefined));
      // The gateway reports the refusal once it has handled it; ask until it shows.
      const row = await eventually("status to show the refusal", async () => {
        const cellsNow = cells((await gw.cli("channels", "status")).stdout.split("\n")[1] ?? "");
        return cellsNow.at(-1) && cellsNow.at(-1) !== "-" ? cellsNow : undefined;
      });
      expect(row.slice(0, 6)).toEqual(["telegram", "default", "yes", "no", "no", "no"]);
      expect(row.at(-1)).toMatch(/401|Unauthorized|token/i);
    } finally {
      await gw.stop();
      await bad.stop();
    }
  });

  test("no channels configured", async () => {
    const gw = await startChannelGatewayProcess(await home(), channelGatewayConfig({ tg, llm, telegram: null }));
    try {
      expect(await gw.cli("channels", "status")).toEqual({
        code: 0,
        stdout: "No channels configured: set channels.telegram.botToken (or TELEGRAM_BOT_TOKEN) and restart the gateway, or link WhatsApp with openclaw channels login whatsapp\n",
        stderr: "",
      });
    } finally {
      await gw.stop();
    }
  });

  test("no gateway: fails at once, naming the start command", async () => {
    for (const args of [["channels", "status"], ["channels", "logout", "telegram"]]) {
      const result = await runCli(["--profile", "work", ...args, "--url", UNREACHABLE_URL], { home: await home() });
      expect(result).toEqual({ code: 1, stdout: "", stderr: `error: gateway not reachable at ${UNREACHABLE_URL} (is it running? start it with: openclaw --profile work gateway)\n` });
    }
  });

  test("bad channel names fail before connecting", async () => {
    for (const [args, message] of [
      [["channels", "logout"], "name the channel: telegram | whatsapp"],
      [["channels", "logout", "signal"], "unknown channel signal: use telegram | whatsapp"],
      [["channels", "logout", "telegram", "--channel", "whatsapp"], "two channels named: telegram and --channel whatsapp"],
      [["channels", "logout", "--channel", " "], "--channel must not be blank"],
      [["channels", "logout", "telegram", "--account", ""], "--account must not be blank"],
      [["channels", "status", "--channel", "irc"], "unknown channel irc: use telegram | whatsapp"],
    ] as const) {
      const result = await runCli([...args, "--url", UNREACHABLE_URL], { home: await home() });
      expect(result).toEqual({ code: 1, stdout: "", stderr: `error: ${message}\n` });
    }
  });
});

describe("channels login", () => {
  const INTRO = "Telegram has nothing to scan: the bot token from @BotFather is the login.";
  const login = (h: string, args: string[], env: Record<string, string> = {}) => runCli(["channels", "login", ...args], { home: h, env });

  test("telegram with a token in the config (or TELEGRAM_BOT_TOKEN): says so and exits 0", async () => {
    const h = await home();
    await writeConfig(h, { gateway: { mode: "local", auth: { token: GATEWAY_TOKEN } }, channels: { telegram: { botToken: FAKE_TELEGRAM_TOKEN } } });
    const result = await login(h, ["telegram"]);
    expect(result).toEqual({ code: 0, stdout: `${INTRO} Account default has one; the gateway links it when it starts. Check it with: openclaw channels status --probe\n`, stderr: "" });
    // The token never shows.
    expect(result.stdout).not.toContain(FAKE_TELEGRAM_TOKEN);
    const fromEnv = await login(await home(), ["--channel", "telegram"], { TELEGRAM_BOT_TOKEN: FAKE_TELEGRAM_TOKEN });
    expect(fromEnv.code).toBe(0);
  });

  test("telegram without a token: what to set, exit 1", async () => {
    const result = await login(await home(), ["telegram"]);
    expect(result).toEqual({
      code: 1,
      stdout: "",
      stderr: `error: ${INTRO} Telegram account default is not configured: set channels.telegram.botToken (or TELEGRAM_BOT_TOKEN), then restart the gateway (openclaw gateway)\n`,
    });
    const named = await login(await home(), ["telegram", "--account", "work"], { TELEGRAM_BOT_TOKEN: FAKE_TELEGRAM_TOKEN });
    expect(named.code).toBe(1);
    expect(named.stderr).toContain("Telegram account work is not configured: set channels.telegram.accounts.work.botToken");
  });

  test("telegram with a token that cannot be used: the reason, exit 1", async () => {
    const h = await home();
    const real = join(h, "token.txt");
    await writeFile(real, FAKE_TELEGRAM_TOKEN);
    await symlink(real, join(h, "token-link"));
    await writeConfig(h, { channels: { telegram: { tokenFile: join(h, "token-link") } } });
    const result = await login(h, ["telegram"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("Telegram account default cannot run: channels.telegram.tokenFile");
    expect(result.stderr).toContain("is a symlink");
  });

  test("whatsapp: links through the running gateway, so without one it says so (test/integration/whatsapp-login.test.ts links)", async () => {
    const result = await login(await home(), ["whatsapp", "--url", UNREACHABLE_URL]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`error: gateway not reachable at ${UNREACHABLE_URL}`);
    const noPhone = await login(await home(), ["whatsapp", "--pairing-code"]);
    expect(noPhone).toEqual({ code: 1, stdout: "", stderr: "error: --pairing-code needs --phone <number in E.164, e.g. +15551234567>\n" });
  });
});
