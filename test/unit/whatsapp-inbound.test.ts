/**
 * Inbound WhatsApp messages, with real-shaped Baileys payloads: notify and append both reach
 * the gateway, LID senders come out as E.164, the group mention gate compares normalised
 * identities (user-needs B7), read receipts follow the setting and never go to the self-chat,
 * and media lands in the workspace within the size limit.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { readFile } from "node:fs/promises";
import { normalizeInbound, type InboundContext } from "../../src/channels/whatsapp/inbound.ts";
import { Identities, selfOf } from "../../src/channels/whatsapp/identities.ts";
import { MemoryLidMap, MemorySentMessages } from "../../src/channels/whatsapp/stores.ts";
import { fakeMessage, SELF_LID, SELF_PN, SELF_USER } from "../fakes/whatsapp-socket.ts";
import { makeRig, type Rig } from "./whatsapp-rig.ts";

const GROUP = "120363012345678901@g.us";
const ALICE_PN = "15552220000@s.whatsapp.net";
const ALICE_LID = "31000000000002@lid";

function context(): InboundContext & { sent: MemorySentMessages } {
  return { accountId: "default", self: selfOf(SELF_USER), identities: new Identities(new MemoryLidMap()), sent: new MemorySentMessages(), selfChatMode: false };
}

function accepted(decision: ReturnType<typeof normalizeInbound>) {
  if ("skip" in decision) throw new Error(`skipped: ${decision.skip}`);
  return decision;
}

describe("normalizeInbound", () => {
  test("a DM from a phone JID with a device suffix: keyed by E.164, text, name, time", () => {
    const d = accepted(normalizeInbound(fakeMessage({ chat: "15552220000:4@s.whatsapp.net", text: "hello", pushName: "Alice", ts: 1_767_225_600_000 }), context()));
    expect(d.message).toMatchObject({
      channel: "whatsapp",
      chat: { id: ALICE_PN, kind: "direct" },
      sender: { id: "+15552220000", name: "Alice" },
      text: "hello",
      mentioned: false,
      ts: 1_767_225_600_000,
    });
    expect(d.readKey).toMatchObject({ remoteJid: "15552220000:4@s.whatsapp.net", fromMe: false });
  });

  test("a DM from a LID with remoteJidAlt: the phone number wins, and the mapping is learnt", () => {
    const ctx = context();
    const d = accepted(normalizeInbound(fakeMessage({ chat: `${ALICE_LID}`, alt: ALICE_PN, text: "hi" }), ctx));
    expect(d.message.sender.id).toBe("+15552220000");
    expect(d.message.chat.id).toBe(ALICE_PN);
    // Later messages from the bare LID resolve through the map.
    const later = accepted(normalizeInbound(fakeMessage({ chat: "31000000000002:5@lid", text: "again" }), ctx));
    expect(later.message.sender.id).toBe("+15552220000");
  });

  test("a LID nobody mapped stays a LID (it cannot match an E.164 allowlist: fail closed)", () => {
    const d = accepted(normalizeInbound(fakeMessage({ chat: "42424242@lid", text: "who am i" }), context()));
    expect(d.message.sender.id).toBe("42424242@lid");
  });

  const skips: [string, Parameters<typeof fakeMessage>[0], RegExp][] = [
    ["status updates", { chat: "status@broadcast", participant: ALICE_PN, text: "my story" }, /broadcast/],
    ["channels", { chat: "12036399@newsletter", text: "news" }, /broadcast/],
    ["what the owner types to others on the phone", { chat: ALICE_PN, fromMe: true, text: "see you" }, /owner/],
    ["empty text", { chat: ALICE_PN, text: "  " }, /nothing/],
  ];
  for (const [name, init, reason] of skips) {
    test(`skips ${name}`, () => {
      const d = normalizeInbound(fakeMessage(init), context());
      expect("skip" in d && d.skip).toMatch(reason);
    });
  }

  test("skips system stubs and reactions", () => {
    const stub = { key: { remoteJid: ALICE_PN, id: "S1", fromMe: false }, messageStubType: 20 };
    expect(normalizeInbound(stub, context())).toEqual({ skip: "system message" });
    const reaction = { key: { remoteJid: ALICE_PN, id: "R1", fromMe: false }, message: { reactionMessage: { text: "👍" } } };
    expect(normalizeInbound(reaction, context())).toEqual({ skip: "protocol message" });
  });

  test("our own sends echoed back are skipped, in the self-chat too", () => {
    const ctx = { ...context(), selfChatMode: true };
    ctx.sent.remember({ chatJid: `${SELF_PN}@s.whatsapp.net`, id: "OURS1", message: { conversation: "reply" }, sentAt: 0 });
    expect(normalizeInbound(fakeMessage({ chat: `${SELF_PN}@s.whatsapp.net`, id: "OURS1", fromMe: true, text: "reply" }), ctx)).toEqual({ skip: "our own message" });
  });

  test("selfChatMode: the owner's own chat reaches the agent, and never gets a read receipt", () => {
    const ctx = { ...context(), selfChatMode: true };
    const d = accepted(normalizeInbound(fakeMessage({ chat: `${SELF_PN}:3@s.whatsapp.net`, fromMe: true, text: "note to self" }), ctx));
    expect(d.message.sender).toEqual({ id: `+${SELF_PN}`, isOwner: true });
    expect(d.readKey).toBeNull();
    // Without the mode it is the owner's business.
    expect(normalizeInbound(fakeMessage({ chat: `${SELF_PN}@s.whatsapp.net`, fromMe: true, text: "note" }), context())).toEqual({ skip: "written by the owner" });
  });

  test("a reply carries the quoted text and whether it quoted us", () => {
    const d = accepted(normalizeInbound(fakeMessage({ chat: ALICE_PN, text: "yes", quotedId: "Q1", quotedParticipant: `${SELF_PN}@s.whatsapp.net`, quotedText: "shall we?" }), context()));
    expect(d.message.replyTo).toEqual({ messageId: "Q1", fromSelf: true, text: "shall we?" });
  });

  test("media: kind, mime, caption as text, declared size", () => {
    const d = accepted(normalizeInbound(fakeMessage({ chat: ALICE_PN, image: { caption: "look", fileLength: 1234 } }), context()));
    expect(d.message.text).toBe("look");
    expect(d.media).toEqual({ media: { kind: "image", mimeType: "image/jpeg", caption: "look" }, declaredBytes: 1234 });
    const voice = accepted(normalizeInbound(fakeMessage({ chat: ALICE_PN, audio: { ptt: true } }), context()));
    expect(voice.media?.media.kind).toBe("voice");
  });

  test("wrapped messages (disappearing, view once) are unwrapped", () => {
    const msg = { key: { remoteJid: ALICE_PN, id: "E1", fromMe: false }, message: { ephemeralMessage: { message: { viewOnceMessageV2: { message: { conversation: "secret" } } } } } };
    expect(accepted(normalizeInbound(msg, context())).message.text).toBe("secret");
  });
});

describe("group mention gate (normalised identities)", () => {
  const gate: [string, Partial<Parameters<typeof fakeMessage>[0]>, boolean][] = [
    ["mentionedJid has our phone JID with a device suffix", { mentions: [`${SELF_PN}:7@s.whatsapp.net`], text: `@${SELF_PN} hi` }, true],
    ["mentionedJid has our LID", { mentions: [`${SELF_LID}@lid`], text: `@${SELF_LID} hi` }, true],
    ["mentionedJid has someone else", { mentions: [ALICE_LID], text: "@31000000000002 hi" }, false],
    ["a reply to our message (quoted participant is our LID)", { quotedId: "Q9", quotedParticipant: `${SELF_LID}:7@lid`, text: "ok" }, true],
    ["a reply to someone else", { quotedId: "Q8", quotedParticipant: ALICE_PN, text: "ok" }, false],
    ["no mentionedJid at all, but @<our number> in the text", { text: `hey @${SELF_PN} what's up` }, true],
    ["a number that merely starts like ours", { text: `call @${SELF_PN}9 please` }, false],
    ["nothing", { text: "just chatting" }, false],
  ];
  for (const [name, init, mentioned] of gate) {
    test(name, () => {
      const d = accepted(normalizeInbound(fakeMessage({ chat: GROUP, participant: ALICE_LID, alt: ALICE_PN, ...init }), context()));
      expect(d.message.chat).toEqual({ id: GROUP, kind: "group" });
      expect(d.message.sender.id).toBe("+15552220000");
      expect(d.message.mentioned).toBe(mentioned);
    });
  }

  test("a reply to a message we sent counts even without the quoted participant", () => {
    const ctx = context();
    ctx.sent.remember({ chatJid: GROUP, id: "SENT7", message: { conversation: "answer" }, sentAt: 0 });
    const d = accepted(normalizeInbound(fakeMessage({ chat: GROUP, participant: ALICE_LID, quotedId: "SENT7", text: "thanks" }), ctx));
    expect(d.message.mentioned).toBe(true);
  });

  test("@<lid> tokens of people we can name are rewritten to their number for the model", () => {
    const ctx = context();
    ctx.identities.learn(ALICE_LID, ALICE_PN);
    const d = accepted(normalizeInbound(fakeMessage({ chat: GROUP, participant: `${SELF_LID}@lid`, alt: `${SELF_PN}@s.whatsapp.net`, mentions: [ALICE_LID], text: "ask @31000000000002" }), { ...ctx, self: { pn: null, lid: null } }));
    expect(d.message.text).toBe("ask @+15552220000");
  });
});

describe("the adapter's inbound path", () => {
  let rig: Rig;
  afterEach(async () => {
    await rig?.dispose();
  });

  async function running(options: Parameters<typeof makeRig>[0] = {}) {
    rig = await makeRig(options);
    void rig.start();
    await rig.wa.waitForSockets(1);
    await rig.changed.waitFor("connected", () => (rig.status().connected ? true : undefined));
    return rig.wa.current!;
  }

  test("notify and append both reach the gateway; a message in both is handed over once", async () => {
    const socket = await running();
    const live = fakeMessage({ chat: ALICE_PN, text: "live" });
    const offline = fakeMessage({ chat: ALICE_PN, text: "while you were away" });
    socket.upsert("append", offline);
    socket.upsert("notify", live, offline);
    await rig.waitForReceived(2);
    await rig.clock.advance(0);
    expect(rig.received.map((m) => m.text)).toEqual(["while you were away", "live"]);
  });

  test("read receipts after the message is stored, for both batches; none when sendReadReceipts is false", async () => {
    const socket = await running();
    const message = fakeMessage({ chat: GROUP, participant: ALICE_LID, text: "hi all" });
    socket.upsert("notify", message);
    await rig.wa.changed.waitFor("a receipt", () => (socket.reads.length > 0 ? true : undefined));
    expect(socket.reads).toEqual([[{ remoteJid: GROUP, id: message.key.id, fromMe: false, participant: ALICE_LID }]]);
    await rig.dispose();

    const quiet = await running({ settings: { sendReadReceipts: false } });
    quiet.upsert("notify", fakeMessage({ chat: ALICE_PN, text: "hi" }));
    await rig.waitForReceived(1);
    await rig.clock.advance(0);
    expect(quiet.reads).toEqual([]);
  });

  test("LID senders are resolved through Baileys' store and lid-mapping.update, and the map persists", async () => {
    const socket = await running();
    rig.wa.lidToPn.set("55500000000005@lid", "15550005555@s.whatsapp.net");
    socket.upsert("notify", fakeMessage({ chat: "55500000000005:2@lid", text: "from a lid" }));
    socket.lidMapping("66600000000006@lid", "15550006666@s.whatsapp.net");
    socket.upsert("notify", fakeMessage({ chat: "66600000000006@lid", text: "from another" }));
    await rig.waitForReceived(2);
    expect(rig.received.map((m) => m.sender.id)).toEqual(["+15550005555", "+15550006666"]);
    expect(rig.lidMap.pnForLid("55500000000005@lid")).toBe("15550005555@s.whatsapp.net");
  });

  test("media is downloaded into <workspace>/inbox/whatsapp with a local path; too large is left out", async () => {
    const socket = await running({ settings: { mediaMaxMb: 0.1 } });
    const small = fakeMessage({ chat: ALICE_PN, image: { caption: "cat" } });
    const big = fakeMessage({ chat: ALICE_PN, document: { fileName: "huge.pdf", mimetype: "application/pdf" } });
    const claimedBig = fakeMessage({ chat: ALICE_PN, document: { fileName: "claimed.pdf", fileLength: 10_000_000 } });
    rig.wa.media.set(small.key.id!, new Uint8Array([0xff, 0xd8, 0xff, 1, 2, 3]));
    rig.wa.media.set(big.key.id!, new Uint8Array(200 * 1024));
    socket.upsert("notify", small, big, claimedBig);
    await rig.waitForReceived(3);
    const [first, second, third] = rig.received;
    expect(first!.media[0]!.path).toStartWith(rig.mediaDir);
    expect(first!.media[0]!.path).toEndWith(".jpg");
    expect([...(await readFile(first!.media[0]!.path!))]).toEqual([0xff, 0xd8, 0xff, 1, 2, 3]);
    expect(second!.media[0]).toEqual({ kind: "document", mimeType: "application/pdf", fileName: "huge.pdf" });
    expect(third!.media[0]!.path).toBeUndefined();
  });

  test("stopping during a stalled download ends the run anyway: the message goes in without its file, none is lost", async () => {
    const socket = await running();
    const stuck = fakeMessage({ chat: ALICE_PN, image: { caption: "stuck" } });
    const next = fakeMessage({ chat: ALICE_PN, text: "after it" });
    rig.wa.stalledMedia.add(stuck.key.id!);
    socket.upsert("notify", stuck, next);
    await rig.clock.advance(0);
    rig.stop();
    expect(await rig.start()).toEqual({ ok: true });
    expect(rig.received.map((m) => [m.text, m.media[0]?.path])).toEqual([
      ["stuck", undefined],
      ["after it", undefined],
    ]);
    expect(rig.clock.pending).toBe(0);
    const { readdir } = await import("node:fs/promises");
    expect(await readdir(rig.mediaDir).catch(() => [])).toEqual([]);
  });
});
