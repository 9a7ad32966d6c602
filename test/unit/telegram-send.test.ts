/**
 * The adapter's sending side against the fake Bot API: HTML rendering with the plain-text
 * retry, reply and topic fields, media uploads and URLs, and what each failure means for the
 * outbox (transient with retry_after, refused with Telegram's words, not_linked).
 */
import { afterAll, afterEach, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTelegramAdapter, type TelegramAdapter } from "../../src/channels/telegram/adapter.ts";
import { ChannelSendError } from "../../src/channels/types.ts";
import { startFakeTelegram, type FakeTelegram } from "../fakes/telegram-bot-api.ts";

let tg: FakeTelegram;
let bot: TelegramAdapter;
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "telegram-send-"));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

afterEach(async () => {
  await tg.stop();
});

async function start(): Promise<void> {
  tg = startFakeTelegram();
  bot = await createTelegramAdapter({ accountId: "default", token: tg.token, apiRoot: tg.apiRoot });
}

async function sendError(promise: Promise<unknown>): Promise<ChannelSendError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ChannelSendError);
  expect((error as Error).message).not.toContain(tg.token);
  return error as ChannelSendError;
}

test("text goes as our HTML with the reply and topic fields", async () => {
  await start();
  const result = await bot.send({ to: "-1001234", text: "**Done** <ok> & `x<y`", replyToMessageId: "42", threadId: "7" });
  expect(tg.sent).toHaveLength(1);
  expect(tg.sent[0]).toMatchObject({
    method: "sendMessage",
    chat_id: "-1001234",
    text: "<b>Done</b> &lt;ok&gt; &amp; <code>x&lt;y</code>",
    parse_mode: "HTML",
    reply_parameters: { message_id: 42, allow_sending_without_reply: true },
    message_thread_id: 7,
  });
  expect(result).toEqual({ messageId: String(tg.sent[0]!.message_id), chatId: "-1001234" });
});

test("the General topic (1) gets no message_thread_id; typing keeps it", async () => {
  await start();
  await bot.send({ to: "-100555", text: "hi", threadId: "1" });
  expect(tg.sent[0]!.message_thread_id).toBeUndefined();
  await bot.typing("-100555", "1");
  expect(tg.bot.chatActions).toEqual([{ chat_id: "-100555", action: "typing", message_thread_id: 1 }]);
});

test("can't parse entities: the same text goes again as plain text", async () => {
  await start();
  tg.failNext("sendMessage", { error_code: 400, description: "Bad Request: can't parse entities: Can't find end of the entity starting at byte offset 3" });
  const text = "a *b* <c>";
  await bot.send({ to: "5", text });
  const calls = tg.calls.filter((c) => c.method === "sendMessage");
  expect(calls).toHaveLength(2);
  expect(calls[0]!.params.parse_mode).toBe("HTML");
  expect(calls[1]!.params.parse_mode).toBeUndefined();
  expect(tg.sent).toHaveLength(1);
  expect(tg.sent[0]!.text).toBe(text);
});

test("429 with a long retry_after is transient with retryAfterMs; a short one is waited out inside", async () => {
  await start();
  tg.failNext("sendMessage", { error_code: 429, description: "Too Many Requests: retry after 30", retry_after: 30 });
  const error = await sendError(bot.send({ to: "5", text: "x" }));
  expect(error.kind).toBe("transient");
  expect(error.retryAfterMs).toBe(30_000);
  expect(tg.sent).toHaveLength(0);

  tg.failNext("sendMessage", { error_code: 429, description: "Too Many Requests: retry after 1", retry_after: 1 });
  await bot.send({ to: "5", text: "y" });
  expect(tg.sent.map((m) => m.text)).toEqual(["y"]);
});

test("5xx and network failures are transient; 403 and 400 are refused with Telegram's words; 401 is not_linked", async () => {
  await start();
  tg.failNext("sendMessage", { error_code: 500, description: "Internal Server Error" });
  expect((await sendError(bot.send({ to: "5", text: "x" }))).kind).toBe("transient");

  tg.failNext("sendMessage", { error_code: 403, description: "Forbidden: bot was blocked by the user" });
  const blocked = await sendError(bot.send({ to: "5", text: "x" }));
  expect(blocked.kind).toBe("refused");
  expect(blocked.message).toBe("Forbidden: bot was blocked by the user");

  tg.failNext("sendMessage", { error_code: 400, description: "Bad Request: chat not found" });
  expect(await sendError(bot.send({ to: "5", text: "x" }))).toMatchObject({ kind: "refused", message: "Bad Request: chat not found" });

  tg.bot.revoked = true;
  expect((await sendError(bot.send({ to: "5", text: "x" }))).kind).toBe("not_linked");

  const closed = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response() });
  const dead = await createTelegramAdapter({ accountId: "default", token: tg.token, apiRoot: `http://127.0.0.1:${closed.port}` });
  await closed.stop(true);
  const network = await sendError(dead.send({ to: "5", text: "x" }));
  expect(network.kind).toBe("transient");
  expect(network.message).toContain("could not reach Telegram");
});

