/**
 * `openclaw logs` as a process against real gateway processes writing `logging.file`: the
 * formatted and `--json` output, errors, and `--follow` across activity, a gateway restart on
 * the same port, a truncated log and a changed log file, ending with SIGTERM → exit 0.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { appendFile, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { formatLogLine } from "../../src/cli/logs-format.ts";
import { cliEnv, runCli, startGatewayProcess, UNREACHABLE_URL, writeConfig, type GatewayProcess } from "../helpers/cli.ts";
import { Condition, eventually } from "../helpers/condition.ts";
import { makeTempHome } from "../helpers/gateway.ts";

const TOKEN = "cli-logs-token-0123456789abcdef";
const MAIN = new URL("../../src/main.ts", import.meta.url).pathname;
const DISCONNECTED = "-- gateway disconnected, reconnecting… --";
const HUMAN_LINE = /^\d\d:\d\d:\d\d (TRACE|DEBUG|INFO|WARN|ERROR|FATAL|LOG) \[[\w.-]+\] \S.*$/;

const homes: string[] = [];
const gateways: GatewayProcess[] = [];
const followers: Follower[] = [];

afterEach(async () => {
  for (const f of followers.splice(0)) if (f.proc.exitCode === null) f.proc.kill("SIGKILL");
  for (const gw of gateways.splice(0)) await gw.stop("SIGKILL");
  for (const dir of homes.splice(0)) await rm(dir, { recursive: true, force: true });
});

/** A temp home whose config writes the file log to `<home>/logs/<name>`. */
async function setup(name = "gateway.jsonl"): Promise<{ home: string; logFile: string }> {
  const home = await makeTempHome();
  homes.push(home);
  const logFile = join(home, "logs", name);
  await writeConfig(home, { gateway: { mode: "local", auth: { token: TOKEN } }, logging: { file: logFile } });
  return { home, logFile };
}

async function startGateway(home: string, port = 0): Promise<GatewayProcess> {
  const gw = await startGatewayProcess(["--port", String(port), "--verbose"], { home, env: { OPENCLAW_SKIP_CANVAS_HOST: "1" } });
  gateways.push(gw);
  return gw;
}

const urlOf = (gw: GatewayProcess) => `ws://127.0.0.1:${gw.port}`;

/** A wrong-token connect: refused, and logged by a --verbose gateway as `connect refused …`. */
async function refusedConnect(url: string, home: string): Promise<void> {
  const result = await runCli(["status", "--url", url, "--token", "wrong-token-for-the-logs-test"], { home });
  expect(result.code).toBe(1);
}

const count = (text: string, needle: string) => text.split(needle).length - 1;

interface Follower {
  proc: ReturnType<typeof Bun.spawn>;
  stdout: () => string;
  stderr: () => string;
  waitFor(what: string, check: (stdout: string, stderr: string) => boolean, timeoutMs?: number): Promise<void>;
}

/** `openclaw logs --follow …` in the background, its output read as it arrives. */
function follow(args: string[], home: string): Follower {
  const proc = Bun.spawn([process.execPath, MAIN, "logs", "--follow", ...args], { env: cliEnv(home), stdout: "pipe", stderr: "pipe", stdin: "ignore" });
  const arrivals = new Condition();
  const text = { stdout: "", stderr: "" };
  const pump = async (stream: ReadableStream<Uint8Array>, key: "stdout" | "stderr") => {
    const decoder = new TextDecoder();
    for await (const chunk of stream) {
      text[key] += decoder.decode(chunk, { stream: true });
      arrivals.wake();
    }
    arrivals.wake();
  };
  void pump(proc.stdout as ReadableStream<Uint8Array>, "stdout");
  void pump(proc.stderr as ReadableStream<Uint8Array>, "stderr");
  void proc.exited.then(() => arrivals.wake());
  const follower: Follower = {
    proc,
    stdout: () => text.stdout,
    stderr: () => text.stderr,
    async waitFor(what, check, timeoutMs = 10_000) {
      const output = () => `\nstdout:\n${text.stdout}\nstderr:\n${text.stderr}`;
      await arrivals.waitFor(what, () => {
        if (check(text.stdout, text.stderr)) return true;
        if (proc.exitCode !== null) throw new Error(`follower exited ${proc.exitCode} while waiting for ${what}${output()}`);
        return undefined;
      }, timeoutMs, output);
    },
  };
  followers.push(follower);
  return follower;
}

