/**
 * A real gateway with a WhatsApp account on the fake socket and a fake model: inbound notify
 * and append messages are answered through the channel pipeline (inbox → access → agent →
 * outbox → adapter), a redelivery after a reconnect is answered once, the group mention gate
 * works on LID senders, `send` goes out through the same adapter, status follows the socket,
 * and a logged-out account stops with what to do.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { initAuthCreds } from "@whiskeysockets/baileys";
import { systemClock } from "../../src/channels/whatsapp/clock.ts";
import { NOT_LINKED } from "../../src/channels/whatsapp/errors.ts";
import { createWhatsAppFactory } from "../../src/channels/whatsapp/factory.ts";
import { closeWhatsappStores, whatsappStore } from "../../src/channels/whatsapp/store-handle.ts";
import { WhatsAppAuthStore } from "../../src/store/whatsapp-auth.ts";
import { startFakeOpenAI, type FakeOpenAI } from "../fakes/openai-compatible.ts";
import { fakeMessage, FakeWhatsApp, SELF_LID, SELF_USER, type FakeWaSocket } from "../fakes/whatsapp-socket.ts";
import { eventually } from "../helpers/condition.ts";
import { makeTempHome, startTestGateway, type TestGateway } from "../helpers/gateway.ts";
import { connectClient } from "../helpers/ws-client.ts";
import { modelConfig } from "./channels-fixture.ts";

const GROUP = "120363012345678901@g.us";
const ALICE_PN = "15552220000@s.whatsapp.net";
const ALICE_LID = "31000000000002@lid";

let llm: FakeOpenAI | null = null;
let home: string | null = null;
afterEach(async () => {
  await llm?.stop();
  llm = null;
  closeWhatsappStores();
  if (home) await rm(home, { recursive: true, force: true });
  home = null;
});

/** A home whose store already holds linked creds for `default` (as `channels login` leaves it). */
async function linkedHome(): Promise<string> {
  const dir = await makeTempHome();
  const stateDir = join(dir, ".openclaw");
  await mkdir(stateDir, { recursive: true });
  const { BufferJSON } = await import("@whiskeysockets/baileys");
  const creds = { ...initAuthCreds(), me: { id: SELF_USER.id, lid: SELF_USER.lid, name: "Gateway" } };
  new WhatsAppAuthStore(whatsappStore(stateDir)).writeCreds("default", JSON.stringify(creds, BufferJSON.replacer), Date.now());
  return dir;
}

async function start(wa: FakeWhatsApp, whatsapp: Record<string, unknown>, options: { home?: string; expectErrors?: RegExp[] } = {}): Promise<TestGateway> {
  llm ??= startFakeOpenAI({ script: (_request, index) => ({ type: "text", text: `reply ${index + 1}` }) });
  home = options.home ?? (await linkedHome());
  return startTestGateway({
    home,
    config: { ...modelConfig(llm), channels: { whatsapp } },
    channels: {
      factories: [createWhatsAppFactory({ socketFactory: wa.factory, pacing: { accountGapMs: 1, chatGapMs: 1 }, sendConnectWaitMs: 2000 })],
      tuning: { reconnect: { initialMs: 20, maxMs: 50 } },
    },
    ...(options.expectErrors ? { expectErrors: options.expectErrors } : {}),
  });
}

const account = (gw: TestGateway) => gw.gateway.services.channels.accounts().find((a) => a.channel === "whatsapp" && a.accountId === "default");

async function untilConnected(gw: TestGateway): Promise<void> {
  await eventually("whatsapp to connect", () => (account(gw)?.connected ? true : undefined), 10_000);
}

const textsTo = (wa: FakeWhatsApp, jid: string) => wa.sent.filter((s) => s.jid === jid).map((s) => ("text" in s.content ? s.content.text : "?"));

