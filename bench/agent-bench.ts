/**
 * `bun run bench:agent`: what the gateway adds on the agent path (design.md §6), in one run:
 * time to first token and time per streamed token, through the `agent` method (WebSocket
 * events) and `/v1/chat/completions` (SSE), each against asking the same fake provider directly;
 * the gateway's CPU per token; and its RSS with 100 runs in flight.
 *
 *   bun bench/agent-bench.ts [--json] [--samples n] [--warmup n] [--tokens n] [--floods n] [--concurrent n]
 *                            [--profile dir]
 *
 * Three processes: the fake provider (agent-fake-provider.ts), the gateway (`bun src/main.ts
 * gateway`), and this one, which measures. Paths alternate within each round so background load
 * hits them alike. Figures, method and variance: bench/README.md "Agent path".
 */
import { flag, numberOption, textOption, type Row } from "./cli-args.ts";
import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AgentRunner, sseRun, type Timing } from "./agent-clients.ts";
import { freePort, readCpuSeconds, readMemory, ROOT, sourceCommand } from "./proc.ts";
import { median, percentiles } from "./stats.ts";

const option = numberOption;
const JSON_OUT = flag("json");
const SAMPLES = option("samples", 200);
const WARMUP = option("warmup", 20);
const TOKENS = option("tokens", 1000);
const FLOODS = option("floods", 20);
const CONCURRENT = option("concurrent", 100);
/** `--profile <dir>`: the latency gateway writes a Markdown CPU profile there when it stops. */
const PROFILE_DIR = textOption("profile");
const TOKEN = "agent-bench-token-0123456789abcdef";

const rows: Row[] = [];
const raw: Record<string, unknown> = {};
const say = (text: string) => JSON_OUT || process.stderr.write(`${text}\n`);

async function startProvider() {
  const proc = Bun.spawn([process.execPath, join(import.meta.dir, "agent-fake-provider.ts")], { stdin: "pipe", stdout: "pipe", stderr: "inherit" });
  const reader = proc.stdout.getReader();
  const { value } = await reader.read();
  reader.releaseLock();
  const { baseUrl } = JSON.parse(new TextDecoder().decode(value).trim().split("\n")[0]!) as { baseUrl: string };
  return { pid: proc.pid, baseUrl, stop: async () => (proc.stdin.end(), await proc.exited) };
}

/** The gateway as its own process, its model the fake provider; stdout/stderr kept for failures. */
async function startGateway(baseUrl: string, profileDir?: string) {
  const home = await mkdtemp(join(tmpdir(), "openclaw-agent-bench-"));
  await mkdir(join(home, ".openclaw"), { recursive: true });
  const config = {
    gateway: { mode: "local", auth: { token: TOKEN }, http: { endpoints: { chatCompletions: { enabled: true } } } },
    models: { providers: { fake: { baseUrl, apiKey: "k", api: "openai-completions", models: [{ id: "m" }] } } },
    // Above the default so that --concurrent runs really run at once instead of queueing.
    agents: { defaults: { model: "fake/m", maxConcurrent: Math.max(CONCURRENT, 4) } },
  };
  await writeFile(join(home, ".openclaw", "openclaw.json"), JSON.stringify(config));
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined && !/^(OPENCLAW|CLAWDBOT)_/.test(key)) env[key] = value;
  Object.assign(env, { OPENCLAW_HOME: home, OPENCLAW_LOG_DIR: join(home, "logs"), OPENCLAW_SKIP_CANVAS_HOST: "1" });
  const port = freePort();
  const [bun, ...main] = sourceCommand();
  const profile = profileDir ? ["--cpu-prof-md", "--cpu-prof-dir", profileDir] : [];
  const proc = Bun.spawn([bun!, ...profile, ...main, "gateway", "--port", String(port)], { cwd: ROOT, env, stdin: "ignore", stdout: "ignore", stderr: "pipe" });
  const stop = async () => {
    proc.kill("SIGTERM");
    await proc.exited;
    await rm(home, { recursive: true, force: true });
  };
  for (const started = performance.now(); ; await Bun.sleep(10)) {
    const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false);
    if (ok) break;
    if (proc.exitCode !== null || performance.now() - started > 15_000) {
      const stderr = proc.exitCode !== null ? await new Response(proc.stderr).text() : "";
      await stop();
      throw new Error(`gateway did not become healthy: ${stderr.slice(-800)}`);
    }
  }
  const runner = await AgentRunner.connect(`ws://127.0.0.1:${port}`, TOKEN, join(home, "bench-client"));
  return { pid: proc.pid, port, home, runner, stop: async () => (runner.close(), await stop()) };
}

