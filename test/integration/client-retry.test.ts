/**
 * The CLI's protocol client against a gateway that is still starting (the reference answers
 * `connect` with a retryable UNAVAILABLE for its first seconds): it waits and retries.
 */
import { expect, test } from "bun:test";
import { GatewayClient } from "../../src/client/gateway-client.ts";

function startingGateway(refusals: number) {
  let connects = 0;
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch: (req, srv) => (srv.upgrade(req) ? undefined : new Response("no", { status: 400 })),
    websocket: {
      open(ws) {
        ws.send(JSON.stringify({ type: "event", event: "connect.challenge", payload: { nonce: crypto.randomUUID(), ts: Date.now() } }));
      },
      message(ws, text) {
        const frame = JSON.parse(String(text));
        if (frame.method === "connect" && ++connects <= refusals) {
          const error = { code: "UNAVAILABLE", message: "gateway starting; retry shortly", retryable: true, retryAfterMs: 100, details: { reason: "startup-sidecars" } };
          ws.send(JSON.stringify({ type: "res", id: frame.id, ok: false, error }));
          ws.close(1013, "gateway starting");
        } else if (frame.method === "connect") {
          ws.send(JSON.stringify({ type: "res", id: frame.id, ok: true, payload: { type: "hello-ok", protocol: 4 } }));
        } else {
          ws.send(JSON.stringify({ type: "res", id: frame.id, ok: true, payload: { ok: true } }));
        }
      },
    },
  });
  return { server, connects: () => connects };
}

test("a starting gateway is retried after retryAfterMs", async () => {
  const fake = startingGateway(2);
  const client = new GatewayClient({ url: `ws://127.0.0.1:${fake.server.port}`, token: "t", identity: null, scopes: ["operator.read"], timeoutMs: 3000 });
  await client.connect();
  expect(await client.call("health")).toEqual({ ok: true });
  expect(fake.connects()).toBe(3);
  client.close();
  fake.server.stop(true);
});

test("it gives up with the gateway's message when the timeout runs out", async () => {
  const fake = startingGateway(1000);
  const client = new GatewayClient({ url: `ws://127.0.0.1:${fake.server.port}`, token: "t", identity: null, scopes: ["operator.read"], timeoutMs: 500 });
  await expect(client.connect()).rejects.toThrow("gateway refused the connection: gateway starting; retry shortly");
  fake.server.stop(true);
});
