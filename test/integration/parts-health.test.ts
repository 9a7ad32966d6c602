/**
 * Parts report their state where clients look: `health.parts` (also in `hello-ok`), `/readyz`,
 * `status`; an optional part that cannot start is reported, not fatal; accepted-but-unbuilt
 * config keys are named at start.
 */
import { expect, test } from "bun:test";
import { eventually } from "../helpers/condition.ts";
import { startTestGateway, TEST_TOKEN } from "../helpers/gateway.ts";
import { connectClient } from "../helpers/ws-client.ts";

test("hello-ok and health carry each part's state; readyz and status read the same snapshots", async () => {
  await using gw = await startTestGateway();
  const { client, hello } = await connectClient(gw.url);
  expect(hello.snapshot.health.parts).toEqual({
    tick: { state: "running", info: { intervalMs: 30_000 } },
    health: { state: "running", info: { intervalMs: 60_000 } },
    canvas: { state: "disabled", detail: "canvasHost.enabled is false or OPENCLAW_SKIP_CANVAS_HOST=1" },
    // No model is configured: the agent part says what to set.
    agent: { state: "degraded", detail: expect.stringContaining("agents.defaults.model"), info: { runs: 0, running: 0, queued: 0 } },
    channels: { state: "disabled", detail: "no channel is configured", info: { accounts: 0, connected: 0, outboxDepth: 0 } },
    "config-reload": { state: "running", info: { mode: "hybrid", debounceMs: 300, watching: true } },
  });
  const ready = await fetch(`${gw.httpUrl}/readyz`);
  expect([ready.status, await ready.json()]).toEqual([200, { ok: true, status: "ready", channels: {} }]);
  const status = (await client.rpc("status")).payload;
  expect(status.channelSummary).toEqual([]);
  client.close();
});

test("health reports the event-loop delay once the monitor has sampled", async () => {
  await using gw = await startTestGateway();
  const { client } = await connectClient(gw.url);
  const eventLoop = await eventually("an event-loop sample", async () => (await client.rpc("health", { probe: true })).payload.eventLoop, 5000, 200);
  expect(eventLoop.p50Ms).toBeGreaterThanOrEqual(0);
  expect(eventLoop.p99Ms).toBeGreaterThanOrEqual(eventLoop.p50Ms);
  expect(eventLoop.maxMs).toBeGreaterThanOrEqual(eventLoop.p99Ms);
  client.close();
});

test("a canvas port that is taken leaves the canvas part failed with the reason; the gateway runs", async () => {
  const holder = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  try {
    await using gw = await startTestGateway({ canvas: true, config: { canvasHost: { port: holder.port } } });
    const canvas = gw.gateway.services.parts.status("canvas");
    expect(canvas?.state).toBe("failed");
    expect(canvas?.detail).toContain(String(holder.port));
    expect(gw.canvas).toBeNull();
    expect((await fetch(`${gw.httpUrl}/readyz`)).status).toBe(200);
    expect(gw.logLines.some((l) => l.includes("canvas not started"))).toBe(true);
  } finally {
    holder.stop(true);
  }
});

test("config keys that are accepted but not built are named in a warning at start", async () => {
  await using gw = await startTestGateway({ config: { gateway: { tls: { enabled: true } }, cron: { jobs: [{ id: "x" }] } } });
  const warnings = gw.logLines.filter((l) => l.includes("is accepted but has no effect in this build"));
  expect(warnings.some((l) => l.includes("config key gateway.tls (TLS is not supported yet"))).toBe(true);
  expect(warnings.some((l) => l.includes("config key cron"))).toBe(true);
  // Keys the gateway implements are not named.
  expect(warnings.some((l) => l.includes("gateway.auth"))).toBe(false);
  expect(warnings.join("\n")).not.toContain(TEST_TOKEN);
});