const provider = await startProvider();
const direct = (prompt: string) => sseRun(`${provider.baseUrl}/chat/completions`, prompt);
try {
  say(`provider ${provider.baseUrl} (pid ${provider.pid}); starting the gateway …`);
  const gw = await startGateway(provider.baseUrl, PROFILE_DIR);
  const http = (prompt: string) => sseRun(`http://127.0.0.1:${gw.port}/v1/chat/completions`, prompt, { authorization: `Bearer ${TOKEN}` });
  let session = 0;
  const ws = (prompt: string) => gw.runner.run(prompt, `bench:${++session}`);
  const paths = { direct, ws, http } as const;
  type Path = keyof typeof paths;
  try {
    // 1. Time to first token: sequential runs, one of each path per round.
    say(`time to first token: ${WARMUP} warm-up + ${SAMPLES} rounds …`);
    const ttft: Record<Path, number[]> = { direct: [], ws: [], http: [] };
    /** Gateway CPU seconds of one short run, per path: what a run costs apart from its tokens. */
    const runCpu: Record<Path, number> = { direct: 0, ws: 0, http: 0 };
    for (let i = 0; i < WARMUP + SAMPLES; i++) {
      for (const path of Object.keys(paths) as Path[]) {
        const before = readCpuSeconds(gw.pid);
        const t = await paths[path]("ttft");
        if (i < WARMUP) continue;
        runCpu[path] += (readCpuSeconds(gw.pid) - before) / SAMPLES;
        ttft[path].push(t.ttftMs * 1000);
      }
    }
    const ttftP = Object.fromEntries(Object.entries(ttft).map(([k, v]) => [k, percentiles(v)])) as Record<Path, ReturnType<typeof percentiles>>;
    raw.ttftUs = ttftP;
    rows.push({ id: "ttft.direct", metric: "TTFT p50 (p99), provider directly", value: ttftP.direct.p50, unit: "µs", note: `p99 ${ttftP.direct.p99.toFixed(0)} µs` });
    for (const path of ["ws", "http"] as const) {
      const added = ttftP[path].p50 - ttftP.direct.p50;
      const label = path === "ws" ? "agent events (WS)" : "/v1/chat/completions (SSE)";
      rows.push({ id: `ttft.${path}`, metric: `TTFT p50 (p99), ${label}`, value: ttftP[path].p50, unit: "µs", note: `p99 ${ttftP[path].p99.toFixed(0)} µs` });
      rows.push({ id: `ttft.${path}.added`, metric: `TTFT added at p50, ${label}`, value: added, unit: "µs", budget: "≤ 1000 µs", pass: added <= 1000 });
      rows.push({ id: `run.${path}.cpu`, metric: `gateway CPU per 5-token run, ${label}`, value: runCpu[path] * 1e6, unit: "µs", note: `mean of ${SAMPLES} (10 ms ticks)` });
    }

    // 2. Per streamed token: the provider writes a whole reply at once, so the reader sets the pace.
    say(`per token: ${FLOODS} rounds of ${TOKENS}-token replies …`);
    const perToken: Record<Path, number[]> = { direct: [], ws: [], http: [] };
    const cpu: Record<Path, number> = { direct: 0, ws: 0, http: 0 };
    await ws(`flood ${TOKENS}`); // warm the longer replies' code paths
    for (let i = 0; i < FLOODS; i++) {
      for (const path of Object.keys(paths) as Path[]) {
        const before = readCpuSeconds(gw.pid);
        const t: Timing = await paths[path](`flood ${TOKENS}`);
        cpu[path] += readCpuSeconds(gw.pid) - before;
        if (t.tokens !== TOKENS) throw new Error(`${path}: ${t.tokens} of ${TOKENS} tokens arrived`);
        perToken[path].push((t.spanMs * 1000) / (t.tokens - 1));
      }
    }
    raw.perTokenUs = perToken;
    const directPer = median(perToken.direct);
    rows.push({ id: "token.direct", metric: `per token (median of ${FLOODS}), provider directly`, value: directPer, unit: "µs" });
    for (const path of ["ws", "http"] as const) {
      const label = path === "ws" ? "agent events (WS)" : "/v1/chat/completions (SSE)";
      const per = median(perToken[path]);
      // The run's own cost (session, prompt, transcript) is taken out: what is left is the tokens'.
      const cpuPer = ((cpu[path] / FLOODS - runCpu[path]) * 1e6) / (TOKENS - 5);
      rows.push({ id: `token.${path}`, metric: `per token, ${label}`, value: per, unit: "µs", note: `rounds ${Math.min(...perToken[path]).toFixed(1)}–${Math.max(...perToken[path]).toFixed(1)} µs` });
      rows.push({ id: `token.${path}.added`, metric: `per token added, ${label}`, value: per - directPer, unit: "µs", budget: "≤ 20 µs", pass: per - directPer <= 20 });
      rows.push({ id: `token.${path}.cpu`, metric: `gateway CPU per token, ${label}`, value: cpuPer, unit: "µs", note: `${(cpu[path] * 1000).toFixed(0)} ms CPU in ${FLOODS} runs, less ${FLOODS} × the 5-token run` });
    }
    rows.push({ id: "token.direct.cpu", metric: "gateway CPU per token while idle (provider directly)", value: (cpu.direct * 1e6) / (FLOODS * TOKENS), unit: "µs", note: "noise floor" });
  } finally {
    await gw.stop();
  }

  // 3. Memory: a fresh gateway, idle, after one run, then with CONCURRENT runs in flight at once.
  say(`RSS: a fresh gateway, then ${CONCURRENT} concurrent runs …`);
  const fresh = await startGateway(provider.baseUrl);
  try {
    await Bun.sleep(1000); // start-up garbage settles (see README "Idle wake-ups settle")
    const idle = readMemory(fresh.pid).rssMb;
    await fresh.runner.run("ttft", "bench:warm");
    await Bun.sleep(500);
    const warm = readMemory(fresh.pid).rssMb;
    let peak = 0;
    let inFlight = 0;
    const sampler = setInterval(() => {
      peak = Math.max(peak, readMemory(fresh.pid).rssMb);
      inFlight = Math.max(inFlight, fresh.runner.inFlightWithTokens());
    }, 50);
    // 100 tokens, one every 30 ms: each run stays open about 3 s, so all overlap.
    await Promise.all(Array.from({ length: CONCURRENT }, (_, i) => fresh.runner.run("paced 100 30", `bench:concurrent-${i}`)));
    clearInterval(sampler);
    const { rssMb: after, hwmMb } = readMemory(fresh.pid);
    raw.rss = { idle, warm, peak, hwmMb, after, inFlight };
    rows.push({ id: "rss.idle", metric: "RSS idle, fresh gateway (1 s after healthy)", value: idle, unit: "MB", note: `after one run ${warm.toFixed(1)} MB` });
    rows.push({ id: "rss.concurrent", metric: `RSS peak with ${CONCURRENT} runs in flight`, value: peak, unit: "MB", note: `${inFlight} streaming at once; VmHWM ${hwmMb.toFixed(1)} MB; after ${after.toFixed(1)} MB` });
    rows.push({ id: "rss.added", metric: `RSS above idle with ${CONCURRENT} runs`, value: peak - idle, unit: "MB", budget: "≤ 30 MB", pass: peak - idle <= 30 });
  } finally {
    await fresh.stop();
  }
} finally {
  await provider.stop();
}

