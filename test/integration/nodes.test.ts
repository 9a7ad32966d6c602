/** Nodes over real sockets: registration, the invoke relay, allowlists, idempotency, role checks. */
import { describe, expect, test } from "bun:test";
import { eventually } from "../helpers/condition.ts";
import { startTestGateway, type TestGateway } from "../helpers/gateway.ts";
import { connectClient, generateDeviceKeyPair, type Frame, type TestClient } from "../helpers/ws-client.ts";

async function connectNode(gw: TestGateway, commands: string[] = ["system.run", "system.which"], platform = "linux") {
  const keys = generateDeviceKeyPair();
  const node = await connectClient(gw.url, {
    device: keys,
    role: "node",
    scopes: [],
    client: { id: "node-host", mode: "node", platform, displayName: "Build box" },
    extra: { caps: ["system"], commands, pathEnv: "/usr/bin" },
  });
  expect(node.res.ok).toBe(true);
  return { client: node.client, nodeId: keys.deviceId, keys };
}

/** The node side of the relay: answer the next invoke request with `reply`. */
async function answerNext(node: TestClient, reply: (request: Frame) => Record<string, unknown>) {
  const event = await node.nextEvent("node.invoke.request");
  const res = await node.rpc("node.invoke.result", { id: event.payload.id, nodeId: event.payload.nodeId, ...reply(event.payload) });
  return { event, res };
}

const operator = (gw: TestGateway) => connectClient(gw.url, { client: { mode: "ui" } });

describe("registration", () => {
  test("a node appears in node.list and node.describe with what it declared", async () => {
    await using gw = await startTestGateway();
    const { client: node, nodeId } = await connectNode(gw);
    const { client: op } = await operator(gw);
    const list = await op.rpc("node.list");
    expect(list.ok).toBe(true);
    expect(list.payload.nodes).toEqual([
      expect.objectContaining({ nodeId, displayName: "Build box", platform: "linux", caps: ["system"], commands: ["system.run", "system.which"], pathEnv: "/usr/bin", connected: true, paired: true }),
    ]);
    const described = await op.rpc("node.describe", { nodeId });
    expect(described.payload).toMatchObject({ nodeId, connected: true });
    expect(Number.isInteger(described.payload.ts)).toBe(true);
    expect((await op.rpc("node.describe", { nodeId: "nope" })).error).toEqual({ code: "INVALID_REQUEST", message: "unknown nodeId" });
    expect((await op.rpc("node.describe", { nodeId: "__proto__" })).error.message).toBe("unknown nodeId");
    node.close();
    await op.waitFor("node to disconnect", () => (gw.gateway.services.nodes.get(nodeId) ? undefined : true));
    expect((await op.rpc("node.list")).payload.nodes).toEqual([expect.objectContaining({ nodeId, connected: false, paired: true })]);
    op.close();
  });

  test("roles: nodes may not call operator methods, operators may not call node methods", async () => {
    await using gw = await startTestGateway();
    const { client: node } = await connectNode(gw);
    expect((await node.rpc("status")).error).toEqual({ code: "INVALID_REQUEST", message: "unauthorized role: node" });
    expect((await node.rpc("node.list")).error).toEqual({ code: "INVALID_REQUEST", message: "unauthorized role: node" });
    expect((await node.rpc("health")).ok).toBe(true);
    const { client: op } = await operator(gw);
    expect((await op.rpc("node.invoke.result", { id: "x", nodeId: "y", ok: true })).error).toEqual({ code: "INVALID_REQUEST", message: "unauthorized role: operator" });
    expect((await op.rpc("node.event", { event: "x" })).error).toEqual({ code: "INVALID_REQUEST", message: "unauthorized role: operator" });
    node.close();
    op.close();
  });

  test("rename changes the name node.list shows; unknown nodes are refused", async () => {
    await using gw = await startTestGateway();
    const { client: node, nodeId } = await connectNode(gw);
    const { client: op } = await operator(gw);
    expect((await op.rpc("node.rename", { nodeId, displayName: "Kitchen" })).payload).toEqual({ nodeId, displayName: "Kitchen" });
    expect((await op.rpc("node.describe", { nodeId })).payload.displayName).toBe("Kitchen");
    expect((await op.rpc("node.rename", { nodeId: "ghost", displayName: "x" })).error.message).toBe("unknown nodeId");
    node.close();
    op.close();
  });
});

