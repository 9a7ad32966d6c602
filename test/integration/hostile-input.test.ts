/**
 * Hostile and malformed input, table-driven, over real sockets: before `connect` every bad
 * frame ends the socket with the documented close (protocol.md §3.3); after `connect` bad
 * frames get an error response and the socket stays usable (§3.4). The gateway process must
 * survive all of it.
 */
import { describe, expect, test } from "bun:test";
import { startTestGateway, type TestGateway } from "../helpers/gateway.ts";
import { connectClient, connectParams, TestClient, type Frame } from "../helpers/ws-client.ts";

const encoder = new TextEncoder();

/** Opens a socket and waits for the challenge; returns the client and its nonce. */
async function openWithChallenge(gw: TestGateway) {
  const client = await TestClient.open(gw.url);
  const challenge = await client.challenge();
  return { client, nonce: challenge.payload.nonce as string };
}

/** Frames received after the challenge, parsed. */
function framesAfterChallenge(client: TestClient): Frame[] {
  return client.raw.slice(1).map((text) => JSON.parse(text));
}

interface PreConnectCase {
  name: string;
  /** What to send; a function gets the challenge nonce. */
  send: (nonce: string) => string | Uint8Array;
  close: { code: number; reason: string | ((r: string) => boolean) };
  /** The only response expected before the close, if any. */
  response?: (res: Frame) => void;
}

const badConnectParams: [string, (nonce: string) => Record<string, unknown>, string][] = [
  ["minProtocol as string", (n) => ({ ...connectParams(n), minProtocol: "3" }), "minProtocol"],
  ["client missing", (n) => { const p = connectParams(n); delete p.client; return p; }, "client"],
  ["client.id missing", (n) => { const p = connectParams(n) as any; delete p.client.id; return p; }, "id"],
  ["params not an object", () => "connect please" as any, ""],
  ["params missing entirely", () => undefined as any, ""],
  ["scopes not an array", (n) => ({ ...connectParams(n), scopes: "operator.admin" }), "scopes"],
  ["device.signedAt negative", (n) => ({ ...connectParams(n), device: { id: "a", publicKey: "b", signature: "c", signedAt: -1 } }), "signedAt"],
];

const preConnectCases: PreConnectCase[] = [
  { name: "non-JSON text → close 1000, no reply", send: () => "this is {not json", close: { code: 1000, reason: "" } },
  { name: "empty text frame → close 1000, no reply", send: () => "", close: { code: 1000, reason: "" } },
  {
    name: "JSON that is not a req frame → close 1008 invalid request frame",
    send: () => JSON.stringify({ hello: "world" }),
    close: { code: 1008, reason: "invalid request frame" },
  },
  {
    name: "a res frame instead of a req → close 1008 invalid request frame",
    send: () => JSON.stringify({ type: "res", id: "x", ok: true }),
    close: { code: 1008, reason: "invalid request frame" },
  },
  {
    name: "req without id → close 1008 invalid request frame",
    send: () => JSON.stringify({ type: "req", method: "connect", params: {} }),
    close: { code: 1008, reason: "invalid request frame" },
  },
  {
    name: "JSON array → close 1008 invalid request frame",
    send: () => "[1,2,3]",
    close: { code: 1008, reason: "invalid request frame" },
  },
  {
    name: "req with method ≠ connect → error res, then close 1008",
    send: () => JSON.stringify({ type: "req", id: "h1", method: "health", params: {} }),
    close: { code: 1008, reason: "invalid handshake: first request must be connect" },
    response: (res) =>
      expect(res).toEqual({
        type: "res",
        id: "h1",
        ok: false,
        error: { code: "INVALID_REQUEST", message: "invalid handshake: first request must be connect" },
      }),
  },
  ...badConnectParams.map(([what, build, mentions]): PreConnectCase => {
    let message = "";
    return {
      name: `connect with ${what} → invalid connect params, close 1008`,
      send: (nonce) => JSON.stringify({ type: "req", id: "c1", method: "connect", params: build(nonce) }),
      response: (res) => {
        expect(Object.keys(res).sort()).toEqual(["error", "id", "ok", "type"]);
        expect(res.id).toBe("c1");
        expect(res.ok).toBe(false);
        expect(res.error.code).toBe("INVALID_REQUEST");
        expect(res.error.message.startsWith("invalid connect params: ")).toBe(true);
        expect(res.error.message.length).toBeGreaterThan("invalid connect params: ".length);
        expect(res.error.message).toContain(mentions);
        message = res.error.message;
      },
      // The close reason is the same text, cut to 120 bytes.
      close: { code: 1008, reason: (r) => r.length > 0 && Buffer.byteLength(r) <= 120 && message.startsWith(r) },
    };
  }),
  {
    name: "a frame over 64 KiB before connect → close 1009",
    send: (nonce) => JSON.stringify({ type: "req", id: "big", method: "connect", params: { ...connectParams(nonce), userAgent: "u".repeat(70 * 1024) } }),
    close: { code: 1009, reason: () => true /* the reason text is not specified */ },
  },
  {
    name: "a binary frame over 64 KiB before connect → close 1009",
    send: () => new Uint8Array(65 * 1024 + 1).fill(0x20),
    close: { code: 1009, reason: () => true /* the reason text is not specified */ },
  },
];

