/**
 * `openclaw nodes …` and `openclaw devices …`: the real CLI against an in-process gateway,
 * with node and remote-device clients on raw sockets.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { makeTempHome, startTestGateway, type TestGateway } from "../helpers/gateway.ts";
import { runCli, UNREACHABLE_URL } from "../helpers/cli.ts";
import { connectClient, generateDeviceKeyPair } from "../helpers/ws-client.ts";

const homes: string[] = [];
afterAll(() => Promise.all(homes.map((dir) => rm(dir, { recursive: true, force: true }))));
async function home(): Promise<string> {
  homes.push(await makeTempHome());
  return homes.at(-1)!;
}

/** Runs `openclaw <args> --url <gw>` with the gateway's home, so the token comes from its config. */
const cli = (gw: TestGateway, ...args: string[]) => runCli([...args, "--url", gw.url], { home: gw.home });
const json = async (gw: TestGateway, ...args: string[]) => {
  const result = await cli(gw, ...args, "--json");
  expect(result.stderr).toBe("");
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout);
};

/** The whole result of a successful or failed run (errors are one line, exit 1). */
const ok = (stdout: string) => ({ code: 0, stdout: `${stdout}\n`, stderr: "" });
const fails = (message: string) => ({ code: 1, stdout: "", stderr: `error: ${message}\n` });

/** A node host on this machine; its nodeId is its device id. */
function connectNode(gw: TestGateway, keys = generateDeviceKeyPair()) {
  return connectClient(gw.url, {
    device: keys,
    role: "node",
    scopes: [],
    client: { id: "node-host", mode: "node", displayName: "Lab box" },
    extra: { caps: ["system"], commands: ["system.which"] },
  });
}

/**
 * A forwarded connection from no trusted proxy is not local (so not auto-approved), and its
 * claimed client address is ignored: the gateway records the socket address.
 */
const REMOTE = { "X-Forwarded-For": "203.0.113.9" };

describe("nodes/devices usage", () => {
  const commands = ["nodes", "nodes list", "nodes pending", "nodes describe", "nodes invoke", "nodes approve", "nodes reject", "nodes rename",
    "devices", "devices list", "devices approve", "devices reject", "devices remove", "devices rotate", "devices revoke"];
  for (const command of commands) {
    test(`${command} --help prints usage`, async () => {
      const result = await runCli([...command.split(" "), "--help"], { home: await home() });
      expect(result.code).toBe(0);
      expect(result.stdout).toContain("USAGE");
      expect(result.stdout).toContain("--url");
    });
  }

  test("bad input fails in one line before connecting", async () => {
    // Nothing can listen there, so "not reachable" would show if these got as far as connecting.
    const run = async (...args: string[]) => runCli([...args, "--url", UNREACHABLE_URL], { home: await home() });
    expect(await run("nodes", "invoke", "n1", "system.which", "--params", "{oops")).toEqual(fails("--params is not valid JSON: {oops"));
    expect(await run("nodes", "invoke", "n1", "system.which", "--invoke-timeout", "soon")).toEqual(fails("invalid --invoke-timeout soon: use milliseconds between 1 and 600000"));
    expect(await run("devices", "approve")).toEqual(fails("Missing required positional argument: REQUESTID"));
  });
});