if (JSON_OUT) {
  console.log(JSON.stringify({ date: new Date().toISOString(), bun: Bun.version, cores: navigator.hardwareConcurrency, samples: SAMPLES, tokens: TOKENS, floods: FLOODS, rows, raw }, null, 2));
} else {
  const fmt = (r: Row) => (r.value === null ? "—" : r.value.toFixed(Math.abs(r.value) >= 100 ? 0 : 1));
  const mark = (r: Row) => (r.pass === undefined ? "" : r.pass ? "PASS" : "FAIL");
  const table = rows.map((r) => [r.metric, `${fmt(r)} ${r.unit}`, r.budget ?? "", mark(r), r.note ?? ""]);
  const widths = [0, 1, 2, 3].map((i) => Math.max(...table.map((t) => t[i]!.length), ["Metric", "Value", "Budget", "OK"][i]!.length));
  const line = (cells: string[]) => cells.map((c, i) => (i < 4 ? c.padEnd(widths[i]!) : c)).join("  ").trimEnd();
  console.log(`\nOpenClaw agent path bench — Bun ${Bun.version}, ${navigator.hardwareConcurrency} cores, ${new Date().toISOString()}\n`);
  console.log(line(["Metric", "Value", "Budget", "OK", "Note"]));
  console.log(line(widths.map((w) => "-".repeat(w)).concat("----")));
  for (const t of table) console.log(line(t));
  const failed = rows.filter((r) => r.pass === false).length;
  console.log(`\n${failed === 0 ? "all budgets met" : `${failed} budget(s) missed`}`);
}