describe("whatsapp through the gateway", () => {
  test("notify and append are answered; a redelivery after a reconnect is answered once", async () => {
    const wa = new FakeWhatsApp(systemClock);
    await using gw = await start(wa, { dmPolicy: "open", allowFrom: ["*"] });
    await untilConnected(gw);
    expect(account(gw)).toMatchObject({ linked: true, connected: true, self: { id: "+15550001111" } });

    const live = fakeMessage({ chat: ALICE_PN, text: "hello", pushName: "Alice" });
    wa.current!.upsert("notify", live);
    await wa.waitForSent(1, 10_000);
    const offline = fakeMessage({ chat: ALICE_LID, alt: ALICE_PN, text: "sent while you were offline" });
    wa.current!.upsert("append", offline);
    await wa.waitForSent(2, 10_000);
    expect(textsTo(wa, ALICE_PN)).toEqual(["reply 1", "reply 2"]);
    // Read receipts went out for both, after they were stored.
    expect(wa.sockets[0]!.reads.flat().map((k) => k.id)).toEqual([live.key.id, offline.key.id]);

    // The link drops (408), the manager backs off and a new socket gets the same message again.
    wa.current!.close(408);
    await wa.waitForSockets(2, 10_000);
    await untilConnected(gw);
    wa.current!.upsert("append", live);
    const marker = fakeMessage({ chat: ALICE_PN, text: "and one more" });
    wa.current!.upsert("notify", marker);
    await wa.waitForSent(3, 10_000);
    await eventually("the inbox to drain", () => (gw.gateway.services.inbox.pending().length === 0 ? true : undefined), 10_000);
    expect(textsTo(wa, ALICE_PN)).toEqual(["reply 1", "reply 2", "reply 3"]);
    expect(llm!.requests.length).toBe(3);
  });

  test("groups: only a mention (as our LID) or a reply to us gets an answer; the reply goes to the group", async () => {
    const wa = new FakeWhatsApp(systemClock);
    await using gw = await start(wa, { groupPolicy: "open", groups: { [GROUP]: { requireMention: true } } });
    await untilConnected(gw);
    wa.current!.upsert("notify", fakeMessage({ chat: GROUP, participant: ALICE_LID, alt: ALICE_PN, text: "just chatting" }));
    wa.current!.upsert("notify", fakeMessage({ chat: GROUP, participant: ALICE_LID, alt: ALICE_PN, mentions: [`${SELF_LID}:7@lid`], text: `@${SELF_LID} what time is it?` }));
    await wa.waitForSent(1, 10_000);
    await eventually("the inbox to drain", () => (gw.gateway.services.inbox.pending().length === 0 ? true : undefined), 10_000);
    expect(textsTo(wa, GROUP)).toEqual(["reply 1"]);
    const asked = JSON.stringify(llm!.requests[0]!.body);
    expect(asked).toContain("what time is it?");
    expect(asked).not.toContain("just chatting");
  });

  test("send goes out through the adapter; status follows the socket", async () => {
    const wa = new FakeWhatsApp(systemClock);
    await using gw = await start(wa, { dmPolicy: "pairing" });
    await untilConnected(gw);
    const { client } = await connectClient(gw.url);
    const response = await client.rpc("send", { to: "+15552220000", message: "from the CLI", channel: "whatsapp", idempotencyKey: "wa-send-1" });
    expect(response.ok).toBe(true);
    expect(textsTo(wa, ALICE_PN)).toEqual(["from the CLI"]);
    const status = await client.rpc("channels.status", {});
    expect(status.ok && (status.payload as { channels: Record<string, { linked: boolean }> }).channels.whatsapp).toMatchObject({ linked: true });
    client.close();
  });

  test("a DNS outage: every connect fails with EAI_AGAIN for a while, the account recovers by itself and answers", async () => {
    const wa = new FakeWhatsApp(systemClock, { autoOpen: false });
    const failing = 6;
    const factory = wa.factory;
    const flaky: typeof wa.factory = (options) => {
      const socket = factory(options) as FakeWaSocket;
      // The network answers again after `failing` attempts.
      setImmediate(() => (wa.sockets.length <= failing ? socket.close(undefined, "getaddrinfo EAI_AGAIN web.whatsapp.com") : socket.open()));
      return socket;
    };
    llm ??= startFakeOpenAI({ script: (_request, index) => ({ type: "text", text: `reply ${index + 1}` }) });
    home = await linkedHome();
    await using gw = await startTestGateway({
      home,
      config: { ...modelConfig(llm), channels: { whatsapp: { dmPolicy: "open", allowFrom: ["*"] } } },
      channels: { factories: [createWhatsAppFactory({ socketFactory: flaky, pacing: { accountGapMs: 1, chatGapMs: 1 } })], tuning: { reconnect: { initialMs: 10, maxMs: 40 } } },
    });
    await untilConnected(gw);
    expect(wa.sockets.length).toBe(failing + 1);
    expect(account(gw)?.lastError).toBeNull();
    wa.current!.upsert("notify", fakeMessage({ chat: ALICE_PN, text: "are you back?" }));
    await wa.waitForSent(1, 10_000);
    expect(gw.logLines.filter((line) => /connection failed: getaddrinfo EAI_AGAIN web\.whatsapp\.com; trying again/.test(line)).length).toBe(failing);
  });

  test("logged out on the phone (401): the account stops, says what to do, keeps the creds", async () => {
    const wa = new FakeWhatsApp(systemClock);
    await using gw = await start(wa, {}, { expectErrors: [/logged this device out/] });
    await untilConnected(gw);
    wa.current!.close(401);
    await eventually("the account to stop", () => (account(gw)?.stoppedReason ? true : undefined), 10_000);
    expect(account(gw)).toMatchObject({ linked: false, connected: false, stoppedReason: expect.stringMatching(/logged this device out \(401\).*channels login --channel whatsapp/) });
    expect(wa.sockets.length).toBe(1);
    expect(new WhatsAppAuthStore(whatsappStore(join(home!, ".openclaw"))).linkedAs("default")).toBe(SELF_USER.id!);
  });

  test("an account with no link is 'configured, not linked' and never opens a socket", async () => {
    const wa = new FakeWhatsApp(systemClock);
    const bare = await makeTempHome();
    await using gw = await start(wa, {}, { home: bare });
    await eventually("the status", () => (account(gw) ? true : undefined));
    expect(account(gw)).toMatchObject({ configured: true, linked: false, running: false, stoppedReason: NOT_LINKED });
    expect(wa.sockets.length).toBe(0);
  });
});