describe("node.invoke relay", () => {
  test("round trip: request to the node only (no seq, paramsJSON), result back to the caller", async () => {
    await using gw = await startTestGateway();
    const { client: node, nodeId } = await connectNode(gw);
    const { client: op } = await operator(gw);
    const id = op.request("node.invoke", { nodeId, command: "system.which", params: { bins: ["sh"] }, idempotencyKey: "k-1" });
    const { event, res } = await answerNext(node, () => ({ ok: true, payloadJSON: JSON.stringify({ bins: { sh: "/bin/sh" } }) }));
    expect(event.seq).toBeUndefined();
    expect(event.payload).toEqual({ id: event.payload.id, nodeId, command: "system.which", paramsJSON: '{"bins":["sh"]}', timeoutMs: 30000, idempotencyKey: "k-1" });
    expect(res.payload).toEqual({ ok: true });
    const answer = await op.response(id);
    expect(answer.payload).toEqual({ ok: true, nodeId, command: "system.which", payload: { bins: { sh: "/bin/sh" } }, payloadJSON: '{"bins":{"sh":"/bin/sh"}}' });
    expect(op.frames.some((f) => f.event === "node.invoke.request")).toBe(false);
    node.close();
    op.close();
  });

  test("a repeated idempotencyKey returns the first result without asking the node again", async () => {
    await using gw = await startTestGateway();
    const { client: node, nodeId } = await connectNode(gw);
    const { client: op } = await operator(gw);
    const params = { nodeId, command: "system.run", params: { command: ["date"] }, idempotencyKey: "once" };
    const first = op.request("node.invoke", params);
    const concurrent = op.request("node.invoke", params);
    await answerNext(node, () => ({ ok: true, payload: { exitCode: 0, stdout: "Thu\n" } }));
    const a = await op.response(first);
    const b = await op.response(concurrent);
    const c = await op.rpc("node.invoke", params);
    expect(a.payload.payload).toEqual({ exitCode: 0, stdout: "Thu\n" });
    expect(b.payload).toEqual(a.payload);
    expect(c.payload).toEqual(a.payload);
    // Barrier: a new key does reach the node. The gateway relays in order, so a relay of the
    // repeated requests would have reached the node before this one.
    const later = op.request("node.invoke", { ...params, idempotencyKey: "later" });
    const { event } = await answerNext(node, () => ({ ok: true, payload: "later" }));
    expect(event.payload.idempotencyKey).toBe("later");
    expect((await op.response(later)).payload.payload).toBe("later");
    expect(node.frames.filter((f) => f.event === "node.invoke.request")).toHaveLength(0);
    node.close();
    op.close();
  });

  test("a node error becomes UNAVAILABLE with the node's error in details", async () => {
    await using gw = await startTestGateway();
    const { client: node, nodeId } = await connectNode(gw);
    const { client: op } = await operator(gw);
    const id = op.request("node.invoke", { nodeId, command: "system.run", params: { command: ["rm"] }, idempotencyKey: "e" });
    await answerNext(node, () => ({ ok: false, error: { code: "NOT_ALLOWED", message: "rm is not in the allowlist" } }));
    expect((await op.response(id)).error).toEqual({
      code: "UNAVAILABLE",
      message: "rm is not in the allowlist",
      details: { nodeError: { code: "NOT_ALLOWED", message: "rm is not in the allowlist" } },
    });
    node.close();
    op.close();
  });

  test("timeout, disconnect mid-invoke, and a node that is not connected", async () => {
    await using gw = await startTestGateway();
    const { client: node, nodeId } = await connectNode(gw);
    const { client: op } = await operator(gw);
    const timedOut = await op.rpc("node.invoke", { nodeId, command: "system.run", timeoutMs: 100, idempotencyKey: "t" });
    expect(timedOut.error).toEqual({ code: "UNAVAILABLE", message: "node invoke timed out", details: { code: "TIMEOUT", timeoutMs: 100 } });

    const pending = op.request("node.invoke", { nodeId, command: "system.run", idempotencyKey: "d" });
    await node.nextEvent("node.invoke.request");
    await node.nextEvent("node.invoke.request");
    const started = Date.now();
    node.close();
    const gone = await op.response(pending);
    expect(gone.error).toEqual({ code: "UNAVAILABLE", message: "node disconnected", details: { code: "NOT_CONNECTED" } });
    expect(Date.now() - started).toBeLessThan(2000);

    const absent = await op.rpc("node.invoke", { nodeId, command: "system.run", idempotencyKey: "n" });
    expect(absent.error).toEqual({ code: "UNAVAILABLE", message: "node not connected", details: { code: "NOT_CONNECTED" } });
    op.close();
  });

  test("allowlist: declared and allowed by platform + allowCommands − denyCommands", async () => {
    await using gw = await startTestGateway({ config: { gateway: { nodes: { allowCommands: ["custom.thing"], denyCommands: ["system.which"] } } } });
    const { client: node, nodeId } = await connectNode(gw, ["system.run", "system.which", "camera.snap", "custom.thing"]);
    const { client: op } = await operator(gw);
    const refuse = async (command: string, reason: string) =>
      expect((await op.rpc("node.invoke", { nodeId, command, idempotencyKey: `a-${command}` })).error).toEqual({
        code: "INVALID_REQUEST",
        message: "node command not allowed",
        details: { reason, command },
      });
    await refuse("system.notify", "not-declared");
    await refuse("camera.snap", "not-allowlisted");
    await refuse("system.which", "denied");
    const id = op.request("node.invoke", { nodeId, command: "custom.thing", idempotencyKey: "a-ok" });
    await answerNext(node, () => ({ ok: true, payload: "done" }));
    expect((await op.response(id)).payload.payload).toBe("done");
    node.close();
    op.close();
  });

  test("a second connection of the same node takes over; results for other nodes are refused", async () => {
    await using gw = await startTestGateway();
    const first = await connectNode(gw);
    const second = await connectClient(gw.url, {
      device: first.keys, role: "node", scopes: [], client: { id: "node-host", mode: "node" }, extra: { commands: ["system.run"] },
    });
    const { client: op } = await operator(gw);
    const id = op.request("node.invoke", { nodeId: first.nodeId, command: "system.run", idempotencyKey: "r" });
    const { res } = await answerNext(second.client, () => ({ ok: true, payload: 1 }));
    expect(res.payload).toEqual({ ok: true });
    expect((await op.response(id)).payload.payload).toBe(1);
    expect(first.client.frames.some((f) => f.event === "node.invoke.request")).toBe(false);
    // The old connection closing must not unregister the new one: wait until the gateway has
    // handled that close (its connection is gone from the registry), then look.
    const open = gw.gateway.services.connections.size;
    first.client.close();
    await eventually("the gateway to handle the old connection's close", () => (gw.gateway.services.connections.size < open ? true : undefined));
    expect(gw.gateway.services.nodes.get(first.nodeId)).toBeDefined();
    expect((await second.client.rpc("node.invoke.result", { id: "late", nodeId: first.nodeId, ok: true })).payload).toEqual({ ok: true, ignored: true });
    const other = await connectNode(gw);
    const stolen = op.request("node.invoke", { nodeId: other.nodeId, command: "system.run", idempotencyKey: "s" });
    const request = await other.client.nextEvent("node.invoke.request");
    const forged = await second.client.rpc("node.invoke.result", { id: request.payload.id, nodeId: first.nodeId, ok: true });
    expect(forged.error).toEqual({ code: "INVALID_REQUEST", message: "nodeId mismatch" });
    await other.client.rpc("node.invoke.result", { id: request.payload.id, nodeId: other.nodeId, ok: true, payload: "mine" });
    expect((await op.response(stolen)).payload.payload).toBe("mine");
    for (const c of [second.client, other.client, op]) c.close();
  });
});
