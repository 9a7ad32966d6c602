/**
 * `message` against a real gateway: it asks `send` (with an idempotency key per tool call) and
 * reports only what happened. No channel is configured here, so `send` answers NOT_LINKED and the
 * tool must say so, never that a message went out. Also the shared method-call rule: a gateway refusal is a ToolError in the
 * gateway's words, any other failure stays an exception.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { PLANNED_METHODS } from "../../protocol/planned-methods.ts";
import { callMethod, isNotBuiltYet, jsonResult, MAX_CONTENT_CHARS } from "../../src/agent/tools/method-call.ts";
import { createToolRegistry } from "../../src/agent/tools/registry.ts";
import { ToolError } from "../../src/agent/tools/types.ts";
import { RpcError } from "../../src/gateway/rpc/rpc-error.ts";
import { startTestGateway, type TestGateway } from "../helpers/gateway.ts";
import { operatorCaller, toolContext } from "../helpers/tool-context.ts";

let gw: TestGateway;
const tools = createToolRegistry().toolsFor("agent", {});

beforeAll(async () => {
  gw = await startTestGateway();
});

afterAll(async () => {
  await gw?.stop();
});

describe("message", () => {
  test("calls send with the recipient, text, session and a per-call idempotency key", async () => {
    const ctx = toolContext(gw, { runId: "run-7", toolCallId: "call-3", sessionKey: "agent:main:main" });
    await tools.invoke("message", { to: "+15550002", message: "hello", channel: "telegram" }, ctx);
    expect(ctx.calls).toEqual([
      { method: "send", params: { to: "+15550002", message: "hello", channel: "telegram", sessionKey: "agent:main:main", idempotencyKey: "run-7:call-3" } },
    ]);
  });

  test("with no linked channel the result is an error in the gateway's words (NOT_LINKED)", async () => {
    expect(await tools.run("message", { to: "+15550003", message: "hi" }, toolContext(gw))).toEqual({
      content: "Not sent: no channel is linked",
      isError: true,
      details: { error: "Not sent: no channel is linked" },
    });
    expect(await tools.invoke("message", { to: "123", message: "hi", channel: "telegram" }, toolContext(gw))).toEqual({
      status: "refused",
      message: "Not sent: channel telegram is not linked",
    });
  });

  test("a recipient and a text are required; unknown arguments are refused", async () => {
    const ctx = toolContext(gw);
    expect(await tools.invoke("message", { message: "hi" }, ctx)).toEqual({ status: "refused", message: "invalid arguments: at /: missing required argument 'to'" });
    expect(await tools.invoke("message", { to: "1", message: "" }, ctx)).toEqual({ status: "refused", message: "invalid arguments: at /message: must have at least 1 characters" });
    expect(await tools.invoke("message", { to: "1", message: "hi", media: "x" }, ctx)).toEqual({ status: "refused", message: "invalid arguments: at /: unknown argument 'media'" });
    expect(ctx.calls).toEqual([]);
  });
});

describe("method calls from tools", () => {
  test("a method this build does not have yet comes back in the gateway's words", async () => {
    // Read-only ones only: asking must not set anything off once a method does get built.
    const candidates = ["sessions.usage", "usage.status", "usage.cost", "models.list", "channels.status", "cron.list", "skills.status", "talk.config", "voicewake.get"];
    const notBuilt = [];
    for (const method of candidates.filter((name) => PLANNED_METHODS.has(name))) {
      const error = await gw.gateway.services.call(method, {}, operatorCaller()).then(() => null, (e: unknown) => e);
      if (error instanceof RpcError && isNotBuiltYet(error)) notBuilt.push(method);
    }
    expect(notBuilt.length).toBeGreaterThan(0);
    const method = notBuilt[0]!;
    await expect(callMethod(toolContext(gw), { method, params: {} })).rejects.toEqual(new ToolError(`${method} failed: ${method} is not available in this build yet`));
  });

  test("a missing scope is a refusal too", async () => {
    const ctx = toolContext(gw, { scopes: ["operator.read"] });
    await expect(callMethod(ctx, { method: "node.invoke", params: { nodeId: "n", command: "c", idempotencyKey: "k" } })).rejects.toEqual(new ToolError("node.invoke failed: missing scope: operator.write"));
  });

  test("anything that is not a gateway refusal stays an exception (the registry masks it)", async () => {
    const boom = new TypeError("bug");
    const ctx = toolContext(gw, { call: () => Promise.reject(boom) });
    await expect(callMethod(ctx, { method: "health", params: {} })).rejects.toBe(boom);
  });

  test("structured answers: whole in details, bounded in content", () => {
    expect(jsonResult({ a: 1 })).toEqual({ content: '{"a":1}', details: { a: 1 } });
    const big = { text: "x".repeat(MAX_CONTENT_CHARS) };
    const result = jsonResult(big);
    expect(result.details).toBe(big);
    expect(result.content.length).toBeLessThan(MAX_CONTENT_CHARS + 100);
    expect(result.content.endsWith(`…(truncated; ${MAX_CONTENT_CHARS + 11} characters in all)`)).toBe(true);
  });
});
