/**
 * Gateway processes keep their file logs apart: `OPENCLAW_LOG_DIR` moves the daily files out of
 * the machine's `/tmp/openclaw` (so test gateways never show up in a user's `openclaw logs`), and
 * two gateways with their own state dirs sharing one log dir each show only their own lines.
 */
import { afterEach, expect, test } from "bun:test";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { runCli, startGatewayProcess, writeConfig, type GatewayProcess } from "../helpers/cli.ts";
import { eventually } from "../helpers/condition.ts";

const TOKEN = "log-isolation-token-0123456789abcdef";
/** The machine's real log dirs: the shared default and the per-uid fallback. */
const MACHINE_LOG_DIRS = ["/tmp/openclaw", join(tmpdir(), `openclaw-${process.getuid?.() ?? "user"}`)];
const DAILY_FILE = /^(openclaw-[0-9a-f]{8})-\d{4}-\d\d-\d\d\.log$/;

const homes: string[] = [];
const gateways: GatewayProcess[] = [];

afterEach(async () => {
  for (const gw of gateways.splice(0)) await gw.stop("SIGKILL");
  for (const dir of homes.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function tempHome(): Promise<string> {
  const home = await mkdtemp(join(tmpdir(), "openclaw-logiso-"));
  homes.push(home);
  return home;
}

/** A gateway with the state dir `<home>/<name>` and its file log in `logDir`. */
async function startGateway(home: string, name: string, logDir: string): Promise<{ gw: GatewayProcess; env: Record<string, string> }> {
  await writeConfig(home, { gateway: { mode: "local", auth: { token: TOKEN } } }, name);
  const env = { OPENCLAW_STATE_DIR: join(home, name), OPENCLAW_LOG_DIR: logDir, OPENCLAW_SKIP_CANVAS_HOST: "1" };
  const gw = await startGatewayProcess(["--port", "0"], { home, env });
  gateways.push(gw);
  return { gw, env };
}

/** The file the gateway says it logs to (its `log file …` start-up line). */
function logFileOf(gw: GatewayProcess): string {
  const path = /\blog file (\S+)/.exec(gw.output())?.[1];
  if (!path) throw new Error(`no "log file" line in:\n${gw.output()}`);
  return path;
}

/** Names in the machine's log dirs that start with `prefix-` (other processes may write there too). */
async function machineFilesWith(prefix: string): Promise<string[]> {
  const found: string[] = [];
  for (const dir of MACHINE_LOG_DIRS) {
    const names = await readdir(dir).catch(() => [] as string[]);
    found.push(...names.filter((name) => name.startsWith(`${prefix}-`)).map((name) => join(dir, name)));
  }
  return found;
}

const listening = (port: number) => new RegExp(`listening on ws://127\\.0\\.0\\.1:${port} `);

test("with OPENCLAW_LOG_DIR the daily file lands there, and nothing of it in /tmp/openclaw or the per-uid fallback", async () => {
  const home = await tempHome();
  const logDir = join(home, "logs");
  const { gw } = await startGateway(home, "state", logDir);
  const file = logFileOf(gw);
  expect(dirname(file)).toBe(logDir);
  const prefix = DAILY_FILE.exec(basename(file))?.[1];
  expect(prefix).toBeDefined();
  expect(await gw.stop("SIGTERM")).toBe(0);

  expect(await readdir(logDir)).toEqual([basename(file)]);
  const text = await readFile(file, "utf8");
  expect(text).toMatch(listening(gw.port));
  expect(text).toContain('"message":"stopping"');
  expect(await machineFilesWith(prefix!)).toEqual([]);
});

test("two gateways with their own state dirs share a log dir, and `openclaw logs` shows each only its own lines", async () => {
  const home = await tempHome();
  const logDir = join(home, "logs");
  // One after the other: if one fails to start, the other is not left running unowned.
  const a = await startGateway(home, "state-a", logDir);
  const b = await startGateway(home, "state-b", logDir);
  const fileA = logFileOf(a.gw);
  const fileB = logFileOf(b.gw);
  expect(fileA).not.toBe(fileB);
  // The sinks open their files asynchronously: wait until both are there.
  const both = [basename(fileA), basename(fileB)].sort();
  await eventually("both daily files", async () => ((await readdir(logDir)).length === 2 ? true : undefined));
  expect((await readdir(logDir)).sort()).toEqual(both);

  for (const [own, other, ownFile, otherFile] of [
    [a, b, fileA, fileB],
    [b, a, fileB, fileA],
  ] as const) {
    await eventually("the listening line in the file", async () => (listening(own.gw.port).test(await readFile(ownFile, "utf8")) ? true : undefined));
    const result = await runCli(["logs", "--url", `ws://127.0.0.1:${own.gw.port}`, "--json", "--limit", "5000"], { home, env: own.env });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const messages = result.stdout.split("\n").filter((line) => line !== "").map((line) => JSON.parse(line).message as string);
    expect(messages.some((message) => listening(own.gw.port).test(message))).toBe(true);
    expect(messages).toContain(`log file ${ownFile}`);
    expect(messages.some((message) => listening(other.gw.port).test(message) || message.includes(otherFile))).toBe(false);
  }
  for (const file of [fileA, fileB]) expect(await machineFilesWith(DAILY_FILE.exec(basename(file))![1]!)).toEqual([]);
});
