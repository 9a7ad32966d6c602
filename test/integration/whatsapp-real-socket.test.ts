/**
 * The REAL Baileys socket (`realSocketFactory`) under a real gateway, against 127.0.0.1
 * (whatsapp-real-socket-run.ts, in its own process): refused connects and connections the
 * server closes at once are retried by the manager with growing delays, never fatally, and
 * after the gateway stops the process ends by itself: no socket, timer or pino worker left.
 */
import { describe, expect, test } from "bun:test";
import { join } from "node:path";

const SCRIPT = join(import.meta.dir, "whatsapp-real-socket-run.ts");
/** After its last line the process must be gone within this (ms); a leaked timer keeps it alive for ever. */
const EXIT_WITHIN_MS = 5000;

interface RunReport {
  mode: string;
  upgrades: number;
  sockets: number;
  gapsMs: number[];
  reconnectAttempts: number;
  connected: boolean;
  stoppedReason: string | null;
  retries: string[];
}

async function run(mode: "refused" | "closing"): Promise<RunReport> {
  const child = Bun.spawn(["bun", SCRIPT, mode], { cwd: join(import.meta.dir, "..", ".."), stdout: "pipe", stderr: "pipe" });
  const killer = setTimeout(() => child.kill("SIGKILL"), 40_000);
  try {
    let output = "";
    const decoder = new TextDecoder();
    let reportedAt = 0;
    for await (const chunk of child.stdout) {
      output += decoder.decode(chunk);
      if (output.includes("\n") && reportedAt === 0) reportedAt = performance.now();
    }
    const code = await child.exited;
    const lingered = performance.now() - reportedAt;
    const stderr = await new Response(child.stderr).text();
    expect(code, stderr).toBe(0);
    expect(reportedAt, `no report; stderr:\n${stderr}`).toBeGreaterThan(0);
    expect(lingered).toBeLessThan(EXIT_WITHIN_MS);
    return JSON.parse(output.trim().split("\n").pop()!) as RunReport;
  } finally {
    clearTimeout(killer);
  }
}

describe("the real Baileys socket", () => {
  test("refused connects: retried with backoff (ECONNREFUSED is no reason to stop), then a clean exit", async () => {
    const report = await run("refused");
    expect(report.upgrades).toBe(0);
    expect(report.sockets).toBeGreaterThanOrEqual(4);
    expect(report.stoppedReason).toBeNull();
    expect(report.connected).toBe(false);
    expect(report.retries[0]).toMatch(/cannot reach WhatsApp: WebSocket Error \(connect ECONNREFUSED 127\.0\.0\.1:\d+\); trying again in 0\.1 s \(attempt 1\)/);
    // The manager's delays (100, 200, 400 ms ceilings with jitter pinned at the ceiling) show between sockets.
    const [first, second, third] = report.gapsMs;
    expect(first).toBeGreaterThanOrEqual(100);
    expect(second).toBeGreaterThanOrEqual(200);
    expect(third).toBeGreaterThanOrEqual(400);
  }, 45_000);

  test("a server that closes every connection: 428, retried with backoff, then a clean exit", async () => {
    const report = await run("closing");
    expect(report.upgrades).toBe(report.sockets);
    expect(report.stoppedReason).toBeNull();
    expect(report.retries[0]).toMatch(/WhatsApp closed the connection \(428\); trying again in 0\.1 s/);
    expect(report.gapsMs[2]).toBeGreaterThanOrEqual(400);
  }, 45_000);
});