describe("before connect", () => {
  for (const c of preConnectCases) {
    test(c.name, async () => {
      await using gw = await startTestGateway();
      const { client, nonce } = await openWithChallenge(gw);
      client.ws.send(c.send(nonce));
      const closed = await client.closed();
      const after = framesAfterChallenge(client);
      if (c.response) {
        expect(after.length).toBe(1);
        c.response(after[0]!);
      } else {
        expect(after).toEqual([]);
      }
      expect(closed.code).toBe(c.close.code);
      if (typeof c.close.reason === "string") expect(closed.reason).toBe(c.close.reason);
      else expect({ reason: closed.reason, ok: c.close.reason(closed.reason) }).toEqual({ reason: closed.reason, ok: true });
      expect(gw.gateway.services.connections.size).toBe(0);
    });
  }

  test("a binary frame carrying a JSON connect works (decoded as UTF-8)", async () => {
    await using gw = await startTestGateway();
    const { client, nonce } = await openWithChallenge(gw);
    const params = connectParams(nonce, { client: { displayName: "Zoë's Mac ☕" } });
    client.ws.send(encoder.encode(JSON.stringify({ type: "req", id: "bin1", method: "connect", params })));
    const res = await client.response("bin1");
    expect(res.ok).toBe(true);
    expect(res.payload.type).toBe("hello-ok");
    // The UTF-8 display name arrived intact.
    const presence = await client.rpc("system-presence");
    expect(presence.payload.map((p: Frame) => p.host)).toContain("Zoë's Mac ☕");
    // Binary frames keep working after the handshake too.
    client.ws.send(encoder.encode(JSON.stringify({ type: "req", id: "bin2", method: "health" })));
    expect((await client.response("bin2")).ok).toBe(true);
    client.close();
  });

  test("unknown extra fields in connect params, client, auth and the frame are tolerated", async () => {
    await using gw = await startTestGateway();
    const { client, nonce } = await openWithChallenge(gw);
    const params = connectParams(nonce, { device: null }) as Record<string, any>;
    params.futureField = { nested: true };
    params.client = { ...params.client, futureClientField: "x", deviceFamily: "Laptop" };
    params.auth = { ...params.auth, bootstrapToken: "unused", approvalRuntimeToken: "also-unused" };
    params.locale = "de-DE";
    params.userAgent = "hostile-test/1.0";
    client.send({ type: "req", id: "c1", method: "connect", params, traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", extra: 1 });
    const res = await client.response("c1");
    expect(res.ok).toBe(true);
    expect(res.payload.type).toBe("hello-ok");
    client.close();
  });
});

interface AfterConnectCase {
  name: string;
  send: string | Record<string, unknown>;
  expect: (res: Frame) => void;
  /** Response id to wait for. */
  id: string;
}

const invalidFrame = (id: string, check: (message: string) => void = () => {}) => (res: Frame) => {
  expect(Object.keys(res).sort()).toEqual(["error", "id", "ok", "type"]);
  expect(res.type).toBe("res");
  expect(res.id).toBe(id);
  expect(res.ok).toBe(false);
  expect(res.error.code).toBe("INVALID_REQUEST");
  expect(res.error.message.startsWith("invalid request frame: ")).toBe(true);
  check(res.error.message);
};

const exactError = (id: string, code: string, message: string) => (res: Frame) =>
  expect(res).toEqual({ type: "res", id, ok: false, error: { code, message } });

const invalidParams = (id: string, method: string) => (res: Frame) => {
  expect(Object.keys(res).sort()).toEqual(["error", "id", "ok", "type"]);
  expect(res.id).toBe(id);
  expect(res.ok).toBe(false);
  expect(res.error.code).toBe("INVALID_REQUEST");
  expect(res.error.message.startsWith(`invalid ${method} params: `)).toBe(true);
  expect(res.error.message.length).toBeGreaterThan(`invalid ${method} params: `.length);
};

const afterConnectCases: AfterConnectCase[] = [
  {
    name: "non-JSON → id invalid, not valid JSON",
    send: "{{{ nope",
    id: "invalid",
    expect: exactError("invalid", "INVALID_REQUEST", "invalid request frame: not valid JSON"),
  },
  { name: "unknown frame type (id echoed)", send: { type: "bogus", id: "u1", method: "health" }, id: "u1", expect: invalidFrame("u1") },
  { name: "cancel frame (id echoed)", send: { type: "cancel", id: "u2" }, id: "u2", expect: invalidFrame("u2") },
  { name: "missing id", send: { type: "req", method: "health" }, id: "invalid", expect: invalidFrame("invalid") },
  { name: "numeric id", send: { type: "req", id: 42, method: "health" }, id: "invalid", expect: invalidFrame("invalid") },
  { name: "empty id", send: { type: "req", id: "", method: "health" }, id: "invalid", expect: invalidFrame("invalid") },
  { name: "id longer than 256 chars", send: { type: "req", id: "i".repeat(300), method: "health" }, id: "invalid", expect: invalidFrame("invalid") },
  { name: "missing method (id echoed)", send: { type: "req", id: "m1" }, id: "m1", expect: invalidFrame("m1", (m) => expect(m).toContain("method")) },
  { name: "empty method", send: { type: "req", id: "m2", method: "" }, id: "m2", expect: invalidFrame("m2") },
  { name: "numeric method", send: { type: "req", id: "m3", method: 7 }, id: "m3", expect: invalidFrame("m3") },
  { name: "JSON null", send: "null", id: "invalid", expect: invalidFrame("invalid") },
  { name: "JSON number", send: "12345", id: "invalid", expect: invalidFrame("invalid") },
  { name: "JSON array", send: "[{\"type\":\"req\",\"id\":\"a1\",\"method\":\"health\"}]", id: "invalid", expect: invalidFrame("invalid") },
  ...["__proto__", "constructor", "toString", "hasOwnProperty", "valueOf", "prototype", "no.such.method"].map(
    (method, i): AfterConnectCase => ({
      name: `method ${method} → unknown method`,
      send: { type: "req", id: `p${i}`, method, params: {} },
      id: `p${i}`,
      expect: exactError(`p${i}`, "INVALID_REQUEST", `unknown method: ${method}`),
    }),
  ),
  {
    name: "health with probe: \"yes\" → invalid health params",
    send: { type: "req", id: "h1", method: "health", params: { probe: "yes" } },
    id: "h1",
    expect: (res) => {
      invalidParams("h1", "health")(res);
      expect(res.error.message).toContain("probe");
    },
  },
  { name: "health with string params", send: { type: "req", id: "h2", method: "health", params: "probe" }, id: "h2", expect: invalidParams("h2", "health") },
  { name: "health with array params", send: { type: "req", id: "h3", method: "health", params: [true] }, id: "h3", expect: invalidParams("h3", "health") },
  ...(
    [
      ["node.invoke without idempotencyKey", "node.invoke", { nodeId: "n", command: "system.run" }],
      ["node.invoke with numeric nodeId", "node.invoke", { nodeId: 5, command: "x", idempotencyKey: "k" }],
      ["node.invoke with a negative timeout", "node.invoke", { nodeId: "n", command: "x", timeoutMs: -1, idempotencyKey: "k" }],
      ["node.describe without nodeId", "node.describe", {}],
      ["node.rename with an empty name", "node.rename", { nodeId: "n", displayName: "" }],
      ["node.pair.approve with a numeric requestId", "node.pair.approve", { requestId: 1 }],
      ["device.token.rotate with scopes as a string", "device.token.rotate", { deviceId: "d", role: "operator", scopes: "operator.admin" }],
    ] as const
  ).map(
    ([name, method, params], i): AfterConnectCase => ({
      name: `${name} → invalid ${method} params`,
      send: { type: "req", id: `n${i}`, method, params },
      id: `n${i}`,
      expect: invalidParams(`n${i}`, method),
    }),
  ),
  {
    name: "node.describe of __proto__ → unknown nodeId",
    send: { type: "req", id: "nd", method: "node.describe", params: { nodeId: "__proto__" } },
    id: "nd",
    expect: exactError("nd", "INVALID_REQUEST", "unknown nodeId"),
  },
  {
    name: "node.invoke.result from an operator → unauthorized role",
    send: { type: "req", id: "nr", method: "node.invoke.result", params: { id: "x", nodeId: "y", ok: true } },
    id: "nr",
    expect: exactError("nr", "INVALID_REQUEST", "unauthorized role: operator"),
  },
  {
    name: "a second connect",
    send: { type: "req", id: "c2", method: "connect", params: { minProtocol: 3, maxProtocol: 4 } },
    id: "c2",
    expect: exactError("c2", "INVALID_REQUEST", "connect is only valid as the first request"),
  },
  {
    name: "system-event without text",
    send: { type: "req", id: "s1", method: "system-event", params: { instanceId: "x" } },
    id: "s1",
    expect: (res) => {
      invalidParams("s1", "system-event")(res);
      expect(res.error.message).toContain("text");
    },
  },
  {
    name: "system-event with whitespace-only text",
    send: { type: "req", id: "s2", method: "system-event", params: { text: "   " } },
    id: "s2",
    expect: exactError("s2", "INVALID_REQUEST", "text required"),
  },
  { name: "system-event with numeric text", send: { type: "req", id: "s3", method: "system-event", params: { text: 5 } }, id: "s3", expect: invalidParams("s3", "system-event") },
  {
    name: "system-event with text over 4096 chars",
    send: { type: "req", id: "s4", method: "system-event", params: { text: "t".repeat(5000) } },
    id: "s4",
    expect: invalidParams("s4", "system-event"),
  },
];

describe("after connect", () => {
  test("every bad frame gets its error response and the socket stays open", async () => {
    await using gw = await startTestGateway();
    const { client, hello } = await connectClient(gw.url);
    expect(hello.type).toBe("hello-ok");
    for (const c of afterConnectCases) {
      client.send(c.send);
      const res = await client.take((f) => f.type === "res" && f.id === c.id, `response to ${c.name}`);
      try {
        c.expect(res);
      } catch (error) {
        throw new Error(`case "${c.name}": ${(error as Error).message}`);
      }
      // Prove the socket is still usable after each case.
      const health = await client.rpc("health");
      expect({ case: c.name, ok: health.ok }).toEqual({ case: c.name, ok: true });
    }
    expect(client.isClosed).toBe(false);
    // Nothing leaked into presence from the rejected system-events.
    expect((await client.rpc("status")).payload.queuedSystemEvents).toEqual([]);
    client.close();
  });

  for (const c of afterConnectCases) {
    test(`alone: ${c.name}`, async () => {
      await using gw = await startTestGateway();
      const { client } = await connectClient(gw.url);
      client.send(c.send);
      c.expect(await client.take((f) => f.type === "res" && f.id === c.id, `response to ${c.name}`));
      expect((await client.rpc("health")).ok).toBe(true);
      client.close();
    });
  }

  test("a frame over maxPayload closes the socket 1009; other clients and the gateway carry on", async () => {
    await using gw = await startTestGateway({ policy: { maxPayload: 100_000 } });
    const bystander = await connectClient(gw.url);
    const { client, hello } = await connectClient(gw.url);
    expect(hello.policy.maxPayload).toBe(100_000);
    // Just under the limit is fine.
    const fits = await client.rpc("system-event", { text: "ok", tags: ["p".repeat(100)], host: "h".repeat(200) });
    expect(fits.ok).toBe(true);
    client.send({ type: "req", id: "huge", method: "health", params: { pad: "x".repeat(150_000) } });
    const closed = await client.closed();
    // Bun closes oversize frames itself: 1009 "Received too big message".
    expect(closed.code).toBe(1009);
    expect(client.frames.some((f) => f.type === "res" && f.id === "huge")).toBe(false);
    expect((await bystander.client.rpc("health")).ok).toBe(true);
    const fresh = await connectClient(gw.url);
    expect((await fresh.client.rpc("status")).ok).toBe(true);
    fresh.client.close();
    bystander.client.close();
  });

  test("__proto__ / constructor keys in params do not pollute prototypes in the gateway process", async () => {
    await using gw = await startTestGateway();
    const { client } = await connectClient(gw.url);
    // Raw JSON so "__proto__" is an own key on the wire, as a hostile client would send it.
    client.send(
      '{"type":"req","id":"pp1","method":"system-event","params":{"text":"proto","instanceId":"pp",' +
        '"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted2":"yes"}}}}',
    );
    const res = await client.response("pp1");
    expect(res.ok === true || res.error?.code === "INVALID_REQUEST").toBe(true);
    client.send('{"type":"req","id":"pp2","method":"health","params":{"__proto__":{"probe":true}}}');
    expect((await client.response("pp2")).ok).toBe(true);
    client.send('{"__proto__":{"polluted3":"yes"},"type":"req","id":"pp3","method":"status"}');
    await client.response("pp3");
    const plain: Record<string, unknown> = {};
    expect(plain.polluted).toBeUndefined();
    expect(plain.polluted2).toBeUndefined();
    expect(plain.polluted3).toBeUndefined();
    expect((Object.prototype as Record<string, unknown>).polluted).toBeUndefined();
    expect((await client.rpc("health")).ok).toBe(true);
    client.close();
  });

  test("after a barrage of hostile input on many sockets, a new client still works", async () => {
    await using gw = await startTestGateway();
    // Before-connect garbage on several sockets at once.
    const victims = await Promise.all(Array.from({ length: 6 }, () => openWithChallenge(gw)));
    victims[0]!.client.ws.send("not json");
    victims[1]!.client.send({ nope: true });
    victims[2]!.client.send({ type: "req", id: "x", method: "status" });
    victims[3]!.client.send({ type: "req", id: "x", method: "connect", params: { minProtocol: "x" } });
    victims[4]!.client.ws.send(new Uint8Array([0xff, 0xfe, 0xfd, 0x00, 0x80]));
    victims[5]!.client.send({ type: "req", id: "x", method: "connect", params: connectParams(victims[5]!.nonce, { minProtocol: 9, maxProtocol: 9 }) });
    const codes = await Promise.all(victims.map((v) => v.client.closed().then((c) => c.code)));
    expect(codes).toEqual([1000, 1008, 1008, 1008, 1000, 1002]);
    // After-connect garbage.
    const { client } = await connectClient(gw.url);
    for (const c of afterConnectCases) client.send(c.send);
    await client.waitFor("all error responses", () => (client.frames.filter((f) => f.type === "res").length >= afterConnectCases.length ? true : undefined));
    expect(client.isClosed).toBe(false);
    client.close();
    await client.closed();
    const second = await connectClient(gw.url);
    expect(second.hello.type).toBe("hello-ok");
    expect((await second.client.rpc("health")).ok).toBe(true);
    expect((await second.client.rpc("system-presence")).ok).toBe(true);
    second.client.close();
  });
});
