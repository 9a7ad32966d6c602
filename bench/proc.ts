/**
 * The gateway as a separate OS process (compiled binary or `bun src/main.ts`): spawning it with
 * a throw-away home, timing start → first good `GET /healthz`, and reading its RSS, CPU time
 * and context switches from /proc. Kept apart from the driver so the driver stays a table.
 */
import type { Subprocess } from "bun";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TEST_TOKEN } from "../test/helpers/gateway.ts";

export const ROOT = join(import.meta.dir, "..");
export const BINARY = join(ROOT, "dist", "openclaw");

export const binaryCommand = (): string[] | null => (existsSync(BINARY) ? [BINARY] : null);
export const sourceCommand = (): string[] => [process.execPath, join(ROOT, "src", "main.ts")];

/** Asks the kernel for a free loopback port (listen on 0, read it back, close). */
export function freePort(): number {
  const listener = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = listener.port;
  listener.stop(true);
  return port;
}

export interface GatewayProcess {
  proc: Subprocess<"ignore", "ignore", "pipe">;
  pid: number;
  port: number;
  /** ms from spawn() to the first 200 from /healthz. */
  startMs: number;
  stop(): Promise<void>;
}

/** The caller's OPENCLAW_* settings must not leak into the measured gateway. */
function cleanEnv(home: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !/^(OPENCLAW|CLAWDBOT)_/.test(key)) env[key] = value;
  }
  // The log dir too: a bench run must not write into the machine's /tmp/openclaw.
  return { ...env, OPENCLAW_HOME: home, OPENCLAW_LOG_DIR: `${home}/logs`, OPENCLAW_GATEWAY_TOKEN: TEST_TOKEN, OPENCLAW_SKIP_CANVAS_HOST: "1" };
}

/** One GET /healthz; false on refused connections and non-200s. */
async function healthy(port: number): Promise<boolean> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/healthz`, { keepalive: false });
    await response.arrayBuffer();
    return response.status === 200;
  } catch {
    return false;
  }
}

export async function spawnGateway(command: string[], timeoutMs = 15_000): Promise<GatewayProcess> {
  const home = await mkdtemp(join(tmpdir(), "openclaw-bench-"));
  const port = freePort();
  const t0 = performance.now();
  const proc = Bun.spawn([...command, "gateway", "--port", String(port), "--allow-unconfigured"], {
    cwd: ROOT,
    env: cleanEnv(home),
    stdin: "ignore",
    stdout: "ignore",
    stderr: "pipe",
  });
  const stop = async () => {
    proc.kill("SIGTERM");
    const exited = await Promise.race([proc.exited.then(() => true), Bun.sleep(5000).then(() => false)]);
    if (!exited) proc.kill("SIGKILL");
    await proc.exited;
    await rm(home, { recursive: true, force: true });
  };
  // Poll every 2 ms: the granularity of the start figure.
  while (!(await healthy(port))) {
    if (proc.exitCode !== null || performance.now() - t0 > timeoutMs) {
      const stderr = proc.exitCode !== null ? await new Response(proc.stderr).text() : "";
      await stop();
      throw new Error(`gateway did not become healthy (${command.join(" ")}, exit ${proc.exitCode}): ${stderr.slice(-500)}`);
    }
    await Bun.sleep(2);
  }
  const startMs = performance.now() - t0;
  return { proc, pid: proc.pid, port, startMs, stop };
}

/** VmRSS / VmHWM in MB from /proc/<pid>/status. */
export function readMemory(pid: number): { rssMb: number; hwmMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)`, "m").exec(status)?.[1] ?? NaN);
  return { rssMb: kb("VmRSS") / 1024, hwmMb: kb("VmHWM") / 1024 };
}

let clockTicks: number | null = null;
function ticksPerSecond(): number {
  if (clockTicks === null) {
    const out = Bun.spawnSync(["getconf", "CLK_TCK"]).stdout.toString().trim();
    clockTicks = Number(out) || 100;
  }
  return clockTicks;
}

/** utime+stime of every thread, in seconds (fields 14 and 15, counted after the `(comm)`). */
export function readCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond();
}

/** Voluntary + involuntary context switches summed over all threads: a proxy for wake-ups. */
export function readContextSwitches(pid: number): number {
  let total = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const status = readFileSync(`/proc/${pid}/task/${tid}/status`, "utf8");
      for (const match of status.matchAll(/^(?:non)?voluntary_ctxt_switches:\s+(\d+)/gm)) total += Number(match[1]);
    } catch {
      // The thread exited between readdir and read.
    }
  }
  return total;
}

export function threadCount(pid: number): number {
  return readdirSync(`/proc/${pid}/task`).length;
}

/** The soft and hard open-file limits this shell gives us (and the spawned gateway). */
export function fileLimits(): { soft: string; hard: string } {
  const sh = (flag: string) => Bun.spawnSync(["sh", "-c", `ulimit ${flag}`]).stdout.toString().trim();
  return { soft: sh("-Sn"), hard: sh("-Hn") };
}
