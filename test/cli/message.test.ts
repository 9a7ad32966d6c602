/**
 * `openclaw message send`: the real CLI against a gateway process whose Telegram account polls a
 * fake Bot API. What the user sees on success, with --json, on a refusal and with no linked
 * channel; a repeated idempotency key sends once; media; bad flags fail before connecting; a
 * gateway that is down fails fast and names the start command.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { startFakeOpenAI, type FakeOpenAI } from "../fakes/openai-compatible.ts";
import { startFakeTelegram, type FakeTelegram } from "../fakes/telegram-bot-api.ts";
import { makeTempHome } from "../helpers/gateway.ts";
import { runCli, UNREACHABLE_URL } from "../helpers/cli.ts";
import { channelGatewayConfig, startChannelGatewayProcess, untilPolling, type ChannelGatewayProcess } from "./channel-gateway-process.ts";

const homes: string[] = [];
async function home(): Promise<string> {
  homes.push(await makeTempHome());
  return homes.at(-1)!;
}

let tg: FakeTelegram;
let llm: FakeOpenAI;
let gw: ChannelGatewayProcess;

beforeAll(async () => {
  tg = startFakeTelegram();
  llm = startFakeOpenAI({ script: [] });
  gw = await startChannelGatewayProcess(await home(), channelGatewayConfig({ tg, llm, telegram: { dmPolicy: "allowlist", allowFrom: ["1001"] } }));
  await untilPolling(tg);
});

afterAll(async () => {
  await gw?.stop();
  await tg?.stop();
  await llm?.stop();
  await Promise.all(homes.map((dir) => rm(dir, { recursive: true, force: true })));
});

const sentWith = (text: string) => tg.sent.filter((m) => m.text === text || m.caption === text);

describe("message send", () => {
  test("sends through the gateway and prints the platform's message id", async () => {
    const result = await gw.cli("message", "send", "--target", "1001", "--message", "hello from the cli");
    const [sent] = sentWith("hello from the cli");
    expect(sent).toMatchObject({ method: "sendMessage", chat_id: "1001" });
    expect(result).toEqual({ code: 0, stdout: `Sent via telegram to 1001. Message ID: ${sent!.message_id}\n`, stderr: "" });
  });

  test("--json prints the send result, its runId the idempotency key", async () => {
    const result = await gw.cli("message", "send", "-t", "1001", "-m", "as json", "--channel", "telegram", "--account", "default", "--json", "--idempotency-key", "cli-json-1");
    expect(result.code).toBe(0);
    const [sent] = sentWith("as json");
    expect(JSON.parse(result.stdout)).toEqual({ runId: "cli-json-1", messageId: String(sent!.message_id), channel: "telegram", chatId: "1001" });
  });

  test("a repeated idempotency key is delivered once and answers with the first message id", async () => {
    const first = await gw.cli("message", "send", "-t", "1001", "-m", "only once", "--idempotency-key", "cli-repeat-1", "--json");
    const again = await gw.cli("message", "send", "-t", "1001", "-m", "only once", "--idempotency-key", "cli-repeat-1", "--json");
    expect(first.code).toBe(0);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toEqual(JSON.parse(first.stdout));
    expect(sentWith("only once")).toHaveLength(1);
  });

  test("--media: one file goes with the text as its caption", async () => {
    const file = join(gw.home, "picture.png");
    await writeFile(file, new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]));
    const before = tg.sent.length;
    // A relative path is the CLI's working directory's, not the gateway's.
    const result = await runCli(["message", "send", "-t", "1001", "-m", "a picture", "--media", "picture.png", "--url", gw.url], { home: gw.home, cwd: gw.home });
    expect(result.code).toBe(0);
    const sent = tg.sent.slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ method: "sendPhoto", caption: "a picture", file: { upload: true, size: 11 } });
    expect(result.stdout).toBe(`Sent via telegram to 1001. Message ID: ${sent[0]!.message_id}\n`);
  });

  test("--media repeated: the text, then each attachment in order, each once", async () => {
    const file = join(gw.home, "notes.txt");
    await writeFile(file, "some notes");
    const before = tg.sent.length;
    const result = await gw.cli("message", "send", "-t", "1001", "--message", "two files", "--media", file, "--media=https://example.com/b.pdf");
    expect(result.code).toBe(0);
    const sent = tg.sent.slice(before);
    expect(sent.map((m) => m.text ?? m.file)).toEqual(["two files", { upload: true, name: "notes.txt", size: 10, type: expect.any(String), bytes: expect.anything() }, { upload: false, ref: "https://example.com/b.pdf" }]);
    expect(result.stdout).toBe(`Sent via telegram to 1001. Message ID: ${sent[2]!.message_id}\n`);
  });

  test("a refusal by the platform exits 1 with the gateway's message; --json says ok:false with the code", async () => {
    tg.failNext("sendMessage", { error_code: 400, description: "Bad Request: chat not found" });
    const result = await gw.cli("message", "send", "-t", "424242", "-m", "to nowhere", "--json", "--idempotency-key", "cli-refused-1");
    expect(result.code).toBe(1);
    expect(result.stderr).toStartWith("error: send failed: ");
    expect(result.stderr).toContain("chat not found");
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: false, idempotencyKey: "cli-refused-1", error: { code: "UNAVAILABLE" } });
    expect(sentWith("to nowhere")).toHaveLength(0);
  });

  test("a transient platform failure is retried by the gateway; the CLI waits and prints the id", async () => {
    tg.failNext("sendMessage", { error_code: 502, description: "Bad Gateway" });
    const result = await gw.cli("message", "send", "-t", "1001", "-m", "after a retry");
    const sent = sentWith("after a retry");
    expect(sent).toHaveLength(1);
    expect(result).toEqual({ code: 0, stdout: `Sent via telegram to 1001. Message ID: ${sent[0]!.message_id}\n`, stderr: "" });
  });

  test("a channel with no account exits 1 and says so", async () => {
    const result = await gw.cli("message", "send", "-t", "+15550001", "-m", "hi", "--channel", "whatsapp");
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/^error: send failed: .*whatsapp/i);
  });

  test("--dry-run prints the request and sends nothing", async () => {
    const before = tg.sent.length;
    const result = await runCli(["message", "send", "-t", "1001", "-m", "dry", "--dry-run", "--idempotency-key", "k1", "--url", UNREACHABLE_URL], { home: gw.home });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ method: "send", params: { to: "1001", message: "dry", idempotencyKey: "k1" } });
    expect(tg.sent.length).toBe(before);
  });
});

describe("message send without a linked channel", () => {
  test("NOT_LINKED: exits 1 with the gateway's message", async () => {
    const h = await home();
    const bare = await startChannelGatewayProcess(h, channelGatewayConfig({ tg, llm, telegram: null }));
    try {
      const result = await bare.cli("message", "send", "-t", "1001", "-m", "hi", "--json");
      expect(result.code).toBe(1);
      expect(result.stderr).toBe("error: send failed: no channel is linked (see: openclaw channels status)\n");
      expect(JSON.parse(result.stdout)).toMatchObject({ ok: false, error: { code: "NOT_LINKED", message: "no channel is linked" } });
    } finally {
      await bare.stop();
    }
  });
});

describe("message send when the gateway dies under it", () => {
  test("exits 1 and names the key that makes a retry safe", async () => {
    // Its own Bot API: a second poller on the shared one would fight the main gateway for updates.
    const own = startFakeTelegram();
    const doomed = await startChannelGatewayProcess(await home(), channelGatewayConfig({ tg: own, llm }));
    try {
      await untilPolling(own);
      // Telegram asks for a 6 s pause: the gateway holds the request while the outbox waits.
      own.failNext("sendMessage", { error_code: 429, description: "Too Many Requests: retry after 6", retry_after: 6 });
      const calls = own.callCount("sendMessage");
      const running = doomed.cli("message", "send", "-t", "1001", "-m", "cut off", "--idempotency-key", "cli-cut-1");
      await own.waitFor("the refused attempt", () => (own.callCount("sendMessage") > calls ? true : undefined));
      doomed.proc.kill("SIGKILL");
      const result = await running;
      expect(result.code).toBe(1);
      expect(result.stdout).toBe("");
      expect(result.stderr).toMatch(/^error: gateway closed the connection \(.*\); the message may still be delivered: to retry without sending it twice, repeat with --idempotency-key cli-cut-1\n$/);
    } finally {
      await doomed.stop();
      await own.stop();
    }
  });
});

describe("message send fails before sending anything", () => {
  test("with no gateway running: at once, naming the start command for the profile", async () => {
    const started = performance.now();
    const result = await runCli(["--dev", "message", "send", "-t", "1001", "-m", "hi", "--url", UNREACHABLE_URL], { home: await home() });
    expect(result).toEqual({ code: 1, stdout: "", stderr: `error: gateway not reachable at ${UNREACHABLE_URL} (is it running? start it with: openclaw --dev gateway)\n` });
    // No waiting for a gateway to appear: a helper never starts one and never retries.
    expect(performance.now() - started).toBeLessThan(5000);
  });

  for (const [args, message] of [
    [["-m", "hi"], 'missing --target: use openclaw message send --target <dest> --message "…"'],
    [["-t", " ", "-m", "hi"], "--target must not be blank"],
    [["-t", "1001"], "nothing to send: use --message <text> and/or --media <path|url>"],
    [["-t", "1001", "-m", "   "], "nothing to send: use --message <text> and/or --media <path|url>"],
    [["-t", "1001", "--media", "missing.png"], "media file not found: missing.png"],
    [["-t", "1001", "--media", "ftp://host/x.png"], "unsupported --media ftp://host/x.png: use a local path or an http(s) URL"],
    [["-t", "1001", "-m", "hi", "--channel", ""], "--channel must not be blank"],
    [["-t", "1001", "-m", "hi", "--account", " "], "--account must not be blank"],
  ] as const) {
    test(`${args.join(" ")} → ${message}`, async () => {
      // The URL is unreachable: reaching it would give a different error.
      const result = await runCli(["message", "send", ...args, "--url", UNREACHABLE_URL], { home: await home() });
      expect(result).toEqual({ code: 1, stdout: "", stderr: `error: ${message}\n` });
    });
  }

  test("message --help lists send as built", async () => {
    const result = await runCli(["message", "--help"], { home: await home() });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/\n\s*send\s+Send a message/);
    expect(result.stdout).not.toContain("not available");
  });
});
