/**
 * `nodes` against a real gateway with a real node connected over WebSocket: list and describe
 * through `node.list`/`node.describe`, invoke through `node.invoke` with the key
 * `${runId}:${toolCallId}` (so a retried tool call never runs the command twice), and every
 * refusal (command not allowed, node gone, missing scope, missing arguments) as words.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createToolRegistry } from "../../src/agent/tools/registry.ts";
import { startTestGateway, type TestGateway } from "../helpers/gateway.ts";
import { toolContext } from "../helpers/tool-context.ts";
import { connectClient, generateDeviceKeyPair, type TestClient } from "../helpers/ws-client.ts";

let gw: TestGateway;
let node: TestClient;
let nodeId: string;
const tools = createToolRegistry().toolsFor("agent", {});

beforeAll(async () => {
  gw = await startTestGateway({ config: { gateway: { nodes: { denyCommands: ["system.run"] } } } });
  const keys = generateDeviceKeyPair();
  const connected = await connectClient(gw.url, {
    device: keys,
    role: "node",
    scopes: [],
    client: { id: "node-host", mode: "node", platform: "linux", displayName: "Build box" },
    extra: { caps: ["system"], commands: ["system.run", "system.which"] },
  });
  expect(connected.res.ok).toBe(true);
  node = connected.client;
  nodeId = keys.deviceId;
});

afterAll(async () => {
  node?.close();
  await gw?.stop();
});

/** Answers the node's next invoke request with `payload` and returns the request. */
async function answerNext(payload: unknown) {
  const event = await node.nextEvent("node.invoke.request");
  const res = await node.rpc("node.invoke.result", { id: event.payload.id, nodeId, ok: true, payloadJSON: JSON.stringify(payload) });
  expect(res.ok).toBe(true);
  return event.payload;
}

describe("nodes list / describe", () => {
  test("list (and the reference's status) show the connected node", async () => {
    for (const action of ["list", "status"]) {
      const ctx = toolContext(gw);
      const outcome = await tools.invoke("nodes", { action }, ctx);
      expect(ctx.calls).toEqual([{ method: "node.list", params: {} }]);
      expect(outcome.status).toBe("ok");
      const details = (outcome as { result: { details: { nodes: unknown[] } } }).result.details;
      expect(details.nodes).toEqual([expect.objectContaining({ nodeId, displayName: "Build box", connected: true, commands: ["system.run", "system.which"] })]);
    }
  });

  test("describe needs a nodeId and reports an unknown one in the gateway's words", async () => {
    const described = await tools.invoke("nodes", { action: "describe", nodeId }, toolContext(gw));
    expect(described).toMatchObject({ status: "ok", result: { details: { nodeId, connected: true } } });
    expect(await tools.invoke("nodes", { action: "describe" }, toolContext(gw))).toEqual({ status: "refused", message: "nodes describe requires 'nodeId'" });
    expect(await tools.invoke("nodes", { action: "describe", nodeId: "ghost" }, toolContext(gw))).toEqual({ status: "refused", message: "node.describe failed: unknown nodeId" });
  });
});

describe("nodes invoke", () => {
  test("relays to the node with the run's idempotency key and returns its answer", async () => {
    const ctx = toolContext(gw, { runId: "run-9", toolCallId: "call-1" });
    const pending = tools.invoke("nodes", { action: "invoke", nodeId, command: "system.which", params: { bins: ["sh"] }, timeoutMs: 5000 }, ctx);
    const request = await answerNext({ bins: { sh: "/bin/sh" } });
    expect(request).toMatchObject({ nodeId, command: "system.which", paramsJSON: '{"bins":["sh"]}', idempotencyKey: "run-9:call-1" });
    expect(await pending).toEqual({
      status: "ok",
      result: {
        content: JSON.stringify({ ok: true, nodeId, command: "system.which", payload: { bins: { sh: "/bin/sh" } }, payloadJSON: '{"bins":{"sh":"/bin/sh"}}' }),
        details: { ok: true, nodeId, command: "system.which", payload: { bins: { sh: "/bin/sh" } }, payloadJSON: '{"bins":{"sh":"/bin/sh"}}' },
      },
    });
    expect(ctx.calls).toEqual([{ method: "node.invoke", params: { nodeId, command: "system.which", params: { bins: ["sh"] }, timeoutMs: 5000, idempotencyKey: "run-9:call-1" } }]);
  });

  test("the same tool call again gets the first answer without asking the node again", async () => {
    const first = tools.invoke("nodes", { action: "invoke", nodeId, command: "system.which" }, toolContext(gw, { runId: "run-r", toolCallId: "c" }));
    await answerNext({ n: 1 });
    const again = await tools.invoke("nodes", { action: "invoke", nodeId, command: "system.which" }, toolContext(gw, { runId: "run-r", toolCallId: "c" }));
    expect(again).toEqual(await first);
    // The node's next request is the next call's: the repeat never reached it.
    const next = tools.invoke("nodes", { action: "invoke", nodeId, command: "system.which" }, toolContext(gw, { runId: "run-r", toolCallId: "d" }));
    expect((await answerNext({ n: 2 })).idempotencyKey).toBe("run-r:d");
    expect(await next).toMatchObject({ status: "ok", result: { details: { payload: { n: 2 } } } });
  });

  test("gateway.nodes policy applies: a denied command is refused with the reason", async () => {
    const outcome = await tools.invoke("nodes", { action: "invoke", nodeId, command: "system.run", params: { command: ["id"] } }, toolContext(gw, { toolCallId: "denied" }));
    expect(outcome).toEqual({ status: "refused", message: `system.run on ${nodeId} failed: node command not allowed (denied)` });
    const undeclared = await tools.invoke("nodes", { action: "invoke", nodeId, command: "camera.snap" }, toolContext(gw, { toolCallId: "undeclared" }));
    expect(undeclared).toEqual({ status: "refused", message: `camera.snap on ${nodeId} failed: node command not allowed (not-declared)` });
  });

  test("a node that is not connected, a caller without write scope, missing arguments", async () => {
    expect(await tools.invoke("nodes", { action: "invoke", nodeId: "ghost", command: "system.which" }, toolContext(gw, { toolCallId: "g" }))).toEqual({
      status: "refused",
      message: "system.which on ghost failed: node not connected",
    });
    const readOnly = toolContext(gw, { scopes: ["operator.read"], toolCallId: "ro" });
    expect(await tools.invoke("nodes", { action: "invoke", nodeId, command: "system.which" }, readOnly)).toEqual({
      status: "refused",
      message: `system.which on ${nodeId} failed: missing scope: operator.write`,
    });
    expect((await tools.invoke("nodes", { action: "list" }, readOnly)).status).toBe("ok");
    const ctx = toolContext(gw);
    expect(await tools.invoke("nodes", { action: "invoke", nodeId }, ctx)).toEqual({ status: "refused", message: "nodes invoke requires 'command'" });
    expect(await tools.invoke("nodes", { action: "invoke", command: "x" }, ctx)).toEqual({ status: "refused", message: "nodes invoke requires 'nodeId'" });
    expect(await tools.invoke("nodes", { action: "reboot" }, ctx)).toEqual({ status: "refused", message: 'invalid arguments: at /action: must be one of "list", "status", "describe", "invoke"' });
    expect(ctx.calls).toEqual([]);
  });
});
