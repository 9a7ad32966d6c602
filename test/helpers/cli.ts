/**
 * Runs the real CLI (`bun src/main.ts …`) as a child process, and starts gateway processes
 * that tests can talk to and signal.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Condition } from "./condition.ts";

const MAIN = new URL("../../src/main.ts", import.meta.url).pathname;

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The whole environment of a CLI child: its home, and its daily log files under `<home>/logs`, never the machine's. */
export function cliEnv(home: string, env: Record<string, string> = {}): Record<string, string> {
  const base: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    NO_COLOR: "1",
    OPENCLAW_HOME: home,
    HOME: home,
    OPENCLAW_LOG_DIR: join(home, "logs"),
  };
  return { ...base, ...env };
}

export async function runCli(args: string[], options: { home: string; env?: Record<string, string>; timeoutMs?: number; cwd?: string }): Promise<CliResult> {
  const proc = Bun.spawn([process.execPath, MAIN, ...args], {
    cwd: options.cwd,
    env: cliEnv(options.home, options.env),
    stdout: "pipe",
    stderr: "pipe",
    stdin: "ignore",
  });
  const timer = setTimeout(() => proc.kill("SIGKILL"), options.timeoutMs ?? 15_000);
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  clearTimeout(timer);
  return { code, stdout, stderr };
}

export async function writeConfig(home: string, config: unknown, dir = ".openclaw"): Promise<string> {
  const stateDir = join(home, dir);
  await mkdir(stateDir, { recursive: true });
  const path = join(stateDir, "openclaw.json");
  await writeFile(path, typeof config === "string" ? config : JSON.stringify(config, null, 2));
  return path;
}

/**
 * A URL nothing listens on, for "not reachable" tests: nothing can listen on port 0, so the
 * connect always fails. (A port that was free a moment ago may not be by the time it is used.)
 */
export const UNREACHABLE_URL = "ws://127.0.0.1:0";

export interface HeldPort {
  port: number;
  release(): void;
  [Symbol.dispose](): void;
}

/**
 * A port on 127.0.0.1 held by a plain TCP listener of this process until released, for tests
 * that need a busy port (a conflict, a setting that must not be the one used).
 */
export function holdPort(): HeldPort {
  const listener = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const release = () => listener.stop(true);
  return { port: listener.port, release, [Symbol.dispose]: release };
}

export interface GatewayProcess {
  proc: ReturnType<typeof Bun.spawn>;
  /** The port its first "listening on" line named. */
  port: number;
  output: () => string;
  /** Waits until `pattern` has matched `count` (default 1) times in its output so far. */
  waitForOutput(pattern: RegExp, count?: number, timeoutMs?: number): Promise<void>;
  /** Sends `signal` and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number>;
}

/**
 * Starts `openclaw gateway …` and waits for its "listening on" line; `port` is the one that line
 * names, so `--port 0` (an ephemeral port) works and a restart can ask for the same port again.
 */
export async function startGatewayProcess(
  args: string[],
  options: { home: string; env?: Record<string, string>; timeoutMs?: number; /** A script to run instead of `src/main.ts gateway` (it gets `args`). */ entry?: string },
): Promise<GatewayProcess> {
  const proc = Bun.spawn([process.execPath, ...(options.entry ? [options.entry] : [MAIN, "gateway"]), ...args], {
    env: cliEnv(options.home, options.env),
    stdout: "pipe",
    stderr: "pipe",
    stdin: "ignore",
  });
  let text = "";
  const arrived = new Condition();
  const pump = async (stream: ReadableStream<Uint8Array>) => {
    const decoder = new TextDecoder();
    for await (const chunk of stream) {
      text += decoder.decode(chunk, { stream: true });
      arrived.wake();
    }
  };
  const pumped = Promise.all([pump(proc.stdout), pump(proc.stderr)]);
  let exited = false;
  // Its output is complete only once both pipes have ended.
  void Promise.all([proc.exited, pumped]).then(() => {
    exited = true;
    arrived.wake();
  });
  let port: number;
  try {
    port = await arrived.waitFor(
      "the gateway's listening line",
      () => {
        // Up to the character after the number, so a line cut between two reads is not misread.
        const match = /listening on ws:\/\/[^\s]+:(\d+)\D/.exec(text);
        if (match) return Number(match[1]);
        if (exited) throw new Error(`gateway exited ${proc.exitCode} before listening:\n${text}`);
        return undefined;
      },
      options.timeoutMs ?? 10_000,
      () => `; output so far:\n${text}`,
    );
  } catch (error) {
    proc.kill("SIGKILL");
    throw error;
  }
  return {
    proc,
    port,
    output: () => text,
    async waitForOutput(pattern, count = 1, timeoutMs = 10_000) {
      const global = new RegExp(pattern.source, pattern.flags.includes("g") ? pattern.flags : `${pattern.flags}g`);
      await arrived.waitFor(`${count} × ${pattern} in the gateway's output`, () => ((text.match(global)?.length ?? 0) >= count ? true : undefined), timeoutMs, () => `; output:\n${text}`);
    },
    async stop(signal: NodeJS.Signals = "SIGTERM") {
      if (proc.exitCode === null) proc.kill(signal);
      const timer = setTimeout(() => proc.kill("SIGKILL"), 8000);
      const code = await proc.exited;
      clearTimeout(timer);
      return code;
    },
  };
}
