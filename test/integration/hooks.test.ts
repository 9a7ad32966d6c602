/**
 * Hooks (protocol.md §8.4) on a real gateway: off by default, refused while misconfigured (the
 * reason logged once), the token in a header only, wrong tokens counted toward the lockout,
 * `wake` queueing a system event and `agent` starting a real run against a fake provider.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { NO_MODEL_MESSAGE } from "../../src/agent/model/resolve-models.ts";
import { classify } from "../../src/config/reload-rules.ts";
import { normalizeHooksPath } from "../../src/gateway/http/hooks/settings.ts";
import { startFakeOpenAI, type FakeOpenAI } from "../fakes/openai-compatible.ts";
import { startTestGateway, TEST_TOKEN, type TestGateway } from "../helpers/gateway.ts";

const HOOK_TOKEN = "hook-token-fedcba9876543210";
const REPLY = "Hook handled.";

let fake: FakeOpenAI;
let gw: TestGateway;

const modelConfig = () => ({
  models: { providers: { fake: { baseUrl: fake.baseUrl, apiKey: "k", api: "openai-completions", models: [{ id: "m" }] } } },
  agents: { defaults: { model: "fake/m" }, list: [{ id: "main" }, { id: "ops" }] },
});

beforeAll(async () => {
  fake = startFakeOpenAI({ script: () => ({ type: "text", text: REPLY }) });
  gw = await startTestGateway({ config: { hooks: { enabled: true, token: HOOK_TOKEN, maxBodyBytes: 4096 }, ...modelConfig() } });
});

afterAll(async () => {
  await gw?.stop();
  await fake?.stop();
});

function hook(base: string, path: string, body: unknown, headers: Record<string, string> = { authorization: `Bearer ${HOOK_TOKEN}` }, method = "POST") {
  return fetch(base + path, {
    method,
    headers: { "content-type": "application/json", ...headers },
    body: method === "GET" ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
}

describe("when hooks may not be served", () => {
  test("disabled (the default): 404 whatever the method and token", async () => {
    await using off = await startTestGateway({ config: { hooks: { token: HOOK_TOKEN } } });
    for (const method of ["POST", "GET"]) {
      const res = await hook(off.httpUrl, "/hooks/wake", { text: "x" }, { authorization: `Bearer ${HOOK_TOKEN}` }, method);
      expect({ method, status: res.status }).toEqual({ method, status: 404 });
    }
  });

  test("hooks.token equal to the gateway token: 404, and the reason logged once", async () => {
    await using same = await startTestGateway({ config: { hooks: { enabled: true, token: TEST_TOKEN } } });
    for (let i = 0; i < 2; i++) {
      const res = await hook(same.httpUrl, "/hooks/wake", { text: "x" }, { authorization: `Bearer ${TEST_TOKEN}` });
      expect(res.status).toBe(404);
    }
    const reasons = same.logLines.filter((line) => line.includes("hooks are not served"));
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toContain("hooks.token is the same as the gateway's token or password");
    expect(reasons[0]).not.toContain(TEST_TOKEN);
  });

  test("enabled without a token: 404, and the log says why", async () => {
    await using tokenless = await startTestGateway({ config: { hooks: { enabled: true } } });
    expect((await hook(tokenless.httpUrl, "/hooks/wake", { text: "x" }, {})).status).toBe(404);
    await tokenless.waitForLog("hooks.enabled is true but hooks.token is not set");
  });
});

describe("authentication", () => {
  test("Authorization: Bearer and X-OpenClaw-Token both work", async () => {
    expect((await hook(gw.httpUrl, "/hooks/wake", { text: "by bearer" })).status).toBe(200);
    expect((await hook(gw.httpUrl, "/hooks/wake", { text: "by header" }, { "x-openclaw-token": HOOK_TOKEN })).status).toBe(200);
  });

  test("?token= is refused with 400 even next to a valid header", async () => {
    const res = await hook(gw.httpUrl, `/hooks/wake?token=${HOOK_TOKEN}`, { text: "x" });
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toStartWith("text/plain");
    expect(await res.text()).not.toContain(HOOK_TOKEN);
  });

  test("a wrong or missing token → 401 Unauthorized; the gateway token is not a hook token", async () => {
    const attempts: Record<string, string>[] = [{ authorization: "Bearer wrong" }, { "x-openclaw-token": "wrong" }, { authorization: `Bearer ${TEST_TOKEN}` }, {}];
    for (const headers of attempts) {
      const res = await hook(gw.httpUrl, "/hooks/wake", { text: "x" }, headers);
      expect(res.status).toBe(401);
      expect(await res.text()).toBe("Unauthorized");
    }
  });

  test("wrong tokens count toward the lockout: 429 with Retry-After, then even the right token waits", async () => {
    await using limited = await startTestGateway({
      config: { gateway: { auth: { token: TEST_TOKEN, rateLimit: { maxAttempts: 2, exemptLoopback: false } } }, hooks: { enabled: true, token: HOOK_TOKEN } },
    });
    for (let i = 0; i < 2; i++) expect((await hook(limited.httpUrl, "/hooks/wake", { text: "x" }, { authorization: "Bearer guess" })).status).toBe(401);
    const locked = await hook(limited.httpUrl, "/hooks/wake", { text: "x" });
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get("retry-after"))).toBeGreaterThan(0);
  });

  test("non-POST → 405 with Allow: POST", async () => {
    const res = await hook(gw.httpUrl, "/hooks/wake", null, { authorization: `Bearer ${HOOK_TOKEN}` }, "GET");
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("POST");
  });
});

describe("POST /hooks/wake", () => {
  test("200 {ok, mode} and the text queued as a system event", async () => {
    const res = await hook(gw.httpUrl, "/hooks/wake", { text: "The import finished" });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, mode: "now" });
    expect(gw.gateway.services.systemEvents).toContain("The import finished");
    const later = await hook(gw.httpUrl, "/hooks/wake", { text: "Later", mode: "next-heartbeat" });
    expect(await later.json()).toEqual({ ok: true, mode: "next-heartbeat" });
  });

  test("payload errors → 400 {ok:false, error}", async () => {
    for (const [body, error] of [
      [{}, "text required"],
      [{ text: "  " }, "text required"],
      [{ text: "x", mode: "soon" }, 'mode must be "now" or "next-heartbeat"'],
      [[1, 2], "body must be a JSON object"],
      ["{not json", "request body is not valid JSON"],
    ] as const) {
      const res = await hook(gw.httpUrl, "/hooks/wake", body);
      expect({ body, status: res.status, json: await res.json() }).toEqual({ body, status: 400, json: { ok: false, error } });
    }
  });

  test("a body over hooks.maxBodyBytes → 413", async () => {
    const res = await hook(gw.httpUrl, "/hooks/wake", { text: "x".repeat(5000) });
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ ok: false, error: "request body exceeds 4096 bytes" });
  });

  test("other subpaths → 404 (mappings are not implemented)", async () => {
    expect((await hook(gw.httpUrl, "/hooks/gmail", { text: "x" })).status).toBe(404);
  });
});

describe("POST /hooks/agent", () => {
  test("202 {ok, runId}; the run starts in the background in a fresh hook session and reports back", async () => {
    const res = await hook(gw.httpUrl, "/hooks/agent", { message: "Summarize the import", name: "Importer" });
    expect(res.status).toBe(202);
    const body = (await res.json()) as { ok: boolean; runId: string };
    expect(body).toEqual({ ok: true, runId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    const ended = await gw.gateway.services.agent.wait(body.runId, 5000);
    expect(ended?.status).toBe("ok");
    const sent = JSON.stringify(fake.requests.at(-1)!.body);
    expect(sent).toContain("Summarize the import");
    // The payload is marked as coming from this hook, as data.
    expect(sent).toContain("Importer");
    expect(gw.gateway.services.sessions.list({ agentId: "main" }).some((s) => /^agent:main:hook:[0-9a-f-]{36}$/.test(s.key))).toBe(true);
    expect(gw.gateway.services.systemEvents).toContain(`Hook Importer: ${REPLY}`);
    await gw.waitForLog(`hook agent run completed: runId=${body.runId}`);
  });

  test("agentId and sessionKey choose where it runs; deliver:false queues no completion note", async () => {
    const before = gw.gateway.services.systemEvents.length;
    const res = await hook(gw.httpUrl, "/hooks/agent", { message: "for ops", agentId: "ops", sessionKey: "hook:gmail:42", deliver: false, timeoutSeconds: 30 });
    const { runId } = (await res.json()) as { runId: string };
    expect((await gw.gateway.services.agent.wait(runId, 5000))?.status).toBe("ok");
    expect(gw.gateway.services.sessions.get("agent:ops:hook:gmail:42")).not.toBeNull();
    expect(gw.gateway.services.systemEvents.length).toBe(before);
  });

  test("payload errors → 400 {ok:false, error}", async () => {
    for (const [body, error] of [
      [{}, "message required"],
      [{ message: "x", agentId: "nobody" }, "unknown agentId: nobody"],
      [{ message: "x", timeoutSeconds: -1 }, "timeoutSeconds must be a positive number"],
      [{ message: "x", sessionKey: "agent:Bad Id:x" }, expect.stringContaining("invalid session key")],
    ] as const) {
      const res = await hook(gw.httpUrl, "/hooks/agent", body);
      expect({ status: res.status, json: await res.json() }).toEqual({ status: 400, json: { ok: false, error } });
    }
  });

  test("no model configured → 503 with the runtime's message", async () => {
    await using bare = await startTestGateway({ config: { hooks: { enabled: true, token: HOOK_TOKEN } } });
    const res = await hook(bare.httpUrl, "/hooks/agent", { message: "x" });
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ ok: false, error: NO_MODEL_MESSAGE });
  });
});

describe("secrets", () => {
  test("the hook token never reaches the log", () => {
    expect(gw.logLines.join("\n")).not.toContain(HOOK_TOKEN);
  });
});

describe("hooks.path", () => {
  test("a custom path is served there (it is read at start), and /hooks is not", async () => {
    await using custom = await startTestGateway({ config: { hooks: { enabled: true, token: HOOK_TOKEN, path: "webhooks/" } } });
    expect((await hook(custom.httpUrl, "/webhooks/wake", { text: "custom" })).status).toBe(200);
    expect((await hook(custom.httpUrl, "/hooks/wake", { text: "default" })).status).toBe(404);
  });

  test("changing it asks for a restart (the route table is built at start); other hook keys apply hot", () => {
    expect(classify("hooks.path").kind).toBe("restart");
    expect(classify("hooks.token").kind).toBe("hot");
    expect(classify("hooks.enabled").kind).toBe("hot");
  });

  test("normalisation: a leading slash added, trailing ones removed; / and pattern characters refused", () => {
    expect(normalizeHooksPath(undefined)).toBe("/hooks");
    expect(normalizeHooksPath("in/coming//")).toBe("/in/coming");
    for (const bad of ["/", "", "/a*", "/:id", "/a b", 7]) expect(normalizeHooksPath(bad)).toBeNull();
  });
});
