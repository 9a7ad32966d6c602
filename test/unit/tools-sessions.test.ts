/**
 * `sessions_list` and `sessions_history` against a real gateway's `services.call`. The methods
 * behind them (`sessions.list`, `chat.history`) are being built beside these tools, so each test
 * first asks the gateway itself and then expects the tool to say the same: the answer when the
 * method answers, the gateway's own refusal (e.g. UNAVAILABLE "… not available in this build
 * yet") as an error result when it does not. The tool never invents an answer.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createToolRegistry } from "../../src/agent/tools/registry.ts";
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

/** What the gateway answers a read-and-write operator, as a tool outcome would carry it. */
async function gatewaySays(method: string, params: unknown): Promise<{ ok: true; payload: unknown } | { ok: false; message: string }> {
  try {
    return { ok: true, payload: await gw.gateway.services.call(method, params, operatorCaller()) };
  } catch (error) {
    if (!(error instanceof RpcError)) throw error;
    return { ok: false, message: error.message };
  }
}

/** Answers carry the time they were made (`ts`); two calls a millisecond apart still say the same. */
function sameAnswer(value: unknown): unknown {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return value;
  const { ts: _ts, ...rest } = value as Record<string, unknown>;
  return rest;
}

function expectSameOutcome(outcome: unknown, truth: Awaited<ReturnType<typeof gatewaySays>>, method: string) {
  if (!truth.ok) {
    expect(outcome).toEqual({ status: "refused", message: `${method} failed: ${truth.message}` });
    return;
  }
  const { result } = outcome as { status: string; result: { content: string; details: unknown } };
  expect({ status: (outcome as { status: string }).status, details: sameAnswer(result.details), content: sameAnswer(JSON.parse(result.content)) }).toEqual({
    status: "ok",
    details: sameAnswer(truth.payload),
    content: sameAnswer(truth.payload),
  });
}

describe("sessions_list", () => {
  test("asks sessions.list with the arguments given and reports what it said", async () => {
    const ctx = toolContext(gw);
    const outcome = await tools.invoke("sessions_list", { limit: 5 }, ctx);
    expect(ctx.calls).toEqual([{ method: "sessions.list", params: { limit: 5 } }]);
    expectSameOutcome(outcome, await gatewaySays("sessions.list", { limit: 5 }), "sessions.list");
  });

  test("no arguments means no params beyond the method's defaults", async () => {
    const ctx = toolContext(gw);
    await tools.invoke("sessions_list", {}, ctx);
    expect(ctx.calls).toEqual([{ method: "sessions.list", params: {} }]);
  });

  test("bad arguments never reach the gateway", async () => {
    const ctx = toolContext(gw);
    expect(await tools.invoke("sessions_list", { limit: 0 }, ctx)).toEqual({ status: "refused", message: "invalid arguments: at /limit: must be >= 1" });
    expect(await tools.invoke("sessions_list", { limit: "5" }, ctx)).toEqual({ status: "refused", message: "invalid arguments: at /limit: must be an integer" });
    expect(ctx.calls).toEqual([]);
  });

  test("an error result, for the model, carries the gateway's words", async () => {
    const truth = await gatewaySays("sessions.list", {});
    const result = await tools.run("sessions_list", {}, toolContext(gw));
    if (truth.ok) expect(result.isError).toBeUndefined();
    else expect(result).toEqual({ content: `sessions.list failed: ${truth.message}`, isError: true, details: { error: `sessions.list failed: ${truth.message}` } });
  });
});

describe("sessions_history", () => {
  test("asks chat.history for the session with a bounded default limit", async () => {
    const ctx = toolContext(gw);
    const outcome = await tools.invoke("sessions_history", { sessionKey: "agent:main:main" }, ctx);
    expect(ctx.calls).toEqual([{ method: "chat.history", params: { sessionKey: "agent:main:main", limit: 50 } }]);
    expectSameOutcome(outcome, await gatewaySays("chat.history", { sessionKey: "agent:main:main", limit: 50 }), "chat.history");
  });

  test("passes the limit it was given", async () => {
    const ctx = toolContext(gw);
    await tools.invoke("sessions_history", { sessionKey: "agent:main:other", limit: 3 }, ctx);
    expect(ctx.calls).toEqual([{ method: "chat.history", params: { sessionKey: "agent:main:other", limit: 3 } }]);
  });

  test("a session key is required and the limit is bounded like chat.history's", async () => {
    const ctx = toolContext(gw);
    expect(await tools.invoke("sessions_history", {}, ctx)).toEqual({ status: "refused", message: "invalid arguments: at /: missing required argument 'sessionKey'" });
    expect(await tools.invoke("sessions_history", { sessionKey: "k", limit: 1001 }, ctx)).toEqual({ status: "refused", message: "invalid arguments: at /limit: must be <= 1000" });
    expect(ctx.calls).toEqual([]);
  });
});
