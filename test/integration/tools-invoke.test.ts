/**
 * `POST /tools/invoke` over real HTTP with the Bearer token (protocol.md §8.3): each response
 * shape (200 result, 400 tool_error, 400 invalid request, 404 not available, 500 masked), the
 * default HTTP deny list and `gateway.tools`, and what the bearer caller may do. The 500 and the
 * request context are seen through the same route mounted with extra tools, on the real
 * gateway's services and HTTP gate.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { t } from "../../protocol/schema-builder.ts";
import { BUILTIN_TOOLS } from "../../src/agent/tools/builtin.ts";
import { createToolRegistry } from "../../src/agent/tools/registry.ts";
import type { Tool } from "../../src/agent/tools/types.ts";
import { createHttpServer } from "../../src/gateway/http/http-server.ts";
import { HTTP_OPERATOR_SCOPES } from "../../src/gateway/http/http-operator.ts";
import { notFound } from "../../src/gateway/http/responses.ts";
import { createToolRoutes } from "../../src/gateway/http/tools-invoke.ts";
import { RpcError } from "../../src/gateway/rpc/rpc-error.ts";
import { silentLogger } from "../../src/log/logger.ts";
import { startTestGateway, TEST_TOKEN, type TestGateway } from "../helpers/gateway.ts";
import { operatorCaller } from "../helpers/tool-context.ts";

let gw: TestGateway;

beforeAll(async () => {
  gw = await startTestGateway();
});

afterAll(async () => {
  await gw?.stop();
});

function invokeAt(baseUrl: string, body: unknown, token: string | null = TEST_TOKEN): Promise<Response> {
  return fetch(`${baseUrl}/tools/invoke`, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
}

const invoke = (body: unknown, token?: string | null) => invokeAt(gw.httpUrl, body, token);

async function answer(res: Response): Promise<{ status: number; body: unknown }> {
  return { status: res.status, body: await res.json() };
}

const toolError = (message: string) => ({ ok: false, error: { type: "tool_error", message } });
const notAvailable = (name: string) => ({ status: 404, body: { ok: false, error: { type: "not_found", message: `Tool not available: ${name}` } } });

describe("200 {ok:true, result}", () => {
  test("canvas_write then canvas_read: the tool's structured result", async () => {
    expect(await answer(await invoke({ tool: "canvas_write", args: { path: "http/hello.html", content: "<p>hello</p>" } }))).toEqual({
      status: 200,
      body: { ok: true, result: { path: "http/hello.html", bytes: 12, created: true } },
    });
    expect(await readFile(join(gw.gateway.services.options.canvas.root, "http", "hello.html"), "utf8")).toBe("<p>hello</p>");
    expect(await answer(await invoke({ tool: "canvas_read", args: { path: "http/hello.html" } }))).toEqual({
      status: 200,
      body: { ok: true, result: { path: "http/hello.html", bytes: 12, content: "<p>hello</p>" } },
    });
  });

  test("`name` wins over `tool`, and surrounding blanks do not matter", async () => {
    const res = await invoke({ tool: "nodes", name: " canvas_list ", args: { path: "http" } });
    expect(await answer(res)).toEqual({
      status: 200,
      body: { ok: true, result: { path: "http", entries: [{ path: "http/hello.html", type: "file", size: 12 }], truncated: false } },
    });
  });

  test("sessions_list answers what sessions.list answers", async () => {
    let truth: { ok: boolean; value: unknown };
    try {
      truth = { ok: true, value: await gw.gateway.services.call("sessions.list", {}, operatorCaller()) };
    } catch (error) {
      truth = { ok: false, value: (error as RpcError).message };
    }
    const { status, body } = await answer(await invoke({ tool: "sessions_list" }));
    if (truth.ok) {
      expect(status).toBe(200);
      expect((body as { ok: boolean }).ok).toBe(true);
      expect(Object.keys((body as { result: object }).result).sort()).toEqual(Object.keys(truth.value as object).sort());
    } else {
      expect({ status, body }).toEqual({ status: 400, body: toolError(`sessions.list failed: ${truth.value}`) });
    }
  });
});

describe("400 tool_error", () => {
  test("arguments that do not fit the tool's schema", async () => {
    expect(await answer(await invoke({ tool: "canvas_read", args: {} }))).toEqual({ status: 400, body: toolError("invalid arguments: at /: missing required argument 'path'") });
    expect(await answer(await invoke({ tool: "canvas_read", args: { path: "a", extra: true } }))).toEqual({ status: 400, body: toolError("invalid arguments: at /: unknown argument 'extra'") });
    expect(await answer(await invoke({ tool: "canvas_read" }))).toEqual({ status: 400, body: toolError("invalid arguments: at /: missing required argument 'path'") });
  });

  test("args that are not an object", async () => {
    for (const args of ["path", [1], 5]) {
      expect(await answer(await invoke({ tool: "canvas_list", args }))).toEqual({ status: 400, body: toolError("args must be an object") });
    }
  });

  test("a refusal: a path out of the canvas root", async () => {
    expect(await answer(await invoke({ tool: "canvas_read", args: { path: "../../openclaw.json" } }))).toEqual({
      status: 400,
      body: toolError(`path "../../openclaw.json" may not contain '..'`),
    });
  });

  test("message: a send that cannot happen is an error, never a success", async () => {
    const refusal = await gw.gateway.services
      .call("send", { to: "+15550001", message: "probe", channel: "telegram", idempotencyKey: "probe" }, operatorCaller())
      .then(() => null, (error: RpcError) => error);
    const res = await invoke({ tool: "message", args: { to: "+15550001", message: "hi", channel: "telegram" } });
    if (refusal?.message === "send is not available in this build yet") {
      expect(await answer(res)).toEqual({ status: 400, body: toolError('Not sent: channel "telegram" is not linked (messaging channels are not available in this build yet).') });
    } else if (refusal) {
      expect(await answer(res)).toEqual({ status: 400, body: toolError(`Not sent: ${refusal.message}`) });
    } else {
      expect(res.status).toBe(200);
    }
  });
});

describe("400 invalid request", () => {
  test("no tool name keeps the existing shape", async () => {
    expect(await answer(await invoke({ args: {} }))).toEqual({ status: 400, body: { error: { message: "tools.invoke requires body.tool", type: "invalid_request_error" } } });
    expect(await answer(await invoke({ tool: "  " }))).toEqual({ status: 400, body: { error: { message: "tools.invoke requires body.tool", type: "invalid_request_error" } } });
  });

  test("an agentId that contradicts the session key, a bad agentId, a bad session key", async () => {
    expect(await answer(await invoke({ tool: "canvas_list", sessionKey: "agent:ops:main", agentId: "main" }))).toEqual({
      status: 400,
      body: { ok: false, error: { type: "invalid_request", message: 'agent id "main" does not match session agent "ops"' } },
    });
    expect(await answer(await invoke({ tool: "canvas_list", agentId: "Not Valid!" }))).toEqual({
      status: 400,
      body: { ok: false, error: { type: "invalid_request", message: "agentId must match [a-z0-9][a-z0-9_-]{0,63}" } },
    });
    expect(await answer(await invoke({ tool: "canvas_list", sessionKey: 42 }))).toEqual({ status: 400, body: { ok: false, error: { type: "invalid_request", message: "sessionKey must be a string" } } });
    expect((await invoke({ tool: "canvas_list", sessionKey: "agent:main:has space" })).status).toBe(400);
    expect(await answer(await invoke({ tool: "canvas_list", idempotencyKey: "k".repeat(201) }))).toEqual({
      status: 400,
      body: { ok: false, error: { type: "invalid_request", message: "idempotencyKey must be at most 200 characters" } },
    });
  });
});

describe("404 Tool not available", () => {
  test("unknown tools and prototype names", async () => {
    for (const name of ["x", "__proto__", "constructor", "toString"]) expect(await answer(await invoke({ tool: name }))).toEqual(notAvailable(name));
  });

  test("nodes is on the default HTTP deny list", async () => {
    expect(await answer(await invoke({ tool: "nodes", action: "list" }))).toEqual(notAvailable("nodes"));
  });

  test("gateway.tools.allow takes nodes off it (and `action` is merged into the args); deny adds tools", async () => {
    await using other = await startTestGateway({ config: { gateway: { tools: { allow: ["nodes"], deny: ["canvas_read"] } } } });
    expect(await answer(await invokeAt(other.httpUrl, { tool: "nodes", action: "list" }))).toEqual({ status: 200, body: { ok: true, result: { ts: expect.any(Number), nodes: [] } } });
    expect(await answer(await invokeAt(other.httpUrl, { tool: "canvas_read", args: { path: "x" } }))).toEqual(notAvailable("canvas_read"));
  });

  test("a reloaded config applies to the next call", async () => {
    await using other = await startTestGateway();
    expect((await invokeAt(other.httpUrl, { tool: "canvas_list" })).status).toBe(200);
    const { services } = other.gateway;
    const file = services.options.file;
    services.applyOptions(services.reloadOptions({ ...file, config: { ...file.config, gateway: { ...file.config.gateway, tools: { deny: ["canvas_list"] } } } }));
    expect(await answer(await invokeAt(other.httpUrl, { tool: "canvas_list" }))).toEqual(notAvailable("canvas_list"));
  });

  test("tools.deny applies here too", async () => {
    await using other = await startTestGateway({ config: { tools: { deny: ["group:fs"] } } });
    expect(await answer(await invokeAt(other.httpUrl, { tool: "canvas_list" }))).toEqual(notAvailable("canvas_list"));
    expect((await invokeAt(other.httpUrl, { tool: "sessions_list" })).status).not.toBe(404);
  });

  test("without the bearer nothing is revealed (401)", async () => {
    expect(await answer(await invoke({ tool: "canvas_list" }, null))).toEqual({ status: 401, body: { error: { message: "Unauthorized", type: "unauthorized" } } });
  });
});

describe("the route with more tools, on the real gateway's services", () => {
  const boom: Tool = {
    name: "boom",
    description: "fails unexpectedly",
    parameters: t.object({}),
    run: async () => Promise.reject(new Error("database at /var/secret is on fire")),
  };
  const whoami: Tool = {
    name: "whoami",
    description: "reports its context and calls admin- and pairing-scoped methods",
    parameters: t.object({ action: t.optional(t.string()) }, { additionalProperties: false }),
    async run(args, ctx) {
      await ctx.call("config.schema", {});
      await ctx.call("device.pair.list", {});
      const context = { args, agentId: ctx.agentId, sessionKey: ctx.sessionKey, runId: ctx.runId, toolCallId: ctx.toolCallId, canvasRoot: ctx.canvasRoot };
      return { content: "ok", details: context };
    },
  };
  let server: ReturnType<typeof Bun.serve> | undefined;
  let url: string;

  beforeAll(() => {
    const registry = createToolRegistry({ tools: [...BUILTIN_TOOLS, boom, whoami] });
    const http = createHttpServer({ routes: createToolRoutes({ registry }), services: gw.gateway.services, log: silentLogger(), ready: () => true, upgrade: () => notFound() });
    const route = http.routes["/tools/invoke"]!;
    server = Bun.serve({
      hostname: "127.0.0.1",
      port: 0,
      reusePort: false,
      fetch: async (request, srv) => (new URL(request.url).pathname === "/tools/invoke" ? await route(request, srv) : undefined) ?? notFound(),
    });
    url = `http://127.0.0.1:${server.port}`;
  });

  afterAll(async () => {
    await server?.stop(true);
  });

  test("500: an unexpected failure is masked for the client and logged for the operator", async () => {
    gw.expectError(/\/tools\/invoke boom failed/);
    const res = await invokeAt(url, { tool: "boom" });
    const text = await res.text();
    expect({ status: res.status, body: JSON.parse(text) }).toEqual({ status: 500, body: { ok: false, error: { type: "tool_error", message: "tool execution failed" } } });
    expect(text).not.toContain("secret");
    const line = await gw.waitForLog("/tools/invoke boom failed");
    expect(line).toContain("[gateway:tools]");
    expect(line).toContain("database at /var/secret is on fire");
  });

  test("the bearer caller is a full operator: admin- and pairing-scoped methods work", async () => {
    expect(HTTP_OPERATOR_SCOPES).toEqual(["operator.admin", "operator.approvals", "operator.pairing", "operator.read", "operator.write"]);
    const res = await invokeAt(url, { tool: "whoami" });
    expect(res.status).toBe(200);
  });

  test("session and call ids: main → the default agent's main key; agentId picks the agent; idempotencyKey is the call id", async () => {
    const root = gw.gateway.services.options.canvas.root;
    const result = async (body: Record<string, unknown>) => ((await (await invokeAt(url, { tool: "whoami", ...body })).json()) as { result: Record<string, unknown> }).result;
    expect(await result({ sessionKey: "main", idempotencyKey: "k-1" })).toEqual({ args: {}, agentId: "main", sessionKey: "agent:main:main", runId: "http", toolCallId: "k-1", canvasRoot: root });
    expect(await result({ agentId: "ops" })).toMatchObject({ agentId: "ops", sessionKey: "agent:ops:main" });
    expect(await result({ sessionKey: "Agent:Ops:Work" })).toMatchObject({ agentId: "ops", sessionKey: "agent:ops:work" });
    expect(await result({ sessionKey: "cron:job-1", action: "run" })).toMatchObject({ args: { action: "run" }, sessionKey: "agent:main:cron:job-1" });
    // `action` never overrides what the args already say.
    expect(await result({ action: "run", args: { action: "keep" } })).toMatchObject({ args: { action: "keep" } });
    const generated = (await result({})).toolCallId as string;
    expect(generated).toMatch(/^[0-9a-f-]{36}$/);
  });
});
