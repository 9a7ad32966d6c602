/** Node pairing and device pairing: requests, decisions, events and their scope filter, expiry, tokens. */
import { describe, expect, test } from "bun:test";
import { startTestGateway } from "../helpers/gateway.ts";
import { connectClient, generateDeviceKeyPair } from "../helpers/ws-client.ts";

const REMOTE = { "X-Forwarded-For": "203.0.113.9" };

describe("node pairing", () => {
  test("request → approve → verify, with events only for pairing-scoped operators", async () => {
    await using gw = await startTestGateway();
    const admin = await connectClient(gw.url, { client: { mode: "ui" } });
    const reader = await connectClient(gw.url, { scopes: ["operator.read"], client: { mode: "ui" } });
    const node = await connectClient(gw.url, { role: "node", scopes: [], client: { id: "node-host", mode: "node" } });

    const req = await admin.client.rpc("node.pair.request", { nodeId: "n1", displayName: "Kitchen", platform: "ios", commands: ["camera.list"] });
    expect(req.payload).toMatchObject({ status: "pending", created: true, request: { nodeId: "n1", displayName: "Kitchen", isRepair: false } });
    const { requestId } = req.payload.request;
    const requested = await admin.client.nextEvent("node.pair.requested");
    expect(requested.payload.requestId).toBe(requestId);
    // The same node asking again while pending gets the same request.
    expect((await admin.client.rpc("node.pair.request", { nodeId: "n1" })).payload).toMatchObject({ created: false, request: { requestId } });
    expect((await admin.client.rpc("node.pair.list")).payload.pending.map((r: { requestId: string }) => r.requestId)).toEqual([requestId]);

    const approved = await admin.client.rpc("node.pair.approve", { requestId });
    expect(approved.payload.requestId).toBe(requestId);
    expect(approved.payload.node).toMatchObject({ nodeId: "n1", displayName: "Kitchen", platform: "ios" });
    const token: string = approved.payload.node.token;
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await admin.client.nextEvent("node.pair.resolved")).payload).toMatchObject({ requestId, nodeId: "n1", decision: "approved" });

    expect((await admin.client.rpc("node.pair.verify", { nodeId: "n1", token })).payload).toMatchObject({ ok: true, node: { nodeId: "n1" } });
    expect((await admin.client.rpc("node.pair.verify", { nodeId: "n1", token: "wrong" })).payload).toEqual({ ok: false });
    const nodes = (await admin.client.rpc("node.list")).payload.nodes;
    expect(nodes.find((n: { nodeId: string }) => n.nodeId === "n1")).toMatchObject({ nodeId: "n1", displayName: "Kitchen", paired: true, connected: false });
    expect((await admin.client.rpc("node.pair.approve", { requestId })).error).toEqual({ code: "INVALID_REQUEST", message: "unknown requestId" });

    // Neither the read-only operator nor the node saw any pairing event: a round trip on each
    // socket now comes after anything published to it during the approval.
    for (const client of [reader.client, node.client]) expect((await client.rpc("health")).ok).toBe(true);
    for (const client of [reader.client, node.client]) expect(client.frames.some((f) => String(f.event).startsWith("node.pair."))).toBe(false);
    // The reader may not decide.
    expect((await reader.client.rpc("node.pair.list")).error.message).toBe("missing scope: operator.pairing");
    for (const c of [admin, reader, node]) c.client.close();
  });

  test("reject, and expiry after five minutes", async () => {
    let offset = 0;
    await using gw = await startTestGateway({ now: () => Date.now() + offset });
    const { client } = await connectClient(gw.url, { client: { mode: "ui" } });
    const first = (await client.rpc("node.pair.request", { nodeId: "a" })).payload.request.requestId;
    expect((await client.rpc("node.pair.reject", { requestId: first })).payload).toEqual({ requestId: first, nodeId: "a" });
    expect((await client.nextEvent("node.pair.resolved")).payload).toMatchObject({ requestId: first, decision: "rejected" });
    const second = (await client.rpc("node.pair.request", { nodeId: "b" })).payload.request.requestId;
    offset = 5 * 60_000 + 1000;
    expect((await client.rpc("node.pair.approve", { requestId: second })).error.message).toBe("unknown requestId");
    expect((await client.nextEvent("node.pair.resolved")).payload).toMatchObject({ requestId: second, decision: "expired" });
    expect((await client.rpc("node.pair.list")).payload).toEqual({ pending: [], paired: [] });
    client.close();
  });
});

