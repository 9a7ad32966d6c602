/**
 * The dispatcher's error boundary and its seams: whatever a handler throws (an Error, a
 * string, undefined, an object), the caller gets one masked UNAVAILABLE response and the
 * details go to the log; any `Replier` can receive answers, and in-process calls get the same
 * role, scope and params checks as a client's request.
 */
import { expect, test } from "bun:test";
import { createLogging } from "../../src/log/logger.ts";
import { Redactor } from "../../src/log/redact.ts";
import type { Caller, Replier } from "../../src/gateway/rpc/caller.ts";
import { Dispatcher, type MethodHandlers } from "../../src/gateway/rpc/dispatcher.ts";
import { RpcError } from "../../src/gateway/rpc/rpc-error.ts";
import type { GatewayServices } from "../../src/gateway/services.ts";
import { methodHandlers } from "../../src/gateway/methods/registry.ts";

function caller(role: "operator" | "node", scopes: string[], protocol = 4): Caller {
  return {
    connId: "test",
    remoteAddress: "127.0.0.1",
    isLocal: true,
    session: {
      protocol, role, scopes, client: { id: "test", version: "1", platform: "test", mode: "test" },
      deviceId: null, authMethod: "token", caps: [], presenceKey: null, node: role === "node" ? { nodeId: "n1", commands: [] } : null,
    },
  };
}

function harness(health: MethodHandlers["health"]) {
  const lines: string[] = [];
  const log = createLogging({ consoleLevel: "trace", fileLevel: "silent", file: null, redactor: new Redactor(), stdout: (l) => lines.push(l), stderr: (l) => lines.push(l) }).root;
  // Only the health handler runs in these tests, and it is replaced: no services are read.
  const dispatcher = new Dispatcher({ handlers: { ...methodHandlers, health }, services: {} as GatewayServices, log });
  const sent: unknown[] = [];
  let answered: () => void = () => {};
  const answer = new Promise<void>((resolve) => (answered = resolve));
  const replier: Replier = {
    respond: (id, payload) => (sent.push({ id, ok: true, payload }), answered()),
    respondError: (id, error) => (sent.push({ id, ok: false, error }), answered()),
  };
  return { dispatcher, sent, lines, replier, answer };
}

const admin = caller("operator", ["operator.admin"]);

for (const [name, value] of [["an Error", () => new Error("disk on fire")], ["a string", () => "boom"], ["undefined", () => undefined], ["an object", () => ({ weird: true })], ["null", () => null]] as const) {
  test(`a handler that throws ${name} gets a masked UNAVAILABLE`, () => {
    const h = harness(() => {
      throw value();
    });
    h.dispatcher.dispatch("r1", "health", {}, admin, h.replier);
    expect(h.sent).toEqual([{ id: "r1", ok: false, error: { code: "UNAVAILABLE", message: "internal error" } }]);
    expect(h.lines.some((line) => line.includes("method health failed"))).toBe(true);
  });
}

test("a handler whose promise rejects with a non-Error gets the same masked response", async () => {
  const h = harness(() => Promise.reject("late failure"));
  h.dispatcher.dispatch("r3", "health", {}, admin, h.replier);
  await h.answer;
  expect(h.sent).toEqual([{ id: "r3", ok: false, error: { code: "UNAVAILABLE", message: "internal error" } }]);
});

test("an RpcError passes through with its code, message, details and retry hint", () => {
  const h = harness(() => {
    throw RpcError.retryLater("INVALID_REQUEST", "bad thing", { details: { field: "x" }, retryAfterMs: 5 });
  });
  h.dispatcher.dispatch("r2", "health", {}, admin, h.replier);
  expect(h.sent).toEqual([{ id: "r2", ok: false, error: { code: "INVALID_REQUEST", message: "bad thing", details: { field: "x" }, retryable: true, retryAfterMs: 5 } }]);
});

test("in-process calls get the same checks: role, scope, params, unknown and prototype names", async () => {
  const h = harness(() => ({ ok: true, ts: 1 }) as never);
  const reader = caller("operator", ["operator.read"]);
  const shape = (promise: Promise<unknown>) => promise.then(() => "ok", (error: RpcError) => error.toShape());
  expect(await shape(h.dispatcher.call("system-event", { text: "hi" }, reader))).toEqual({
    code: "FORBIDDEN", message: "missing scope: operator.admin", details: { code: "MISSING_SCOPE", missingScope: "operator.admin", requiredScopes: ["operator.admin"] },
  });
  expect(await shape(h.dispatcher.call("system-event", { text: "hi" }, caller("operator", ["operator.read"], 3)))).toEqual({ code: "INVALID_REQUEST", message: "missing scope: operator.admin" });
  expect(await shape(h.dispatcher.call("node.invoke.result", {}, admin))).toEqual({ code: "INVALID_REQUEST", message: "unauthorized role: operator" });
  expect(await shape(h.dispatcher.call("status", {}, caller("node", [])))).toEqual({ code: "INVALID_REQUEST", message: "unauthorized role: node" });
  expect(await shape(h.dispatcher.call("health", { probe: "yes" }, admin))).toEqual({ code: "INVALID_REQUEST", message: "invalid health params: at /probe: must be boolean" });
  for (const name of ["no.such.method", "__proto__", "constructor", "toString"]) {
    expect(await shape(h.dispatcher.call(name, {}, admin))).toEqual({ code: "INVALID_REQUEST", message: `unknown method: ${name}` });
  }
  // Methods real clients call that later issues build say so, instead of "unknown".
  for (const name of ["poll", "models.list", "sessions.compact", "wake"]) {
    expect(await shape(h.dispatcher.call(name, {}, admin))).toEqual({ code: "UNAVAILABLE", message: `${name} is not available in this build yet` });
  }
  // Health is open to every role; a node may call it.
  expect(await h.dispatcher.call("health", {}, caller("node", []))).toEqual({ ok: true, ts: 1 });
});
