/**
 * Outbound WhatsApp messages on the fake socket: each kind's Baileys content (no thumbnail
 * generation), sent messages stored for `getMessage`, errors as ChannelSendError kinds, and
 * no duplicated parts when the outbox retries a message that failed half-way.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ChannelSendError, type ChannelSendErrorKind, type OutboundMessage } from "../../src/channels/types.ts";
import { boom } from "../fakes/whatsapp-socket.ts";
import { makeRig, type Rig } from "./whatsapp-rig.ts";

let rig: Rig;
let files: string;

afterEach(async () => {
  await rig?.dispose();
  if (files) await rm(files, { recursive: true, force: true });
});

async function running(options: Parameters<typeof makeRig>[0] = {}) {
  rig = await makeRig(options);
  files = await mkdtemp(join(tmpdir(), "openclaw-wa-out-"));
  void rig.start();
  await rig.wa.waitForSockets(1);
  await rig.changed.waitFor("connected", () => (rig.status().connected ? true : undefined));
  return rig.wa.current!;
}

/** Sends while moving the fake clock on until it settles, so pacing gaps pass (files are checked on the real disk meanwhile). */
async function send(message: OutboundMessage) {
  let outcome: { value: Awaited<ReturnType<typeof rig.adapter.send>> } | { error: unknown } | null = null;
  void rig.adapter.send(message).then(
    (value) => (outcome = { value }),
    (error: unknown) => (outcome = { error }),
  );
  for (let i = 0; i < 1000 && outcome === null; i++) await rig.clock.advance(250);
  if (outcome === null) throw new Error("the send never settled");
  const settled = outcome as { value: Awaited<ReturnType<typeof rig.adapter.send>> } | { error: unknown };
  if ("error" in settled) throw settled.error;
  return settled.value;
}

async function file(name: string, bytes = 16): Promise<string> {
  const path = join(files, name);
  await writeFile(path, new Uint8Array(bytes));
  return path;
}

describe("kinds", () => {
  test("text to an E.164 number: its phone JID, the id back, the message stored for getMessage", async () => {
    const socket = await running();
    const result = await send({ to: "+1 555 222 0000", text: "hello" });
    expect(socket.sent.map((s) => [s.jid, s.content])).toEqual([["15552220000@s.whatsapp.net", { text: "hello" }]]);
    expect(result).toEqual({ messageId: socket.sent[0]!.id, chatId: "15552220000@s.whatsapp.net" });
    // Baileys asks through getMessage when the recipient's phone could not decrypt it.
    const stored = await socket.options.getMessage!({ remoteJid: "15552220000:3@s.whatsapp.net", id: result.messageId });
    expect(stored).toEqual({ conversation: "hello" });
  });

  test("image with the text as caption and an empty thumbnail (no sharp/jimp)", async () => {
    const socket = await running();
    const path = await file("cat.jpg");
    await send({ to: "15552220000@s.whatsapp.net", text: "a cat", media: [{ source: path }] });
    expect(socket.sent.map((s) => s.content)).toEqual([{ image: { url: path }, caption: "a cat", mimetype: "image/jpeg", jpegThumbnail: "" }]);
  });

  test("document, video and a voice note (Ogg/Opus as PTT); audio takes no caption so the text goes first", async () => {
    const socket = await running();
    const pdf = await file("report.pdf");
    const clip = await file("clip.mp4");
    const voice = await file("note.ogg");
    await send({ to: "120363012345678901@g.us", media: [{ source: pdf, kind: "document", caption: "Q3" }] });
    await send({ to: "120363012345678901@g.us", media: [{ source: clip }] });
    await send({ to: "120363012345678901@g.us", text: "listen", media: [{ source: voice }] });
    expect(socket.sent.map((s) => s.content)).toEqual([
      { document: { url: pdf }, mimetype: "application/pdf", fileName: "report.pdf", caption: "Q3" },
      { video: { url: clip }, mimetype: "video/mp4", jpegThumbnail: "" },
      { text: "listen" },
      { audio: { url: voice }, mimetype: "audio/ogg; codecs=opus", ptt: true },
    ]);
  });

  test("an unknown file type goes as a document; an http URL is passed through", async () => {
    const socket = await running();
    const blob = await file("data.bin");
    await send({ to: "+15552220000", media: [{ source: blob }, { source: "https://example.com/pic.png" }] });
    expect(socket.sent.map((s) => s.content)).toEqual([
      { document: { url: blob }, mimetype: "application/octet-stream", fileName: "data.bin" },
      { image: { url: "https://example.com/pic.png" }, mimetype: "image/png", jpegThumbnail: "" },
    ]);
  });

  test("typing shows composing in the chat", async () => {
    const socket = await running();
    await rig.adapter.typing("+15552220000");
    expect(socket.presence).toEqual([{ type: "composing", jid: "15552220000@s.whatsapp.net" }]);
  });
});

