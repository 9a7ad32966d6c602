/**
 * HTTP on the gateway port (protocol.md §8): probes, `/tools/invoke` auth and errors, the
 * OpenAI endpoints while disabled, JSON 404, the security headers on every response, and that
 * no secret ends up in the log.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startTestGateway, TEST_TOKEN, type TestGateway } from "../helpers/gateway.ts";
import { connectClient, connectParams, TestClient } from "../helpers/ws-client.ts";

let gw: TestGateway;
/** Every response seen in this file, for the header check at the end. */
const seen: { what: string; res: Response }[] = [];

beforeAll(async () => {
  gw = await startTestGateway();
});

afterAll(async () => {
  await gw?.stop();
});

async function call(path: string, init: RequestInit = {}): Promise<Response> {
  const res = await fetch(gw.httpUrl + path, init);
  seen.push({ what: `${init.method ?? "GET"} ${path}`, res });
  return res;
}

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
const jsonBody = (value: unknown, headers: Record<string, string> = {}): RequestInit => ({
  method: "POST",
  headers: { "Content-Type": "application/json", ...headers },
  body: JSON.stringify(value),
});
const UNAUTHORIZED = { error: { message: "Unauthorized", type: "unauthorized" } };

function expectSecurityHeaders(res: Response, what: string) {
  expect({ what, nosniff: res.headers.get("x-content-type-options"), referrer: res.headers.get("referrer-policy") }).toEqual({
    what,
    nosniff: "nosniff",
    referrer: "no-referrer",
  });
}

describe("probes", () => {
  for (const path of ["/health", "/healthz"]) {
    test(`GET ${path} → 200 {"ok":true,"status":"live"}`, async () => {
      const res = await call(path);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toContain("application/json");
      expect(await res.text()).toBe('{"ok":true,"status":"live"}');
    });

    test(`HEAD ${path} → 200 without a body`, async () => {
      const res = await call(path, { method: "HEAD" });
      expect(res.status).toBe(200);
      expect(await res.text()).toBe("");
    });

    test(`POST ${path} → 405`, async () => {
      const res = await call(path, { method: "POST" });
      expect(res.status).toBe(405);
      expect(res.headers.get("allow")).toContain("GET");
    });
  }

  for (const path of ["/readyz", "/ready"]) {
    test(`GET ${path} → 200 ready`, async () => {
      const res = await call(path);
      expect(res.status).toBe(200);
      const body = (await res.json()) as Record<string, unknown>;
      expect(body.ok).toBe(true);
      expect(body.status).toBe("ready");
    });
  }

  test("HEAD /readyz → 200 without a body", async () => {
    const res = await call("/readyz", { method: "HEAD" });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("");
  });

  test("probes need no auth even in password mode", async () => {
    await using other = await startTestGateway({ config: { gateway: { auth: { mode: "password", password: "pw-123456" } } } });
    const res = await fetch(other.httpUrl + "/healthz");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, status: "live" });
  });
});

describe("POST /tools/invoke", () => {
  test("without auth → 401", async () => {
    const res = await call("/tools/invoke", jsonBody({ tool: "x" }));
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual(UNAUTHORIZED);
  });

  test("with a wrong bearer → 401", async () => {
    const res = await call("/tools/invoke", jsonBody({ tool: "x" }, bearer("wrong-token")));
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual(UNAUTHORIZED);
  });

  test("with a bearer that is the token plus a suffix → 401", async () => {
    const res = await call("/tools/invoke", jsonBody({ tool: "x" }, bearer(`${TEST_TOKEN}x`)));
    expect(res.status).toBe(401);
  });

  test("with a non-Bearer scheme → 401", async () => {
    const res = await call("/tools/invoke", jsonBody({ tool: "x" }, { Authorization: `Basic ${btoa(`user:${TEST_TOKEN}`)}` }));
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual(UNAUTHORIZED);
  });

  test("?token=<right token> → 400 and the token is not echoed", async () => {
    const res = await call(`/tools/invoke?token=${encodeURIComponent(TEST_TOKEN)}`, jsonBody({ tool: "x" }));
    expect(res.status).toBe(400);
    const text = await res.text();
    expect(text).not.toContain(TEST_TOKEN);
    expect((JSON.parse(text) as { error: { type: string } }).error.type).toBe("invalid_request_error");
  });

  test("?token= is refused even alongside a right bearer", async () => {
    const res = await call(`/tools/invoke?token=${encodeURIComponent(TEST_TOKEN)}`, jsonBody({ tool: "x" }, bearer(TEST_TOKEN)));
    expect(res.status).toBe(400);
    expect(await res.text()).not.toContain(TEST_TOKEN);
  });

  test("right bearer, unknown tool → 404 not_found in the reference shape", async () => {
    const res = await call("/tools/invoke", jsonBody({ tool: "x" }, bearer(TEST_TOKEN)));
    expect(res.status).toBe(404);
    expect(await res.text()).toBe('{"ok":false,"error":{"type":"not_found","message":"Tool not available: x"}}');
  });

  test("right bearer, missing tool → 400 tools.invoke requires body.tool", async () => {
    const res = await call("/tools/invoke", jsonBody({ args: {} }, bearer(TEST_TOKEN)));
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: { message: "tools.invoke requires body.tool", type: "invalid_request_error" } });
  });

  test("right bearer, tool that is not a string → 400", async () => {
    const res = await call("/tools/invoke", jsonBody({ tool: 42 }, bearer(TEST_TOKEN)));
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: { message: "tools.invoke requires body.tool", type: "invalid_request_error" } });
  });

  test("right bearer, bad JSON → 400 invalid_request_error", async () => {
    const res = await call("/tools/invoke", { method: "POST", headers: { "Content-Type": "application/json", ...bearer(TEST_TOKEN) }, body: "{tool: oops" });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { message: string; type: string } };
    expect(body.error.type).toBe("invalid_request_error");
    expect(typeof body.error.message).toBe("string");
  });

  test("GET → 405 with Allow: POST", async () => {
    const res = await call("/tools/invoke", { headers: bearer(TEST_TOKEN) });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("POST");
  });

  test("a body over 2 MiB → 413", async () => {
    const body = JSON.stringify({ tool: "x", args: { pad: "a".repeat(2 * 1024 * 1024) } });
    const res = await call("/tools/invoke", { method: "POST", headers: { "Content-Type": "application/json", ...bearer(TEST_TOKEN) }, body });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { type: string } }).error.type).toBe("invalid_request_error");
  });

  test("a body just under 2 MiB is read (and the tool is unknown)", async () => {
    const body = JSON.stringify({ tool: "x", args: { pad: "a".repeat(2 * 1024 * 1024 - 100) } });
    const res = await call("/tools/invoke", { method: "POST", headers: { "Content-Type": "application/json", ...bearer(TEST_TOKEN) }, body });
    expect(res.status).toBe(404);
  });
});