describe("openclaw nodes", () => {
  test("list shows a connected node, as JSON and as a table", async () => {
    await using gw = await startTestGateway();
    const keys = generateDeviceKeyPair();
    const { client: node, res } = await connectNode(gw, keys);
    expect(res.ok).toBe(true);
    const nodeId = keys.deviceId;
    const listed = await json(gw, "nodes", "list");
    expect(listed.nodes).toHaveLength(1);
    // A local node host is device-paired on connect, so it counts as paired.
    expect(listed.nodes[0]).toMatchObject({ nodeId, displayName: "Lab box", platform: "linux", caps: ["system"], commands: ["system.which"], connected: true, paired: true });

    const human = await cli(gw, "nodes", "list");
    expect(human.code).toBe(0);
    expect(human.stdout).toBe(
      `nodeId${" ".repeat(nodeId.length - 6)}  name     platform  connected  paired  commands\n` +
        `${nodeId}  Lab box  linux     yes        yes     system.which\n`,
    );
    // `openclaw nodes` alone lists too.
    expect((await cli(gw, "nodes")).stdout).toBe(human.stdout);

    const described = await cli(gw, "nodes", "describe", nodeId);
    expect(described.code).toBe(0);
    expect(described.stdout).toContain(`nodeId     ${nodeId}\nname       Lab box\nplatform   linux\n`);
    expect(described.stdout).toContain("commands   system.which\n");
    expect(described.stdout).toMatch(/connected  yes \(since \d{4}-\d\d-\d\dT/);
    node.close();
  });

  test("an empty gateway says so; an unknown node is a one-line error", async () => {
    await using gw = await startTestGateway();
    expect(await cli(gw, "nodes", "describe", "no-such-node")).toEqual(fails("node.describe failed: unknown nodeId"));
    expect(await cli(gw, "nodes", "list")).toEqual(ok("No nodes connected or paired."));
    expect(await cli(gw, "nodes", "pending")).toEqual(ok("Pending node pairing requests: none\nPaired nodes: none"));
  });

  test("invoke sends the command to the node and prints its payload", async () => {
    await using gw = await startTestGateway();
    const keys = generateDeviceKeyPair();
    const { client: node } = await connectNode(gw, keys);
    const nodeId = keys.deviceId;
    const running = cli(gw, "nodes", "invoke", nodeId, "system.which", "--params", '{"bins":["git"]}', "--invoke-timeout", "4000", "--idempotency-key", "k-1");
    const request = await node.nextEvent("node.invoke.request", 10_000);
    expect(request.payload).toMatchObject({ nodeId, command: "system.which", paramsJSON: '{"bins":["git"]}', timeoutMs: 4000, idempotencyKey: "k-1" });
    expect((await node.rpc("node.invoke.result", { id: request.payload.id, nodeId, ok: true, payloadJSON: '{"git":"/usr/bin/git"}' })).ok).toBe(true);
    expect(await running).toEqual(ok('{\n  "git": "/usr/bin/git"\n}'));

    // Without --idempotency-key a fresh UUID is sent; --json prints the whole result.
    const again = cli(gw, "nodes", "invoke", nodeId, "system.which", "--json");
    const second = await node.nextEvent("node.invoke.request", 10_000);
    expect(second.payload.idempotencyKey).toMatch(/^[0-9a-f-]{36}$/);
    expect(second.payload.paramsJSON).toBeNull();
    await node.rpc("node.invoke.result", { id: second.payload.id, nodeId, ok: true, payloadJSON: "{}" });
    expect(JSON.parse((await again).stdout)).toEqual({ ok: true, nodeId, command: "system.which", payload: {}, payloadJSON: "{}" });

    expect(await cli(gw, "nodes", "invoke", nodeId, "camera.snap")).toEqual(fails("node.invoke failed: node command not allowed"));
    node.close();
    await node.closed();
    expect(await cli(gw, "nodes", "invoke", nodeId, "system.which")).toEqual(fails("node.invoke failed: node not connected"));
  });

  test("pairing: pending, approve, reject, rename", async () => {
    await using gw = await startTestGateway();
    const { client: admin } = await connectClient(gw.url);
    const kitchen = (await admin.rpc("node.pair.request", { nodeId: "n1", displayName: "Kitchen" })).payload.request.requestId as string;
    const garage = (await admin.rpc("node.pair.request", { nodeId: "n2", displayName: "Garage", platform: "linux" })).payload.request.requestId as string;

    const before = await json(gw, "nodes", "pending");
    expect(before.pending.map((r: any) => r.requestId).sort()).toEqual([kitchen, garage].sort());
    const human = await cli(gw, "nodes", "pending");
    expect(human.stdout).toMatch(/^Pending node pairing requests \(2\):\n  requestId +nodeId +name +platform +repair +requested\n/);
    expect(human.stdout).toMatch(new RegExp(`  ${kitchen}  n1 +Kitchen  - +no +\\d+s ago\\n`));
    expect(human.stdout).toEndWith("Paired nodes: none\n");

    expect(await cli(gw, "nodes", "approve", kitchen)).toEqual(ok(`Approved node n1 "Kitchen" (request ${kitchen})`));
    expect(await cli(gw, "nodes", "reject", garage)).toEqual(ok(`Rejected node n2 (request ${garage})`));
    expect(await cli(gw, "nodes", "approve", garage)).toEqual(fails("node.pair.approve failed: unknown requestId"));

    const after = await json(gw, "nodes", "pending");
    expect(after.pending).toEqual([]);
    expect(after.paired).toHaveLength(1);
    expect(after.paired[0]).toMatchObject({ nodeId: "n1", displayName: "Kitchen" });
    // A node's token is handed over once, by the approval; no list sends it again (as the reference).
    expect(after.paired[0]).not.toHaveProperty("token");
    const pairedHuman = await cli(gw, "nodes", "pending");
    expect(pairedHuman.stdout).toMatch(/^Pending node pairing requests: none\nPaired nodes \(1\):\n  nodeId  name +platform  approved\n  n1 +Kitchen  - +\d+s ago\n$/);

    expect(await cli(gw, "nodes", "rename", "n1", "Pantry")).toEqual(ok('Renamed node n1 to "Pantry"'));
    const listed = await json(gw, "nodes", "list");
    expect(listed.nodes).toEqual([{ nodeId: "n1", displayName: "Pantry", caps: [], commands: [], paired: true, connected: false }]);
    admin.close();
  });
});

describe("openclaw devices", () => {
  test("list shows the CLI's own auto-paired device without its token", async () => {
    await using gw = await startTestGateway();
    const listed = await json(gw, "devices", "list");
    const identity = JSON.parse(await readFile(join(gw.stateDir, "identity", "device.json"), "utf8"));
    const issued = JSON.parse(await readFile(join(gw.stateDir, "identity", "device-auth.json"), "utf8")).tokens.operator.token as string;
    expect(listed.pending).toEqual([]);
    expect(listed.paired).toHaveLength(1);
    const self = listed.paired[0];
    expect(self).toMatchObject({ deviceId: identity.deviceId, clientId: "cli", clientMode: "cli", roles: ["operator"], scopes: ["operator.admin", "operator.approvals", "operator.pairing"] });
    expect(self.tokens).toHaveLength(1);
    expect(Object.keys(self.tokens[0])).not.toContain("token");
    expect(JSON.stringify(listed)).not.toContain(issued);

    const human = await cli(gw, "devices", "list");
    expect(human.code).toBe(0);
    expect(human.stdout).toStartWith("Pending device pairing requests: none\nPaired devices (1):\n  deviceId");
    expect(human.stdout).toContain(`  ${identity.deviceId}  -     ${process.platform}`);
    expect(human.stdout).toContain("cli/cli  operator  operator.admin,operator.approvals,operator.pairing  operator");
    expect(human.stdout).not.toContain(issued);
  });

  test("a remote device: NOT_PAIRED with a requestId, approve, rotate, revoke, remove", async () => {
    await using gw = await startTestGateway();
    const keys = generateDeviceKeyPair();
    const refused = await connectClient(gw.url, { device: keys }, REMOTE);
    expect(refused.res.ok).toBe(false);
    expect(refused.res.error.code).toBe("NOT_PAIRED");
    const requestId: string = refused.res.error.details.requestId;
    expect(requestId).toBeString();
    refused.client.close();

    const pending = await json(gw, "devices", "list");
    expect(pending.pending).toHaveLength(1);
    expect(pending.pending[0]).toMatchObject({ requestId, deviceId: keys.deviceId, role: "operator", remoteIp: "127.0.0.1", reason: "not-paired" });
    const human = await cli(gw, "devices", "list");
    // Pending requests come first: they need an answer.
    expect(human.stdout).toMatch(new RegExp(`^Pending device pairing requests \\(1\\):\\n  requestId .*\\n  ${requestId}  ${keys.deviceId}  -  +linux  +test/test  operator  .* 127\\.0\\.0\\.1  not-paired  \\d+s ago\\n`));

    expect(await cli(gw, "devices", "approve", requestId)).toEqual(ok(`Approved device ${keys.deviceId} (request ${requestId})`));
    const accepted = await connectClient(gw.url, { device: keys }, REMOTE);
    expect(accepted.res.ok).toBe(true);
    accepted.client.close();

    // Rotate: the token is a secret, printed only when asked for.
    expect(await cli(gw, "devices", "rotate", keys.deviceId, "--role", "operator")).toEqual(
      ok(`Rotated the operator token of device ${keys.deviceId} on ${gw.url} (scopes: operator.admin,operator.approvals,operator.pairing)
The new token is a secret and is not printed; pass --show-token (or --json) when rotating to see it.`),
    );
    const shown = await cli(gw, "devices", "rotate", keys.deviceId, "--scopes", "operator.read", "--show-token");
    expect(shown.stdout).toMatch(new RegExp(`^Rotated the operator token of device ${keys.deviceId} on .* \\(scopes: operator.read\\)\\n[A-Za-z0-9_-]{43}\\n$`));
    const asJson = await json(gw, "devices", "rotate", keys.deviceId);
    expect(asJson).toMatchObject({ deviceId: keys.deviceId, role: "operator" });
    expect(asJson.token).toMatch(/^[A-Za-z0-9_-]{43}$/);

    // The rotated token signs the device in.
    const withToken = await connectClient(gw.url, { device: keys, token: asJson.token, scopes: ["operator.read"] }, REMOTE);
    expect(withToken.res.ok).toBe(true);
    withToken.client.close();

    expect(await cli(gw, "devices", "revoke", keys.deviceId, "--role", "operator")).toEqual(ok(`Revoked the operator token of device ${keys.deviceId}`));
    const revoked = (await json(gw, "devices", "list")).paired.find((d: any) => d.deviceId === keys.deviceId);
    expect(revoked.tokens[0].revokedAtMs).toBeNumber();
    expect((await cli(gw, "devices", "list")).stdout).toContain("operator(revoked)");

    expect(await cli(gw, "devices", "remove", keys.deviceId)).toEqual(ok(`Removed device ${keys.deviceId}`));
    expect((await json(gw, "devices", "list")).paired.map((d: any) => d.deviceId)).not.toContain(keys.deviceId);
    const again = await connectClient(gw.url, { device: keys }, REMOTE);
    expect(again.res.error?.code).toBe("NOT_PAIRED");
    again.client.close();

    expect(await cli(gw, "devices", "remove", keys.deviceId)).toEqual(fails("device.pair.remove failed: unknown deviceId"));
  });

  test("reject drops the request; the device stays unpaired", async () => {
    await using gw = await startTestGateway();
    const keys = generateDeviceKeyPair();
    const refused = await connectClient(gw.url, { device: keys }, REMOTE);
    const requestId: string = refused.res.error.details.requestId;
    refused.client.close();
    expect(await cli(gw, "devices", "reject", requestId)).toEqual(ok(`Rejected device ${keys.deviceId} (request ${requestId})`));
    expect((await json(gw, "devices", "list")).pending).toEqual([]);
    expect(await cli(gw, "devices", "approve", requestId)).toEqual(fails("device.pair.approve failed: unknown requestId"));
  });
});