describe("errors", () => {
  async function failure(message: OutboundMessage): Promise<ChannelSendError> {
    try {
      await send(message);
    } catch (error) {
      expect(error).toBeInstanceOf(ChannelSendError);
      return error as ChannelSendError;
    }
    throw new Error("the send succeeded");
  }

  test("refused before anything is sent: bad `to`, a relative path, a missing file, nothing to send", async () => {
    const socket = await running();
    expect((await failure({ to: "status@broadcast", text: "x" })).kind).toBe("refused");
    expect((await failure({ to: "+15552220000", media: [{ source: "relative/cat.jpg" }] })).kind).toBe("refused");
    expect((await failure({ to: "+15552220000", media: [{ source: join(files, "missing.jpg") }] })).message).toMatch(/not a readable file/);
    expect((await failure({ to: "+15552220000", text: "  " })).kind).toBe("refused");
    expect(socket.sent).toEqual([]);
  });

  test("a closed socket or a timeout is transient, a 4xx refused, 401 not linked", async () => {
    const socket = await running();
    const cases: [Error, ChannelSendErrorKind][] = [
      [boom(428, "Connection Closed"), "transient"],
      [boom(408, "Timed Out"), "transient"],
      [boom(500, "Internal"), "transient"],
      [boom(400, "bad-request"), "refused"],
      [boom(401, "not-authorized"), "not_linked"],
      [new Error("socket hang up"), "transient"],
    ];
    for (const [error, kind] of cases) {
      socket.failNextSend = error;
      expect((await failure({ to: "+15552220000", text: "x" })).kind).toBe(kind);
    }
  });

  test("not connected: the send waits for the connection, then fails as transient", async () => {
    rig = await makeRig({ autoOpen: false, adapter: { sendConnectWaitMs: 5000 } });
    files = await mkdtemp(join(tmpdir(), "openclaw-wa-out-"));
    void rig.start();
    await rig.wa.waitForSockets(1);
    const error = await failure({ to: "+15552220000", text: "x" });
    expect(error.kind).toBe("transient");
    expect(error.message).toMatch(/not connected/);
    // A send that starts waiting goes out once the socket opens.
    const pending = rig.adapter.send({ to: "+15552220000", text: "later" });
    rig.wa.current!.open();
    expect((await pending).chatId).toBe("15552220000@s.whatsapp.net");
  });

  test("a retry after a failure half-way does not send the first part again", async () => {
    const socket = await running();
    const voice = await file("note.ogg");
    const message = { to: "+15552220000", text: "listen to this", media: [{ source: voice }] };
    const original = socket.sendMessage.bind(socket);
    let calls = 0;
    socket.sendMessage = async (jid, content, options) => {
      calls += 1;
      if (calls === 2) throw boom(408, "Timed Out");
      return original(jid, content, options);
    };
    expect((await failure(message)).kind).toBe("transient");
    await send(message);
    expect(socket.sent.map((s) => Object.keys(s.content)[0])).toEqual(["text", "audio"]);
  });
});

describe("message ids", () => {
  test("an outbox item's parts get ids from its key: the same on every attempt, one per part, shaped like Baileys' own", async () => {
    const socket = await running();
    const image = await file("a.png");
    const message: OutboundMessage = { to: "15552220000@s.whatsapp.net", text: "x".repeat(1100), media: [{ source: image }], dedupeKey: "send:key-1" };
    await send(message);
    await send(message);
    const ids = socket.sent.map((s) => s.id);
    expect(ids).toHaveLength(4);
    expect(ids.slice(2)).toEqual(ids.slice(0, 2));
    expect(ids[0]).not.toBe(ids[1]);
    for (const id of ids) expect(id).toMatch(/^3EB0[0-9A-F]{36}$/);
    await send({ ...message, dedupeKey: "send:key-2" });
    expect(socket.sent.at(-1)!.id).not.toBe(ids[1]);
  });

  test("without a key (a direct adapter call) WhatsApp's socket picks the id", async () => {
    const socket = await running();
    await send({ to: "15552220000@s.whatsapp.net", text: "hello" });
    expect(socket.sent[0]!.options?.messageId).toBeUndefined();
  });
});