describe("OpenAI-compatible endpoints", () => {
  for (const path of ["/v1/chat/completions", "/v1/responses"]) {
    test(`${path} → 404 while disabled, even with the right bearer`, async () => {
      const res = await call(path, jsonBody({ model: "openclaw", messages: [{ role: "user", content: "hi" }] }, bearer(TEST_TOKEN)));
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({ error: { message: "Not Found", type: "not_found" } });
    });
  }

  test("once enabled they require auth (401 without a bearer)", async () => {
    await using enabled = await startTestGateway({
      config: { gateway: { auth: { token: TEST_TOKEN }, http: { endpoints: { chatCompletions: { enabled: true }, responses: { enabled: true } } } } },
    });
    for (const path of ["/v1/chat/completions", "/v1/responses"]) {
      const res = await fetch(enabled.httpUrl + path, jsonBody({ model: "openclaw", messages: [] }));
      expect({ path, status: res.status }).toEqual({ path, status: 401 });
      expect(await res.json()).toEqual(UNAUTHORIZED);
      const get = await fetch(enabled.httpUrl + path);
      expect({ path, status: get.status, allow: get.headers.get("allow") }).toEqual({ path, status: 405, allow: "POST" });
    }
  });
});

describe("everything else", () => {
  for (const path of ["/nope", "/v1/models", "/tools", "/tools/invoke/extra", "/%2e%2e/etc/passwd"]) {
    test(`GET ${path} → JSON 404`, async () => {
      const res = await call(path);
      expect(res.status).toBe(404);
      expect(res.headers.get("content-type")).toContain("application/json");
      expect(await res.json()).toEqual({ error: { message: "Not Found", type: "not_found" } });
    });
  }

  test("every response carried X-Content-Type-Options: nosniff and Referrer-Policy: no-referrer", () => {
    expect(seen.length).toBeGreaterThan(20);
    for (const { what, res } of seen) expectSecurityHeaders(res, what);
  });
});

describe("secrets stay out of the log", () => {
  test("after auth failures over HTTP and WebSocket the log never contains the token", async () => {
    const linesBefore = gw.logLines.length;
    // HTTP: token in the query, token as a wrong-case scheme, token with a suffix.
    await call(`/tools/invoke?token=${TEST_TOKEN}`, jsonBody({ tool: TEST_TOKEN }));
    await call("/tools/invoke", jsonBody({ tool: "x" }, bearer(`${TEST_TOKEN}-wrong`)));
    await call(`/nope/${TEST_TOKEN}`);
    // WebSocket: a wrong token that contains the real one, a right token, a password-shaped attempt.
    const failing = await TestClient.open(gw.url);
    const challenge = await failing.challenge();
    const res = await failing.rpc("connect", connectParams(challenge.payload.nonce, { token: `${TEST_TOKEN}-wrong` }));
    expect(res.ok).toBe(false);
    expect(res.error.message).not.toContain(TEST_TOKEN);
    expect((await failing.closed()).reason).not.toContain(TEST_TOKEN);
    const ok = await connectClient(gw.url);
    expect(ok.hello.type).toBe("hello-ok");
    ok.client.close();
    await ok.client.closed();
    // The log did record these events; it just must not hold the secret.
    expect(gw.logLines.length).toBeGreaterThan(linesBefore);
    const log = gw.logLines.join("\n");
    expect(log.length).toBeGreaterThan(0);
    expect(log).not.toContain(TEST_TOKEN);
  });
});