/** The follower's `--json` output must be a run of the file's lines: nothing twice, nothing skipped. */
function expectContiguous(printed: string[], fileLines: string[]): void {
  expect(printed.length).toBeGreaterThan(0);
  const start = fileLines.indexOf(printed[0]!);
  expect(start).toBeGreaterThanOrEqual(0);
  expect(printed).toEqual(fileLines.slice(start, start + printed.length));
}

const linesOf = (text: string) => text.split("\n").filter((line) => line !== "");

describe("formatLogLine", () => {
  test("formats JSON log lines as HH:MM:SS LEVEL [subsystem] message in local time", () => {
    const time = "2026-03-01T12:34:56.789Z";
    const clock = new Date(time).toTimeString().slice(0, 8);
    expect(formatLogLine(JSON.stringify({ time, level: "debug", subsystem: "gateway", message: "hello world" }))).toBe(`${clock} DEBUG [gateway] hello world`);
    expect(formatLogLine(JSON.stringify({ time, level: "info", message: "no subsystem" }))).toBe(`${clock} INFO no subsystem`);
  });

  test("prints other lines as they are, and never passes terminal control characters", () => {
    expect(formatLogLine("plain text, not JSON")).toBe("plain text, not JSON");
    expect(formatLogLine('{"no":"message"}')).toBe('{"no":"message"}');
    expect(formatLogLine("[1,2]")).toBe("[1,2]");
    const hostile = formatLogLine(JSON.stringify({ time: "x", level: "warn", subsystem: "ws", message: "evil \u001b[2J\u009b31m\r done\ttab" }));
    expect(hostile).toBe("WARN [ws] evil \\u001b[2J\\u009b31m\\u000d done\ttab");
  });
});

