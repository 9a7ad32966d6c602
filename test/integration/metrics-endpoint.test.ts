/**
 * `GET /metrics` on the gateway port: Bearer auth like the other HTTP APIs, valid Prometheus
 * text, and the counters move with real traffic (RPCs by method and code, handshake refusals,
 * events sent, HTTP requests, connections by role). Made-up method names do not grow series.
 */
import { expect, test } from "bun:test";
import { PROMETHEUS_CONTENT_TYPE } from "../../src/metrics/text-format.ts";
import { startTestGateway, TEST_TOKEN, type TestGateway } from "../helpers/gateway.ts";
import { parseExposition, valueOf } from "../helpers/prometheus.ts";
import { connectClient } from "../helpers/ws-client.ts";

async function scrape(gw: TestGateway) {
  const res = await fetch(`${gw.httpUrl}/metrics`, { headers: { Authorization: `Bearer ${TEST_TOKEN}` } });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toBe(PROMETHEUS_CONTENT_TYPE);
  return parseExposition(await res.text());
}

test("/metrics needs the gateway secret as a Bearer token", async () => {
  await using gw = await startTestGateway();
  expect((await fetch(`${gw.httpUrl}/metrics`)).status).toBe(401);
  expect((await fetch(`${gw.httpUrl}/metrics`, { headers: { Authorization: "Bearer wrong" } })).status).toBe(401);
  expect((await fetch(`${gw.httpUrl}/metrics?token=${TEST_TOKEN}`)).status).toBe(400);
  expect((await fetch(`${gw.httpUrl}/metrics`, { method: "POST" })).status).toBe(405);
});

test("the counters follow real traffic", async () => {
  await using gw = await startTestGateway();
  const { client } = await connectClient(gw.url);
  const { client: node } = await connectClient(gw.url, { role: "node", scopes: [], client: { mode: "node" } });
  for (let i = 0; i < 3; i++) expect((await client.rpc("health")).ok).toBe(true);
  expect((await client.rpc("node.describe", { nodeId: "nope" })).error.code).toBe("INVALID_REQUEST");
  for (const name of ["made.up.1", "made.up.2", "__proto__"]) expect((await client.rpc(name)).ok).toBe(false);
  expect((await connectClient(gw.url, { token: "wrong-token-0123456789", device: null })).res.ok).toBe(false);
  gw.gateway.services.events.publish("tick", { ts: 1 });
  await client.nextEvent("tick");
  await fetch(`${gw.httpUrl}/healthz`);

  const m = await scrape(gw);
  expect(valueOf(m, "openclaw_rpc_requests_total", { method: "health", code: "ok" })).toBe(3);
  expect(valueOf(m, "openclaw_rpc_errors_total", { method: "node.describe", code: "INVALID_REQUEST" })).toBe(1);
  // Unknown names share one series, whatever a client sends.
  expect(valueOf(m, "openclaw_rpc_errors_total", { method: "unknown", code: "INVALID_REQUEST" })).toBe(3);
  expect(valueOf(m, "openclaw_rpc_duration_seconds_count", { method: "health" })).toBe(3);
  expect(valueOf(m, "openclaw_handshake_failures_total", { reason: "token_mismatch" })).toBe(1);
  expect(valueOf(m, "openclaw_events_sent_total", { event: "tick" })).toBe(2);
  expect(valueOf(m, "openclaw_http_requests_total", { route: "/healthz", status: "200" })).toBe(1);
  expect(valueOf(m, "openclaw_connections", { role: "operator" })).toBe(1);
  expect(valueOf(m, "openclaw_connections", { role: "node" })).toBe(1);
  expect(valueOf(m, "process_resident_memory_bytes")).toBeGreaterThan(10_000_000);
  expect(valueOf(m, "process_uptime_seconds")).toBeGreaterThanOrEqual(0);
  expect([...m.keys()].some((name) => name.startsWith("openclaw_event_loop_delay"))).toBe(true);
  client.close();
  node.close();
});
