/** `openclaw node run` as a process against a real in-process gateway: connect, serve, signals, errors. */
import { afterAll, afterEach, beforeAll, expect, test } from "bun:test";
import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { cliEnv, runCli, UNREACHABLE_URL } from "../helpers/cli.ts";
import { Condition } from "../helpers/condition.ts";
import { makeTempHome, startTestGateway, TEST_TOKEN, type TestGateway } from "../helpers/gateway.ts";
import { connectClient } from "../helpers/ws-client.ts";

const MAIN = new URL("../../src/main.ts", import.meta.url).pathname;
let gw: TestGateway;
const homes: string[] = [];
const procs: ReturnType<typeof Bun.spawn>[] = [];

beforeAll(async () => {
  gw = await startTestGateway();
});

afterEach(async () => {
  for (const proc of procs.splice(0)) proc.kill("SIGKILL");
  for (const home of homes.splice(0)) await rm(home, { recursive: true, force: true });
});

afterAll(async () => {
  await gw?.stop();
});

async function home(): Promise<string> {
  const dir = await makeTempHome();
  homes.push(dir);
  return dir;
}

/** Starts `openclaw node run …` and collects its output as it arrives. */
function spawnNode(args: string[], homeDir: string) {
  const proc = Bun.spawn([process.execPath, MAIN, "node", "run", ...args], { env: cliEnv(homeDir), stdout: "pipe", stderr: "pipe", stdin: "ignore" });
  procs.push(proc);
  let output = "";
  const arrived = new Condition();
  const pump = async (stream: ReadableStream<Uint8Array>) => {
    const decoder = new TextDecoder();
    for await (const chunk of stream) {
      output += decoder.decode(chunk);
      arrived.wake();
    }
  };
  void pump(proc.stdout);
  void pump(proc.stderr);
  const waitFor = (pattern: RegExp) => arrived.waitFor(`output ${pattern}`, () => pattern.exec(output) ?? undefined, 10_000, () => `; output: ${output}`);
  return { proc, output: () => output, waitFor };
}

test("connects, serves system.run from its allowlist, and exits 0 on SIGTERM", async () => {
  const h = await home();
  const allowlist = join(h, "allow.json");
  await writeFile(allowlist, JSON.stringify({ commands: ["echo"] }));
  const node = spawnNode(["--url", gw.url, "--token", TEST_TOKEN, "--allowlist", allowlist, "--display-name", "cli node"], h);
  const [, nodeId] = await node.waitFor(new RegExp(`node connected to ${gw.url} as ([0-9a-f]{64})`));

  const { client } = await connectClient(gw.url);
  const res = await client.rpc("node.invoke", { nodeId, command: "system.run", params: { command: ["echo", "from cli"] }, idempotencyKey: crypto.randomUUID() }, 10_000);
  expect(res.ok).toBe(true);
  expect(res.payload.payload).toMatchObject({ exitCode: 0, stdout: "from cli\n", timedOut: false });
  client.close();

  node.proc.kill("SIGTERM");
  expect(await node.proc.exited).toBe(0);
  expect(node.output()).toContain("received SIGTERM, stopping");
  expect(node.output()).toContain("node stopped");
});

test("SIGINT stops it too, also while it is still waiting for a gateway", async () => {
  const h = await home();
  const node = spawnNode(["--url", UNREACHABLE_URL, "--token", TEST_TOKEN], h);
  await node.waitFor(/cannot connect to .*\(retrying\)/);
  node.proc.kill("SIGINT");
  expect(await node.proc.exited).toBe(0);
  // One line for the problem, not one per retry.
  expect(node.output().match(/cannot connect/g)?.length).toBe(1);
});

test("an invalid allowlist is a configuration error naming the file (exit 78)", async () => {
  const h = await home();
  const allowlist = join(h, "allow.json");
  await writeFile(allowlist, JSON.stringify({ commands: "echo" }));
  const result = await runCli(["node", "run", "--url", gw.url, "--token", TEST_TOKEN, "--allowlist", allowlist], { home: h });
  expect(result.code).toBe(78);
  expect(result.stderr).toContain(`error: invalid allowlist ${allowlist}: expected {"commands": [`);
});

test("a wrong token ends it with the gateway's reason (exit 1), without retrying forever", async () => {
  const h = await home();
  const result = await runCli(["node", "run", "--url", gw.url, "--token", "wrong-token"], { home: h });
  expect(result.code).toBe(1);
  expect(result.stderr).toContain("error: gateway refused the connection: unauthorized: gateway token mismatch");
});
