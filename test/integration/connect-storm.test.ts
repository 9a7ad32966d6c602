/**
 * A connect storm of new loopback devices: each is approved on the spot, and its
 * `device.pair.resolved` goes to every pairing-scoped session. Announced one by one that is
 * about n²/2 frames; coalesced, a session gets at most one per window, and the newest
 * approval is always announced.
 */
import { expect, test } from "bun:test";
import { SILENT_APPROVAL_WINDOW_MS } from "../../src/gateway/events/silent-approvals.ts";
import { startTestGateway } from "../helpers/gateway.ts";
import { connectClient, type TestClient } from "../helpers/ws-client.ts";

const resolvedEvents = (client: TestClient) => client.frames.filter((f) => f.type === "event" && f.event === "device.pair.resolved");

test("a storm of auto-approved loopback devices costs O(n) frames, and the last approval is announced", async () => {
  await using gw = await startTestGateway();
  const { client: watcher } = await connectClient(gw.url);
  const n = 80;
  const started = performance.now();
  const clients = await Promise.all(Array.from({ length: n }, () => connectClient(gw.url)));
  const elapsedMs = performance.now() - started;
  for (const { res } of clients) expect(res.ok).toBe(true);

  // The newest approvals (several may share the last millisecond).
  const devices = gw.gateway.services.devices.list();
  const lastMs = Math.max(...devices.map((d) => d.approvedAtMs));
  const newest = new Set(devices.filter((d) => d.approvedAtMs === lastMs).map((d) => d.deviceId));
  // The window after the last approval flushes it: a positive signal that every announcement is out.
  const last = await watcher.take((f) => f.event === "device.pair.resolved" && newest.has(f.payload.deviceId), "the newest approval");
  expect(last.payload).toMatchObject({ decision: "approved", silent: true });

  const windows = Math.ceil(elapsedMs / SILENT_APPROVAL_WINDOW_MS) + 2;
  expect(resolvedEvents(watcher).length).toBeLessThanOrEqual(windows);
  const total = [watcher, ...clients.map((c) => c.client)].reduce((sum, c) => sum + resolvedEvents(c).length, 0);
  // One by one this storm costs about n²/2 = 3,200 frames.
  expect(total).toBeLessThanOrEqual((n + 1) * windows);
  expect(total).toBeLessThan((n * n) / 4);
  for (const { client } of clients) client.close();
  watcher.close();
});

test("an operator's decision is announced at once, not coalesced", async () => {
  // A device that is not local must wait for approval: the connect is forwarded by a trusted proxy.
  await using proxied = await startTestGateway({ config: { gateway: { trustedProxies: ["127.0.0.1"] } } });
  const { client: admin } = await connectClient(proxied.url);
  const pending = await connectClient(proxied.url, {}, { "X-Forwarded-For": "203.0.113.7" });
  expect(pending.res.error.code).toBe("NOT_PAIRED");
  const requestId = pending.res.error.details.requestId;
  expect((await admin.rpc("device.pair.approve", { requestId })).ok).toBe(true);
  // The approve response and the event leave in the same turn: no window delays it.
  const event = await admin.take((f) => f.event === "device.pair.resolved" && f.payload.requestId === requestId, "the operator's approval", SILENT_APPROVAL_WINDOW_MS / 2);
  expect(event.payload).toMatchObject({ requestId, decision: "approved" });
  expect(event.payload.silent).toBeUndefined();
  admin.close();
});