describe("device pairing", () => {
  test("a remote device waits for approval, then connects; the decision is announced", async () => {
    await using gw = await startTestGateway();
    const admin = await connectClient(gw.url, { client: { mode: "ui" } });
    const keys = generateDeviceKeyPair();
    const refused = await connectClient(gw.url, { device: keys, client: { displayName: "Laptop" } }, REMOTE);
    expect(refused.res.error.code).toBe("NOT_PAIRED");
    const requestId: string = refused.res.error.details.requestId;
    expect(refused.res.error.details).toEqual({ code: "PAIRING_REQUIRED", reason: "not-paired", requestId });
    const requested = await admin.client.nextEvent("device.pair.requested");
    expect(requested.payload).toMatchObject({ requestId, deviceId: keys.deviceId, displayName: "Laptop", role: "operator", remoteIp: "127.0.0.1", isRepair: false });

    const listed = await admin.client.rpc("device.pair.list");
    expect(listed.payload.pending.map((r: { requestId: string }) => r.requestId)).toEqual([requestId]);
    const approved = await admin.client.rpc("device.pair.approve", { requestId });
    expect(approved.payload).toMatchObject({ requestId, device: { deviceId: keys.deviceId, roles: ["operator"] } });
    expect((await admin.client.nextEvent("device.pair.resolved")).payload).toMatchObject({ requestId, deviceId: keys.deviceId, decision: "approved" });

    const again = await connectClient(gw.url, { device: keys }, REMOTE);
    expect(again.res.ok).toBe(true);
    expect(again.hello.auth.deviceToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // Listing never shows token secrets.
    const paired = (await admin.client.rpc("device.pair.list")).payload.paired;
    expect(JSON.stringify(paired)).not.toContain(again.hello.auth.deviceToken);
    expect(paired.find((d: { deviceId: string }) => d.deviceId === keys.deviceId).tokens[0]).toMatchObject({ role: "operator" });
    for (const c of [admin, again]) c.client.close();
  });

  test("rejected requests are gone; the device still cannot connect", async () => {
    await using gw = await startTestGateway();
    const admin = await connectClient(gw.url, { client: { mode: "ui" } });
    const keys = generateDeviceKeyPair();
    const refused = await connectClient(gw.url, { device: keys }, REMOTE);
    const requestId = refused.res.error.details.requestId;
    expect((await admin.client.rpc("device.pair.reject", { requestId })).payload).toEqual({ requestId, deviceId: keys.deviceId });
    expect((await admin.client.rpc("device.pair.approve", { requestId })).error.message).toBe("unknown requestId");
    const again = await connectClient(gw.url, { device: keys }, REMOTE);
    expect(again.res.error.code).toBe("NOT_PAIRED");
    expect(again.res.error.details.requestId).not.toBe(requestId);
    admin.client.close();
  });

  test("a revoked device token stops working at once, also for the socket that uses it", async () => {
    await using gw = await startTestGateway();
    const admin = await connectClient(gw.url, { client: { mode: "ui" } });
    const keys = generateDeviceKeyPair();
    const first = await connectClient(gw.url, { device: keys });
    const deviceToken = first.hello.auth.deviceToken;
    first.client.close();
    const user = await connectClient(gw.url, { device: keys, token: deviceToken });
    expect(user.hello.auth.method).toBe("device-token");

    const revoked = await admin.client.rpc("device.token.revoke", { deviceId: keys.deviceId, role: "operator" });
    expect(revoked.payload).toMatchObject({ deviceId: keys.deviceId, role: "operator", closedConnections: 1 });
    expect(await user.client.closed()).toEqual({ code: 1008, reason: "device token revoked" });
    const retry = await connectClient(gw.url, { device: keys, token: deviceToken });
    expect(retry.res.error.message).toStartWith("unauthorized: gateway token mismatch");
    // The admin's own socket (shared token) is untouched.
    expect((await admin.client.rpc("status")).ok).toBe(true);
    admin.client.close();
  });

  test("rotate issues a new token and ends the old one; remove forgets the device and closes its sockets", async () => {
    await using gw = await startTestGateway();
    const admin = await connectClient(gw.url, { client: { mode: "ui" } });
    const keys = generateDeviceKeyPair();
    const first = await connectClient(gw.url, { device: keys, scopes: ["operator.read"] });
    const oldToken = first.hello.auth.deviceToken;

    const rotated = await admin.client.rpc("device.token.rotate", { deviceId: keys.deviceId, role: "operator" });
    expect(rotated.payload).toMatchObject({ deviceId: keys.deviceId, role: "operator", scopes: ["operator.read"] });
    expect(rotated.payload.token).not.toBe(oldToken);
    expect((await connectClient(gw.url, { device: keys, token: oldToken, scopes: ["operator.read"] })).res.ok).toBe(false);
    expect((await connectClient(gw.url, { device: keys, token: rotated.payload.token, scopes: ["operator.read"] })).res.ok).toBe(true);
    expect((await admin.client.rpc("device.token.rotate", { deviceId: keys.deviceId, role: "operator", scopes: ["operator.admin"] })).error.message).toBe(
      "scopes exceed what the device was approved for",
    );

    expect((await admin.client.rpc("device.pair.remove", { deviceId: keys.deviceId })).payload).toMatchObject({ deviceId: keys.deviceId, removed: true, closedConnections: 2 });
    expect(await first.client.closed()).toEqual({ code: 1008, reason: "device removed" });
    expect(gw.gateway.services.devices.get(keys.deviceId)).toBeNull();
    expect((await admin.client.rpc("device.pair.remove", { deviceId: keys.deviceId })).error.message).toBe("unknown deviceId");
    admin.client.close();
  });
});
