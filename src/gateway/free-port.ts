/**
 * `--force`: find who listens on the port with lsof, SIGTERM them, say what was stopped, and
 * wait for the port to come free. Without lsof it fails fast instead of guessing.
 */
import type { Logger } from "../log/logger.ts";
import { GatewayStartError } from "./startup-policy.ts";

async function run(cmd: string[]): Promise<{ code: number; stdout: string }> {
  const proc = Bun.spawn(cmd, { stdout: "pipe", stderr: "ignore" });
  const stdout = await new Response(proc.stdout).text();
  return { code: await proc.exited, stdout };
}

async function listeners(port: number): Promise<number[]> {
  const result = await run(["lsof", "-nP", `-iTCP:${port}`, "-sTCP:LISTEN", "-t"]);
  return [...new Set(result.stdout.split(/\s+/).filter(Boolean).map(Number))].filter((pid) => pid !== process.pid);
}

export async function freePort(port: number, log: Logger): Promise<void> {
  if (!Bun.which("lsof")) {
    throw new GatewayStartError(`--force needs lsof, which is not installed; stop the process on port ${port} yourself or install lsof`);
  }
  const pids = await listeners(port);
  for (const pid of pids) {
    const name = (await run(["ps", "-o", "comm=", "-p", String(pid)])).stdout.trim() || "unknown";
    try {
      process.kill(pid, "SIGTERM");
      log.warn(`--force: sent SIGTERM to pid ${pid} (${name}) listening on port ${port}`);
    } catch (error) {
      throw new GatewayStartError(`--force: cannot stop pid ${pid} (${name}) on port ${port}: ${(error as Error).message}`);
    }
  }
  for (let waited = 0; pids.length > 0 && waited < 5000; waited += 100) {
    if ((await listeners(port)).length === 0) return;
    await Bun.sleep(100);
  }
  if (pids.length > 0 && (await listeners(port)).length > 0) {
    throw new GatewayStartError(`--force: port ${port} is still in use 5 s after SIGTERM`);
  }
}
