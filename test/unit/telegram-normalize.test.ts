/**
 * Updates as `InboundMessage`s: chat kinds and titles, forum topics, media by file_id, replies,
 * and when the bot counts as mentioned. Updates come from the fake's own builders, so they have
 * the shape the Bot API sends.
 */
import { afterAll, expect, test } from "bun:test";
import { mentionsBot, normalizeUpdate } from "../../src/channels/telegram/normalize.ts";
import { startFakeTelegram } from "../fakes/telegram-bot-api.ts";

const tg = startFakeTelegram();
afterAll(() => tg.stop());
const bot = { id: tg.bot.info.id, username: tg.bot.info.username };
const normalize = (update: ReturnType<typeof tg.pushMessage>) => normalizeUpdate(update, { channel: "telegram", accountId: "default", bot });

test("a direct text message", () => {
  const update = tg.pushMessage({ text: "hi", from: { id: 77, first_name: "Grace", last_name: "Hopper", username: "grace" }, date: 1_700_000_000 });
  expect(normalize(update)).toEqual({
    channel: "telegram",
    accountId: "default",
    messageId: String(update.message!.message_id),
    chat: { id: "77", kind: "direct" },
    sender: { id: "77", name: "Grace Hopper", username: "grace" },
    text: "hi",
    media: [],
    mentioned: false,
    ts: 1_700_000_000_000,
  });
});

test("a supergroup topic message mentioning the bot", () => {
  const message = normalize(tg.pushMessage({ chatId: -1001, title: "Team", threadId: 7, text: "@Fake_Test_Bot status?" }))!;
  expect(message.chat).toEqual({ id: "-1001", kind: "group", title: "Team", threadId: "7" });
  expect(message.mentioned).toBe(true);
  expect(normalize(tg.pushMessage({ chatId: -1001, chatType: "group", text: "@someone_else hi" }))!.mentioned).toBe(false);
  expect(normalize(tg.pushMessage({ chatId: -1001, text: "/status@fake_test_bot" }))!.mentioned).toBe(true);
});

test("a reply to the bot is a mention; a reply to someone else is not", () => {
  const toBot = normalize(tg.pushMessage({ chatId: -1001, text: "and then?", replyTo: { messageId: 5, text: "earlier answer", fromBot: true } }))!;
  expect(toBot.replyTo).toEqual({ messageId: "5", text: "earlier answer", fromSelf: true });
  expect(toBot.mentioned).toBe(true);
  const toUser = normalize(tg.pushMessage({ chatId: -1001, text: "yes", replyTo: { messageId: 6 } }))!;
  expect(toUser.replyTo).toEqual({ messageId: "6", fromSelf: false });
  expect(toUser.mentioned).toBe(false);
});

test("media become file ids: largest photo with its caption, document, voice, sticker", () => {
  const photo = normalize(tg.pushMessage({ photo: true, caption: "look" }))!;
  expect(photo.text).toBe("look");
  expect(photo.media).toEqual([{ kind: "image", fileId: (tg.pending.at(-1)!.message!.photo!.at(-1)!).file_id, mimeType: "image/jpeg", caption: "look" }]);
  expect(normalize(tg.pushMessage({ document: { fileName: "a.pdf", mimeType: "application/pdf" } }))!.media).toEqual([
    expect.objectContaining({ kind: "document", fileName: "a.pdf", mimeType: "application/pdf" }),
  ]);
  expect(normalize(tg.pushMessage({ voice: true }))!.media[0]!.kind).toBe("voice");
  expect(normalize(tg.pushMessage({ sticker: true }))!.media[0]!.kind).toBe("sticker");
});

test("service messages and non-message updates are not messages", () => {
  expect(normalize(tg.pushMessage({}))).toBeNull();
  expect(normalize(tg.pushUpdate({ callback_query: { id: "1", from: { id: 1, is_bot: false, first_name: "x" }, chat_instance: "c" } } as never))).toBeNull();
});

test("mention detection without entities respects word boundaries", () => {
  expect(mentionsBot("hey @fake_test_bot!", undefined, bot)).toBe(true);
  expect(mentionsBot("hey @fake_test_bot_two", undefined, bot)).toBe(false);
  expect(mentionsBot("mail me@fake_test_bot", undefined, bot)).toBe(false);
});
