/**
 * Runs the real CLI (`bun src/main.ts …`) as a child process, and starts gateway processes
 * that tests can talk to and signal.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";

const MAIN = new URL("../../src/main.ts", import.meta.url).pathname;

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function cliEnv(home: string, env: Record<string, string> = {}): Record<string, string> {
  const base: Record<string, string> = { PATH: process.env.PATH ?? "/usr/bin:/bin", NO_COLOR: "1", OPENCLAW_HOME: home, HOME: home };
  return { ...base, ...env };
}

export async function runCli(args: string[], options: { home: string; env?: Record<string, string>; timeoutMs?: number }): Promise<CliResult> {
  const proc = Bun.spawn([process.execPath, MAIN, ...args], {
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

export async function freePort(): Promise<number> {
  const listener = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = listener.port;
  listener.stop(true);
  return port;
}

export interface GatewayProcess {
  proc: ReturnType<typeof Bun.spawn>;
  port: number;
  output: () => string;
  /** Sends `signal` and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number>;
}

/** Starts `openclaw gateway …` and waits for its "listening on" line. */
export async function startGatewayProcess(args: string[], options: { home: string; env?: Record<string, string>; timeoutMs?: number }): Promise<GatewayProcess> {
  const proc = Bun.spawn([process.execPath, MAIN, "gateway", ...args], {
    env: cliEnv(options.home, options.env),
    stdout: "pipe",
    stderr: "pipe",
    stdin: "ignore",
  });
  let text = "";
  const pump = async (stream: ReadableStream<Uint8Array>) => {
    const decoder = new TextDecoder();
    for await (const chunk of stream) text += decoder.decode(chunk);
  };
  void pump(proc.stdout);
  void pump(proc.stderr);
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  let port = 0;
  while (Date.now() < deadline) {
    const match = /listening on ws:\/\/[^:]+:(\d+)/.exec(text);
    if (match) {
      port = Number(match[1]);
      break;
    }
    if (proc.exitCode !== null) throw new Error(`gateway exited ${proc.exitCode} before listening:\n${text}`);
    await Bun.sleep(20);
  }
  if (!port) {
    proc.kill("SIGKILL");
    throw new Error(`gateway did not start in time:\n${text}`);
  }
  return {
    proc,
    port,
    output: () => text,
    async stop(signal: NodeJS.Signals = "SIGTERM") {
      if (proc.exitCode === null) proc.kill(signal);
      const timer = setTimeout(() => proc.kill("SIGKILL"), 8000);
      const code = await proc.exited;
      clearTimeout(timer);
      return code;
    },
  };
}
