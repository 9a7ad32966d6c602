/**
 * The `send` method over the WebSocket: one message per idempotency key, before and after a
 * restart and for concurrent repeats; NOT_LINKED at once without a linked account; the exact
 * refusals of protocol.md §6; the platform's reason when it refuses; a rate limit waited out.
 * Then `channels.status` and `channels.logout`.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { rm } from "node:fs/promises";
import { makeTempHome } from "../helpers/gateway.ts";
import { connectClient, type Frame } from "../helpers/ws-client.ts";
import { startChannelGateway, startRig, untilPolling, type ChannelRig } from "./channels-fixture.ts";

let rig: ChannelRig | null = null;
afterEach(async () => {
  await rig?.stop();
  rig = null;
});

const shape = (response: Frame) => (response.ok ? response.payload : { code: response.error.code, message: response.error.message });

describe("send", () => {
  test("delivers once per idempotency key, also for concurrent repeats and after a restart", async () => {
    rig = startRig();
    const { tg } = rig;
    const home = await makeTempHome();
    try {
      let first: unknown;
      {
        await using gw = await startChannelGateway(rig, { home });
        await untilPolling(gw, tg);
        const { client } = await connectClient(gw.url);
        const params = { to: "1001", message: "hello from the CLI", idempotencyKey: "send-1" };
        const [a, b] = await Promise.all([client.rpc("send", params), client.rpc("send", params)]);
        first = shape(a);
        expect(first).toEqual({ runId: "send-1", messageId: String(tg.sent[0]!.message_id), channel: "telegram", chatId: "1001" });
        expect(shape(b)).toEqual(first);
        expect(shape(await client.rpc("send", { ...params, message: "a different text" }))).toEqual(first);
        expect(tg.sent.map((m) => m.text)).toEqual(["hello from the CLI"]);
        client.close();
      }
      await using gw = await startChannelGateway(rig, { home });
      const { client } = await connectClient(gw.url);
      expect(shape(await client.rpc("send", { to: "1001", message: "hello from the CLI", idempotencyKey: "send-1" }))).toEqual(first);
      expect(tg.callCount("sendMessage")).toBe(1);
      client.close();
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });

  test("without a linked channel it fails at once with NOT_LINKED", async () => {
    rig = startRig();
    await using gw = await startChannelGateway(rig, { telegram: null });
    const { client } = await connectClient(gw.url);
    expect(shape(await client.rpc("send", { to: "1001", message: "hi", idempotencyKey: "k-1" }))).toEqual({ code: "NOT_LINKED", message: "no channel is linked" });
    expect(shape(await client.rpc("send", { to: "1001", message: "hi", channel: "telegram", idempotencyKey: "k-2" }))).toEqual({ code: "NOT_LINKED", message: "channel telegram is not linked" });
    client.close();
  });

  test("an account still coming up (its first getMe failed) queues the send instead of refusing it", async () => {
    rig = startRig();
    const { tg } = rig;
    tg.failNext("getMe", { error_code: 502, description: "Bad Gateway" });
    await using gw = await startChannelGateway(rig);
    const { client } = await connectClient(gw.url);
    // Sent before the account is linked: it waits in the outbox, then goes out once it is.
    const res = await client.rpc("send", { to: "1001", message: "sent early", idempotencyKey: "early-1" }, 15_000);
    expect(shape(res)).toMatchObject({ runId: "early-1", channel: "telegram", chatId: "1001" });
    expect(tg.sent.map((m) => m.text)).toEqual(["sent early"]);
    expect(tg.callCount("getMe")).toBeGreaterThanOrEqual(2);
    client.close();
  });

  test("refuses what protocol.md names: no text or media, an unsupported channel, webchat", async () => {
    rig = startRig();
    await using gw = await startChannelGateway(rig);
    await untilPolling(gw, rig.tg);
    const { client } = await connectClient(gw.url);
    expect(shape(await client.rpc("send", { to: "1001", message: "  ", idempotencyKey: "k-1" }))).toEqual({ code: "INVALID_REQUEST", message: "invalid send params: text or media is required" });
    expect(shape(await client.rpc("send", { to: "1001", message: "hi", channel: "signal", idempotencyKey: "k-2" }))).toEqual({ code: "INVALID_REQUEST", message: "unsupported channel: signal" });
    expect(shape(await client.rpc("send", { to: "1001", message: "hi", channel: "webchat", idempotencyKey: "k-3" }))).toEqual({ code: "INVALID_REQUEST", message: "unsupported channel: webchat" });
    expect(rig.tg.sent).toEqual([]);
    client.close();
  });

  test("a refusal by the platform is UNAVAILABLE with its reason and is not retried", async () => {
    rig = startRig();
    const { tg } = rig;
    await using gw = await startChannelGateway(rig, { expectErrors: [] });
    await untilPolling(gw, tg);
    tg.failNext("sendMessage", { error_code: 400, description: "Bad Request: chat not found" });
    const { client } = await connectClient(gw.url);
    const refused = await client.rpc("send", { to: "999", message: "hi", idempotencyKey: "k-refused" });
    expect(refused.ok).toBe(false);
    expect(refused.error.code).toBe("UNAVAILABLE");
    expect(refused.error.message).toContain("chat not found");
    // The same key gives the same answer, without asking Telegram again.
    expect(shape(await client.rpc("send", { to: "999", message: "hi", idempotencyKey: "k-refused" }))).toEqual(shape(refused));
    expect(tg.callCount("sendMessage")).toBe(1);
    client.close();
  });

  test("a rate limit is waited out (retry_after) and the send answers once it went through", async () => {
    rig = startRig();
    const { tg } = rig;
    await using gw = await startChannelGateway(rig);
    await untilPolling(gw, tg);
    tg.failNext("sendMessage", { error_code: 429, description: "Too Many Requests: retry after 1", retry_after: 1 });
    const { client } = await connectClient(gw.url);
    const started = Date.now();
    const sent = await client.rpc("send", { to: "1001", message: "patience", idempotencyKey: "k-429" });
    expect(shape(sent)).toMatchObject({ runId: "k-429", channel: "telegram", chatId: "1001" });
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(tg.sent.map((m) => m.text)).toEqual(["patience"]);
    client.close();
  });

  test("still failing after the wait: UNAVAILABLE, retryable, the message stays queued; a repeat asks again", async () => {
    rig = startRig();
    const { tg } = rig;
    await using gw = await startChannelGateway(rig, { channels: { tuning: { sendWaitMs: 150 } } });
    await untilPolling(gw, tg);
    tg.failNext("sendMessage", { error_code: 429, description: "Too Many Requests: retry after 60", retry_after: 60 });
    const { client } = await connectClient(gw.url);
    const queued = await client.rpc("send", { to: "1001", message: "later", idempotencyKey: "k-queued" });
    expect(queued.ok).toBe(false);
    expect(queued.error).toMatchObject({ code: "UNAVAILABLE", retryable: true, details: { channel: "telegram", accountId: "default", queued: true } });
    expect(queued.error.message).toStartWith("not sent yet (");
    expect(queued.error.retryAfterMs).toBeGreaterThan(50_000);
    const again = await client.rpc("send", { to: "1001", message: "later", idempotencyKey: "k-queued" });
    expect(again.error).toMatchObject({ code: "UNAVAILABLE", details: { queued: true } });
    expect(tg.callCount("sendMessage")).toBe(1);
    expect(gw.gateway.services.outbox.get("send:k-queued")).toMatchObject({ state: "pending", attempts: 1 });
    client.close();
  });
});

describe("channels.status and channels.logout", () => {
  test("status lists the account as observed; logout stops it and send then says NOT_LINKED", async () => {
    rig = startRig();
    const { tg } = rig;
    await using gw = await startChannelGateway(rig);
    await untilPolling(gw, tg);
    const { client } = await connectClient(gw.url);
    const status = (await client.rpc("channels.status", {})).payload;
    expect(status).toMatchObject({
      channelOrder: ["telegram"],
      channelLabels: { telegram: "Telegram" },
      channelDefaultAccountId: { telegram: "default" },
      channels: { telegram: { accountId: "default", configured: true, linked: true } },
    });
    expect(status.channelAccounts.telegram[0]).toMatchObject({ accountId: "default", enabled: true, linked: true, running: true, connected: true, dmPolicy: "pairing", stoppedReason: null });
    expect(status.channelAccounts.telegram[0].self).toMatchObject({ username: "fake_test_bot" });
    // A probe asks Telegram now and is kept with the account.
    const probed = (await client.rpc("channels.status", { probe: true })).payload;
    expect(probed.channelAccounts.telegram[0].probe).toMatchObject({ ok: true });
    expect(probed.channels.telegram.probe).toMatchObject({ ok: true });
    expect(typeof probed.channels.telegram.lastProbeAt).toBe("number");
    expect(tg.callCount("getMe")).toBe(2);
    // health and /readyz tell the same.
    const health = (await client.rpc("health", { probe: true })).payload;
    expect(health.channels.telegram).toMatchObject({ accountId: "default", configured: true, linked: true });
    expect(await (await fetch(`${gw.httpUrl}/readyz`)).json()).toEqual({ ok: true, status: "ready", channels: { telegram: { linked: true, configured: true } } });
    expect((await client.rpc("status")).payload).toMatchObject({ linkChannel: { id: "telegram", linked: true }, channelSummary: ["telegram: linked"] });

    expect(shape(await client.rpc("channels.logout", { channel: "telegram" }))).toEqual({ channel: "telegram", accountId: "default", cleared: false, loggedOut: true });
    expect(shape(await client.rpc("send", { to: "1001", message: "hi", idempotencyKey: "after-logout" }))).toEqual({ code: "NOT_LINKED", message: "no channel is linked" });
    const after = (await client.rpc("channels.status", {})).payload;
    expect(after.channelAccounts.telegram[0]).toMatchObject({ linked: false, running: false, stoppedReason: "logged out" });
    expect(shape(await client.rpc("channels.logout", { channel: "signal" }))).toEqual({ code: "INVALID_REQUEST", message: "unsupported channel: signal" });
    client.close();
  });
});
