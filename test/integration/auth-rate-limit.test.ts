/**
 * `gateway.auth.rateLimit` over real sockets and HTTP: wrong secrets lock an address out (even
 * the right secret is then refused), WebSocket and HTTP share the count, a success resets it,
 * and remote clients are limited by default while loopback is exempt.
 */
import { describe, expect, test } from "bun:test";
import { startTestGateway, TEST_TOKEN, type TestGateway } from "../helpers/gateway.ts";
import { connectParams, TestClient, type Frame } from "../helpers/ws-client.ts";

const STRICT = { maxAttempts: 5, windowMs: 60_000, lockoutMs: 60_000, exemptLoopback: false };
/** Through a trusted proxy on loopback, the forwarded address is the client's. */
const VIA_PROXY = { "X-Forwarded-For": "203.0.113.9" };
const RATE_LIMITED = {
  code: "INVALID_REQUEST",
  message: "unauthorized: too many failed authentication attempts (retry later)",
  details: { code: "AUTH_RATE_LIMITED", authReason: "rate_limited", canRetryWithDeviceToken: false, recommendedNextStep: "wait_then_retry" },
};

/** A gateway on a clock the test moves by hand. */
async function gatewayWith(gateway: Record<string, unknown>) {
  const clock = { now: Date.now() };
  const gw = await startTestGateway({ config: { gateway: { auth: { token: TEST_TOKEN }, ...gateway } }, now: () => clock.now });
  return { gw, clock };
}

/** One device-less connect with `token`; the response and, for a refusal, the close. */
async function connectWithToken(gw: TestGateway, token: string, headers: Record<string, string> = {}) {
  const client = await TestClient.open(gw.url, headers);
  const challenge = await client.challenge();
  const res = await client.rpc("connect", connectParams(challenge.payload.nonce, { token, device: null }));
  const closed = res.ok ? null : await client.closed();
  client.close();
  return { res, closed };
}

async function failTimes(gw: TestGateway, times: number, headers: Record<string, string> = {}) {
  for (let i = 0; i < times; i++) {
    const { res } = await connectWithToken(gw, `wrong-${i}`, headers);
    expect(res.error.details.authReason).toBe("token_mismatch");
  }
}

function expectRateLimited(outcome: { res: Frame; closed: { code: number; reason: string } | null }, retryAfterMs: number) {
  expect(outcome.res).toEqual({ type: "res", id: outcome.res.id, ok: false, error: { ...RATE_LIMITED, retryAfterMs } });
  expect(outcome.closed).toEqual({ code: 1008, reason: RATE_LIMITED.message });
}

function invokeTool(gw: TestGateway, bearer: string, headers: Record<string, string> = {}) {
  return fetch(`${gw.httpUrl}/tools/invoke`, {
    method: "POST",
    headers: { Authorization: `Bearer ${bearer}`, "Content-Type": "application/json", ...headers },
    body: JSON.stringify({ tool: "sessions_list" }),
  });
}

describe("WebSocket connect", () => {
  test("after 5 wrong tokens the 6th connect is refused as rate limited, even with the right token", async () => {
    const { gw, clock } = await gatewayWith({ auth: { token: TEST_TOKEN, rateLimit: STRICT } });
    await using _ = gw;
    await failTimes(gw, 5);
    expectRateLimited(await connectWithToken(gw, TEST_TOKEN), 60_000);
    clock.now += 25_000;
    expectRateLimited(await connectWithToken(gw, TEST_TOKEN), 35_000);
    // HTTP bearer auth shares the lockout.
    const http = await invokeTool(gw, TEST_TOKEN);
    expect(http.status).toBe(429);
    expect(http.headers.get("retry-after")).toBe("35");
    clock.now += 35_000;
    expect((await connectWithToken(gw, TEST_TOKEN)).res.ok).toBe(true);
  });

  test("a success resets the count", async () => {
    const { gw } = await gatewayWith({ auth: { token: TEST_TOKEN, rateLimit: STRICT } });
    await using _ = gw;
    await failTimes(gw, 4);
    expect((await connectWithToken(gw, TEST_TOKEN)).res.ok).toBe(true);
    await failTimes(gw, 4);
    expect((await connectWithToken(gw, TEST_TOKEN)).res.ok).toBe(true);
  });

  test("each address has its own count", async () => {
    const { gw } = await gatewayWith({ trustedProxies: ["127.0.0.1"], auth: { token: TEST_TOKEN, rateLimit: STRICT } });
    await using _ = gw;
    await failTimes(gw, 5, VIA_PROXY);
    expectRateLimited(await connectWithToken(gw, TEST_TOKEN, VIA_PROXY), 60_000);
    expect((await connectWithToken(gw, TEST_TOKEN)).res.ok).toBe(true);
  });

  test("unconfigured: remote clients get 10 attempts and a 5-minute lockout; loopback is exempt", async () => {
    const { gw } = await gatewayWith({ trustedProxies: ["127.0.0.1"] });
    await using _ = gw;
    await failTimes(gw, 12);
    expect((await connectWithToken(gw, TEST_TOKEN)).res.ok).toBe(true);
    await failTimes(gw, 10, VIA_PROXY);
    expectRateLimited(await connectWithToken(gw, TEST_TOKEN, VIA_PROXY), 300_000);
  });
});

describe("HTTP bearer auth", () => {
  test("after 5 wrong bearers /tools/invoke answers 429 with Retry-After, even for the right one", async () => {
    const { gw } = await gatewayWith({ auth: { token: TEST_TOKEN, rateLimit: STRICT } });
    await using _ = gw;
    for (let i = 0; i < 5; i++) {
      const res = await invokeTool(gw, `wrong-${i}`);
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ error: { message: "Unauthorized", type: "unauthorized" } });
    }
    const limited = await invokeTool(gw, TEST_TOKEN);
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("60");
    expect(limited.headers.get("x-content-type-options")).toBe("nosniff");
    expect(await limited.json()).toEqual({ error: { message: "too many failed authentication attempts; retry later", type: "rate_limited" } });
    // The WebSocket side shares the lockout.
    expectRateLimited(await connectWithToken(gw, TEST_TOKEN), 60_000);
  });

  test("a missing bearer is not counted as a guess; the right one still works", async () => {
    const { gw } = await gatewayWith({ auth: { token: TEST_TOKEN, rateLimit: STRICT } });
    await using _ = gw;
    for (let i = 0; i < 6; i++) {
      const res = await fetch(`${gw.httpUrl}/tools/invoke`, { method: "POST", body: "{}" });
      expect(res.status).toBe(401);
    }
    expect((await invokeTool(gw, TEST_TOKEN)).status).toBe(200);
  });

  test("unconfigured: a remote client is limited after 10 wrong bearers", async () => {
    const { gw } = await gatewayWith({ trustedProxies: ["127.0.0.1"] });
    await using _ = gw;
    for (let i = 0; i < 10; i++) expect((await invokeTool(gw, `wrong-${i}`, VIA_PROXY)).status).toBe(401);
    const limited = await invokeTool(gw, TEST_TOKEN, VIA_PROXY);
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("300");
    // Loopback callers are untouched.
    expect((await invokeTool(gw, TEST_TOKEN)).status).toBe(200);
  });
});