describe("openclaw logs", () => {
  test("prints the last lines formatted, or raw JSON lines with --json", async () => {
    const { home, logFile } = await setup();
    const gw = await startGateway(home);
    await refusedConnect(urlOf(gw), home);
    // The file announces nothing: poll it until the line is there.
    await eventually("the refused connect in the file", async () => ((await readFile(logFile, "utf8")).includes("connect refused") ? true : undefined));

    const human = await runCli(["logs", "--url", urlOf(gw), "--limit", "5"], { home });
    expect(human.stderr).toBe("");
    expect(human.code).toBe(0);
    const lines = linesOf(human.stdout);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.length).toBeLessThanOrEqual(5);
    for (const line of lines) expect(line).toMatch(HUMAN_LINE);
    expect(human.stdout).toContain("DEBUG [gateway] connect refused for ");

    const all = await runCli(["logs", "--url", urlOf(gw)], { home });
    expect(all.code).toBe(0);
    expect(all.stdout).toMatch(/^\d\d:\d\d:\d\d INFO \[gateway\] listening on ws:\/\/127\.0\.0\.1:\d+ /m);

    const json = await runCli(["logs", "--url", urlOf(gw), "--limit", "5", "--json"], { home });
    expect(json.code).toBe(0);
    const raw = linesOf(json.stdout);
    expect(raw.length).toBeGreaterThan(0);
    expect(raw.length).toBeLessThanOrEqual(5);
    const fileLines = linesOf(await readFile(logFile, "utf8"));
    for (const line of raw) {
      expect(Object.keys(JSON.parse(line)).sort()).toEqual(["level", "message", "subsystem", "time"]);
      expect(fileLines).toContain(line); // unchanged
      expect(formatLogLine(line)).toMatch(HUMAN_LINE);
    }
    expect(await readFile(logFile, "utf8")).not.toContain(TOKEN);
  });

  test("errors are one line and exit 1", async () => {
    const { home } = await setup();
    for (const extra of [[], ["--follow"]]) {
      const result = await runCli(["logs", "--url", UNREACHABLE_URL, ...extra], { home });
      expect(result.code).toBe(1);
      expect(result.stdout).toBe("");
      expect(result.stderr).toBe(`error: gateway not reachable at ${UNREACHABLE_URL} (is it running? start it with: openclaw gateway)\n`);
    }
    for (const [flag, value] of [["--limit", "0"], ["--limit", "5001"], ["--limit", "ten"], ["--interval", "0"], ["--max-bytes", "-1"]] as const) {
      const result = await runCli(["logs", "--url", UNREACHABLE_URL, flag, value], { home });
      expect(result.code).toBe(1);
      expect(result.stderr).toStartWith(`error: invalid ${flag} ${value}: use a whole number from `);
    }
  });

  test("--follow with wrong credentials exits 1 with the gateway's message", async () => {
    const { home } = await setup();
    const gw = await startGateway(home);
    const result = await runCli(["logs", "--follow", "--url", urlOf(gw), "--token", "not-the-right-token"], { home });
    expect(result.code).toBe(1);
    expect(result.stderr).toStartWith("error: gateway refused the connection: unauthorized");
    expect(linesOf(result.stderr)).toHaveLength(1);
  });

  test("--follow shows new lines, survives a gateway restart on the same port, and exits 0 on SIGTERM", async () => {
    const { home, logFile } = await setup();
    const first = await startGateway(home);
    const url = urlOf(first);
    const follower = follow(["--url", url, "--interval", "100", "--limit", "3", "--json"], home);
    await follower.waitFor("the first lines", (out) => linesOf(out).length >= 1);

    // New activity shows up.
    await refusedConnect(url, home);
    await follower.waitFor("a refused connect", (out) => count(out, "connect refused") >= 1);

    // Restart: the port the first run reported, same home and log file.
    expect(await first.stop("SIGTERM")).toBe(0);
    await follower.waitFor("the disconnect notice", (_, err) => err.includes(DISCONNECTED));
    const beforeRestart = follower.stdout().length;
    const second = await startGateway(home, first.port);
    expect(second.port).toBe(first.port);
    await follower.waitFor("the new process's startup lines", (out) => out.slice(beforeRestart).includes("listening on ws://127.0.0.1:"));
    const refusedSoFar = count(follower.stdout(), "connect refused");
    await refusedConnect(url, home);
    await follower.waitFor("a refused connect at the new process", (out) => count(out, "connect refused") > refusedSoFar);

    follower.proc.kill("SIGTERM");
    expect(await follower.proc.exited).toBe(0);
    expect(count(follower.stderr(), DISCONNECTED)).toBe(1); // once, not per attempt
    expect(follower.stderr()).not.toContain("log reset");
    expect(follower.stderr()).not.toContain("error");
    // The old process's shutdown lines are there too, and nothing came twice.
    const printed = linesOf(follower.stdout());
    expect(printed.some((line) => JSON.parse(line).message === "stopping")).toBe(true);
    expectContiguous(printed, linesOf(await readFile(logFile, "utf8")));
  }, 40_000);

  test("--follow says so when more lines arrived than one read returns", async () => {
    const { home, logFile } = await setup();
    const gw = await startGateway(home);
    const follower = follow(["--url", urlOf(gw), "--interval", "300", "--limit", "1"], home);
    await follower.waitFor("the first line", (out) => linesOf(out).length >= 1);
    const burst = Array.from({ length: 6000 }, (_, i) => JSON.stringify({ time: new Date().toISOString(), level: "info", subsystem: "burst", message: `line ${i}` }));
    await appendFile(logFile, burst.join("\n") + "\n");
    await follower.waitFor("the skipped notice", (_, err) => err.includes("-- older lines skipped"));
    await follower.waitFor("the newest burst line", (out) => out.includes("line 5999"));
    expect(follower.stdout()).not.toContain("[burst] line 0\n");
    follower.proc.kill("SIGTERM");
    expect(await follower.proc.exited).toBe(0);
  }, 30_000);

  test("--follow announces a truncated log and a changed log file, and keeps going", async () => {
    const { home, logFile } = await setup();
    const first = await startGateway(home);
    const url = urlOf(first);
    const follower = follow(["--url", url, "--interval", "100", "--limit", "1"], home);
    await follower.waitFor("the first line", (out) => linesOf(out).length >= 1);

    // Truncated under the follower: the cursor is past the end → reset, read from the start.
    await writeFile(logFile, "");
    await follower.waitFor("the reset notice", (_, err) => err.includes("-- log reset --"));
    await refusedConnect(url, home);
    await follower.waitFor("the refused connect after the reset", (out) => count(out, "connect refused") >= 1);

    // The gateway comes back writing another file: announced, and read from its start.
    await first.stop("SIGTERM");
    await follower.waitFor("the disconnect notice", (_, err) => err.includes(DISCONNECTED));
    const otherFile = join(home, "logs", "other.jsonl");
    await writeConfig(home, { gateway: { mode: "local", auth: { token: TOKEN } }, logging: { file: otherFile } });
    const beforeRestart = follower.stdout().length;
    await startGateway(home, first.port);
    await follower.waitFor("the file-changed notice", (_, err) => err.includes(`-- log file changed: ${otherFile} --`));
    await follower.waitFor("the new file's first line", (out) => /INFO \[gateway\] listening on ws:\/\//.test(out.slice(beforeRestart)));
    for (const line of linesOf(follower.stdout())) expect(line).toMatch(HUMAN_LINE);

    follower.proc.kill("SIGINT");
    expect(await follower.proc.exited).toBe(0);
  }, 40_000);
});
