/**
 * `pairing.list` and `pairing.approve` against a real gateway (channels-and-models.md §3.4):
 * requests are seeded through the gateway's own pairing store, as an inbound DM would make
 * them, and decided over the wire.
 */
import { describe, expect, test } from "bun:test";
import { rm } from "node:fs/promises";
import { makeTempHome, startTestGateway, type TestGateway } from "../helpers/gateway.ts";
import { connectClient } from "../helpers/ws-client.ts";

const HOUR = 60 * 60_000;

/** A DM from an unknown sender, as the channel layer would record it. */
const seed = (gw: TestGateway, channel: string, accountId: string, senderId: string, meta?: { name?: string; username?: string }) =>
  gw.gateway.services.pairingStore.requestFor({ channel, accountId, senderId, now: gw.gateway.services.now(), ...(meta ? { meta } : {}) }).request;

describe("DM pairing methods", () => {
  test("list shows pending requests (all, or one channel); approve lets the sender in once", async () => {
    await using gw = await startTestGateway();
    const { client, hello } = await connectClient(gw.url, { client: { mode: "ui" } });
    expect(hello.features.methods).toContain("pairing.list");
    expect(hello.features.methods).toContain("pairing.approve");
    expect((await client.rpc("pairing.list")).payload).toEqual({ requests: [] });

    const ada = seed(gw, "telegram", "default", "42", { name: "Ada", username: "ada" });
    const bob = seed(gw, "whatsapp", "default", "+15550001");
    const all = await client.rpc("pairing.list", {});
    expect(all).toMatchObject({ type: "res", ok: true });
    expect(all.payload).toEqual({
      requests: [
        { channel: "telegram", accountId: "default", senderId: "42", code: ada.code, createdAt: ada.createdAt, lastSeenAt: ada.lastSeenAt, meta: { name: "Ada", username: "ada" } },
        { channel: "whatsapp", accountId: "default", senderId: "+15550001", code: bob.code, createdAt: bob.createdAt, lastSeenAt: bob.lastSeenAt, meta: null },
      ],
    });
    expect((await client.rpc("pairing.list", { channel: "whatsapp" })).payload).toEqual({ requests: [all.payload.requests[1]] });

    // The owner types the code in lower case; it is matched as issued.
    const approved = await client.rpc("pairing.approve", { channel: "telegram", code: ada.code.toLowerCase() });
    expect(approved.payload).toEqual({ ok: true, channel: "telegram", accountId: "default", senderId: "42" });
    expect(gw.gateway.services.pairingStore.isAllowed("telegram", "default", "42")).toBe(true);
    expect((await client.rpc("pairing.list", { channel: "telegram" })).payload).toEqual({ requests: [] });

    // Approved once; again, or on the wrong channel, it is just an unknown code.
    const unknown = { code: "INVALID_REQUEST", message: "unknown or expired pairing code" };
    expect((await client.rpc("pairing.approve", { channel: "telegram", code: ada.code })).error).toEqual(unknown);
    expect((await client.rpc("pairing.approve", { channel: "telegram", code: bob.code })).error).toEqual(unknown);
    client.close();
  });

  test("accountId narrows approval to one account", async () => {
    await using gw = await startTestGateway();
    const { client } = await connectClient(gw.url, { client: { mode: "ui" } });
    const request = seed(gw, "telegram", "work", "77");
    expect((await client.rpc("pairing.approve", { channel: "telegram", code: request.code, accountId: "default" })).error.message).toBe("unknown or expired pairing code");
    expect((await client.rpc("pairing.approve", { channel: "telegram", code: request.code, accountId: "work" })).payload).toEqual({
      ok: true, channel: "telegram", accountId: "work", senderId: "77",
    });
    expect(gw.gateway.services.pairingStore.allowed("telegram", "work")).toEqual(["77"]);
    client.close();
  });

  test("a code expires 1 h after it was made, on the gateway's clock", async () => {
    let offset = 0;
    await using gw = await startTestGateway({ now: () => Date.now() + offset });
    const { client } = await connectClient(gw.url, { client: { mode: "ui" } });
    const request = seed(gw, "telegram", "default", "42");
    offset = HOUR;
    expect((await client.rpc("pairing.list")).payload).toEqual({ requests: [] });
    expect((await client.rpc("pairing.approve", { channel: "telegram", code: request.code })).error).toEqual({ code: "INVALID_REQUEST", message: "unknown or expired pairing code" });
    expect(gw.gateway.services.pairingStore.isAllowed("telegram", "default", "42")).toBe(false);
    client.close();
  });

  test("operator.pairing is needed and enough; params are validated", async () => {
    await using gw = await startTestGateway();
    const reader = await connectClient(gw.url, { scopes: ["operator.read", "operator.write"], client: { mode: "ui" } });
    const pairer = await connectClient(gw.url, { scopes: ["operator.pairing"], client: { mode: "ui" } });
    const request = seed(gw, "telegram", "default", "42");
    for (const [method, params] of [["pairing.list", {}], ["pairing.approve", { channel: "telegram", code: request.code }]] as const) {
      expect((await reader.client.rpc(method, params)).error).toEqual({
        code: "FORBIDDEN",
        message: "missing scope: operator.pairing",
        details: { code: "MISSING_SCOPE", missingScope: "operator.pairing", requiredScopes: ["operator.pairing"] },
      });
    }
    expect(gw.gateway.services.pairingStore.isAllowed("telegram", "default", "42")).toBe(false);
    expect((await pairer.client.rpc("pairing.list")).payload.requests).toHaveLength(1);

    for (const params of [{ code: request.code }, { channel: "telegram" }, { channel: "", code: request.code }, { channel: "telegram", code: 12345678 }]) {
      const res = await pairer.client.rpc("pairing.approve", params);
      expect(res.error.code).toBe("INVALID_REQUEST");
      expect(res.error.message).toStartWith("invalid pairing.approve params: ");
    }
    expect((await pairer.client.rpc("pairing.list", { channel: 7 })).error.message).toStartWith("invalid pairing.list params: ");
    expect((await pairer.client.rpc("pairing.approve", { channel: "telegram", code: request.code })).payload.senderId).toBe("42");
    for (const c of [reader, pairer]) c.client.close();
  });

  test("approved senders and pending codes survive a gateway restart", async () => {
    const home = await makeTempHome();
    try {
      let waiting;
      {
        await using gw = await startTestGateway({ home });
        waiting = seed(gw, "telegram", "default", "1");
        const approved = seed(gw, "telegram", "default", "2");
        gw.gateway.services.pairingStore.approve("telegram", approved.code, gw.gateway.services.now());
      }
      await using gw = await startTestGateway({ home });
      const { client } = await connectClient(gw.url, { client: { mode: "ui" } });
      expect((await client.rpc("pairing.list")).payload).toEqual({ requests: [waiting] });
      expect(gw.gateway.services.pairingStore.isAllowed("telegram", "default", "2")).toBe(true);
      client.close();
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });
});
