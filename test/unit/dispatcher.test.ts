/**
 * The dispatcher's error boundary: whatever a handler throws (an Error, a string, undefined,
 * an object), the caller gets one masked UNAVAILABLE response and the details go to the log.
 */
import { expect, test } from "bun:test";
import { createLogging, silentLogger } from "../../src/log/logger.ts";
import { Redactor } from "../../src/log/redact.ts";
import { Dispatcher, type MethodContext } from "../../src/gateway/rpc/dispatcher.ts";
import { RpcError } from "../../src/gateway/rpc/rpc-error.ts";
import { methodHandlers } from "../../src/gateway/methods/registry.ts";

function harness(thrown: () => unknown) {
  const lines: string[] = [];
  const log = createLogging({ consoleLevel: "trace", fileLevel: "silent", file: null, redactor: new Redactor(), stdout: (l) => lines.push(l), stderr: (l) => lines.push(l) }).root;
  const dispatcher = new Dispatcher({ ...methodHandlers, health: () => { throw thrown(); } }, log);
  const sent: unknown[] = [];
  // Only the two methods the dispatcher writes through; the session is a plain value.
  const connection = { respond: (id: string, payload: unknown) => sent.push({ id, ok: true, payload }), respondError: (id: string, error: unknown) => sent.push({ id, ok: false, error }) };
  const ctx = { connection, session: { role: "operator", scopes: ["operator.admin"], protocol: 4 }, services: {} } as unknown as MethodContext;
  return { dispatcher, sent, lines, ctx };
}

for (const [name, value] of [["an Error", () => new Error("disk on fire")], ["a string", () => "boom"], ["undefined", () => undefined], ["an object", () => ({ weird: true })], ["null", () => null]] as const) {
  test(`a handler that throws ${name} gets a masked UNAVAILABLE`, async () => {
    const h = harness(value);
    await h.dispatcher.dispatch("r1", "health", {}, h.ctx);
    expect(h.sent).toEqual([{ id: "r1", ok: false, error: { code: "UNAVAILABLE", message: "internal error" } }]);
    expect(h.lines.some((line) => line.includes("method health failed"))).toBe(true);
  });
}

test("a handler whose promise rejects with a non-Error gets the same masked response", async () => {
  const h = harness(() => "unused");
  const dispatcher = new Dispatcher({ ...methodHandlers, health: () => Promise.reject("late failure") }, silentLogger());
  dispatcher.dispatch("r3", "health", {}, h.ctx);
  await Bun.sleep(1);
  expect(h.sent).toEqual([{ id: "r3", ok: false, error: { code: "UNAVAILABLE", message: "internal error" } }]);
});

test("an RpcError passes through with its code, message and details", async () => {
  const h = harness(() => new RpcError("INVALID_REQUEST", "bad thing", { field: "x" }, { retryable: true, retryAfterMs: 5 }));
  await h.dispatcher.dispatch("r2", "health", {}, h.ctx);
  expect(h.sent).toEqual([{ id: "r2", ok: false, error: { code: "INVALID_REQUEST", message: "bad thing", details: { field: "x" }, retryable: true, retryAfterMs: 5 } }]);
});