test("over 4096 characters and empty messages are refused without a call", async () => {
  await start();
  expect(await sendError(bot.send({ to: "5", text: "x".repeat(4097) }))).toMatchObject({ kind: "refused" });
  expect(await sendError(bot.send({ to: "5", text: "  " }))).toMatchObject({ kind: "refused" });
  expect(tg.calls).toHaveLength(0);
  // Exactly 4096 of visible text is fine, even when markup grows the HTML.
  await bot.send({ to: "5", text: "&".repeat(4096) });
  expect(tg.sent[0]!.text).toBe("&amp;".repeat(4096));
});

test("a group upgraded to a supergroup: sent again to the new chat id", async () => {
  await start();
  tg.failNext("sendMessage", { error_code: 400, description: "Bad Request: group chat was upgraded to a supergroup chat", migrate_to_chat_id: -1009876 });
  const result = await bot.send({ to: "-42", text: "hello" });
  expect(tg.sent[0]!.chat_id).toBe("-1009876");
  expect(result.chatId).toBe("-1009876");
});

test("media: a local image uploads with the text as its caption; a URL document goes by reference", async () => {
  await start();
  const image = join(dir, "chart.png");
  writeFileSync(image, new Uint8Array([137, 80, 78, 71, 1, 2, 3]));
  await bot.send({ to: "5", text: "the **chart**", media: [{ source: image }], replyToMessageId: "9" });
  expect(tg.sent).toHaveLength(1);
  expect(tg.sent[0]).toMatchObject({ method: "sendPhoto", caption: "the <b>chart</b>", parse_mode: "HTML", reply_parameters: { message_id: 9 } });
  expect(tg.sent[0]!.file).toMatchObject({ upload: true, name: "chart.png", size: 7 });

  await bot.send({ to: "5", text: "two files follow", media: [{ source: "https://example.com/report.pdf" }, { source: image, kind: "document", caption: "raw" }] });
  expect(tg.sent.slice(1).map((m) => [m.method, m.text ?? m.caption])).toEqual([
    ["sendMessage", "two files follow"],
    ["sendDocument", undefined],
    ["sendDocument", "raw"],
  ]);
  expect(tg.sent[2]!.file).toEqual({ upload: false, ref: "https://example.com/report.pdf" });
});

test("a missing attachment refuses the whole message before anything is sent", async () => {
  await start();
  const error = await sendError(bot.send({ to: "5", text: "see file", media: [{ source: join(dir, "nope.pdf") }] }));
  expect(error.kind).toBe("refused");
  expect(error.message).toContain("nope.pdf");
  expect(tg.calls).toHaveLength(0);
});

test("textLimit follows the option, default 4000, never above 4096", async () => {
  await start();
  expect(bot.textLimit).toBe(4000);
  expect((await createTelegramAdapter({ accountId: "x", token: tg.token, apiRoot: tg.apiRoot, textLimit: 9000 })).textLimit).toBe(4096);
});

test("scrubbing: the token, /bot<token> URL segments and token-shaped strings are masked", async () => {
  const { scrubToken, describeError } = await import("../../src/channels/telegram/scrub.ts");
  const token = "123456789:AAFakeTokenForTests_abcdefghijklmnopq";
  expect(scrubToken(`GET https://api.telegram.org/bot${token}/getMe failed`)).toBe("GET https://api.telegram.org/bot***/getMe failed");
  expect(scrubToken(`token ${token} leaked`)).toBe("token *** leaked");
  expect(scrubToken("weird secret xyz", "weird secret")).toBe("*** xyz");
  const wrapped = Object.assign(new Error("Network request for 'getMe' failed!"), { name: "HttpError", error: new Error(`connect to /bot${token}/getMe refused`) });
  expect(describeError(wrapped, token)).toBe("Network request for 'getMe' failed!: connect to /bot***/getMe refused");
});
