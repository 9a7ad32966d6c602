/**
 * `bun run bench`: the design.md §6 performance figures in one run, as a table with budgets.
 *
 *   bun bench/gateway-bench.ts [--json] [--duration ms] [--warmup ms] [--rounds n] [--client raw|ws]
 *                              [--clients n] [--client-mode m] [--starts n] [--skip-process]
 *
 * Servers under test for throughput/latency (our gateway, and a bare Bun.serve echo server as
 * the runtime's ceiling) run in this process, measured in alternating rounds; the load client
 * always runs in a separate process (load-client.ts) so it never competes for this event loop,
 * and by default speaks raw WebSocket frames (raw-ws.ts) so it does not cap the server on a
 * small machine. Start time, RSS and idle CPU use the gateway as its own process
 * (dist/openclaw, else bun src/main.ts). Figures and caveats: bench/README.md.
 */
import type { Row } from "./cli-args.ts";
import { join } from "node:path";
import { startTestGateway } from "../test/helpers/gateway.ts";
import { openClients } from "./clients.ts";
import { startEchoServer } from "./echo-server.ts";
import type { LoadRequest } from "./load-client.ts";
import * as p from "./proc.ts";
import { median, type Percentiles } from "./stats.ts";

const argv = Bun.argv.slice(2);
const flag = (name: string) => argv.includes(`--${name}`);
const option = (name: string, fallback: number | string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] !== undefined ? (typeof fallback === "number" ? Number(argv[i + 1]) : argv[i + 1]!) : fallback;
};
const JSON_OUT = flag("json");
const DURATION_MS = option("duration", 3000) as number;
const WARMUP_MS = option("warmup", 1000) as number;
const CLIENTS = option("clients", 1000) as number;
// "cli" clients are not tracked in presence; "test"/"ui" ones are (each connect then broadcasts).
const CLIENT_MODE = option("client-mode", "cli") as string;
const STARTS = option("starts", 5) as number;
const ROUNDS = option("rounds", 3) as number;
// raw: bench/raw-ws.ts, cheap enough that the server is the bottleneck on 2 cores; ws: Bun's
// WebSocket class, which costs about what the server does and so caps both sides alike.
const CLIENT = option("client", "raw") as "raw" | "ws";

const rows: Row[] = [];
const raw: Record<string, unknown> = {};
const say = (text: string) => JSON_OUT || process.stderr.write(`${text}\n`);
const row = (r: Row) => rows.push({ ...r, note: r.note?.replace(/;\s*$/, "") });
const isBinaryLabel = (label: string) => (label === "dist/openclaw" ? "binary" : "source");

/** Runs bench/load-client.ts in its own process and returns its JSON answer. */
async function loadClient<T>(request: LoadRequest): Promise<T> {
  const proc = Bun.spawn([process.execPath, join(import.meta.dir, "load-client.ts"), JSON.stringify(request)], {
    stdout: "pipe",
    stderr: "inherit",
  });
  const out = await new Response(proc.stdout).text();
  if ((await proc.exited) !== 0) throw new Error(`load client failed (${request.mode} ${request.url})`);
  return JSON.parse(out.trim().split("\n").pop()!) as T;
}

type Pipeline = { rps: number; requests: number; failedSampled: number; responseBytes: number };
const pipeline = (url: string, auth: LoadRequest["auth"]) =>
  loadClient<Pipeline>({ mode: "pipeline", url, auth, client: CLIENT, window: 100, warmupMs: WARMUP_MS, durationMs: DURATION_MS });
const sequential = (url: string, auth: LoadRequest["auth"]) =>
  loadClient<Percentiles>({ mode: "sequential", url, auth, client: CLIENT, warmup: 1000, count: 5000 });

// 1–3: in-process servers, out-of-process load. The servers all listen at once (idle ones cost
// nothing) and the runs alternate gateway/echo per round, so background load on a shared
// machine hits both sides alike; each figure is the median over rounds.
say("gateway (in-process) …");
const gw = await startTestGateway();
// What the `health` RPC returns, so the echo servers answer with the same bytes.
const healthPayload = (await gw.gateway.services.health.get(false)).summary;
const echoJson = startEchoServer(healthPayload, "json");
const echoRaw = startEchoServer(healthPayload, "raw");
const runs = { ours: [] as Pipeline[], json: [] as Pipeline[], raw: [] as Pipeline[], oursSeq: [] as Percentiles[], jsonSeq: [] as Percentiles[] };
for (let round = 1; round <= ROUNDS; round++) {
  say(`throughput and latency, round ${round}/${ROUNDS} …`);
  runs.ours.push(await pipeline(gw.url, "device"));
  runs.json.push(await pipeline(echoJson.url, "none"));
  runs.raw.push(await pipeline(echoRaw.url, "none"));
  runs.oursSeq.push(await sequential(gw.url, "device"));
  runs.jsonSeq.push(await sequential(echoJson.url, "none"));
}
await echoJson.stop();
await echoRaw.stop();
say("handshakes …");
const hs = await loadClient<{ total: Percentiles; toChallenge: Percentiles; connect: Percentiles }>({
  mode: "handshake", url: gw.url, auth: "device", warmup: 20, count: 200, clientMode: "ui", // tracked in presence, like the Control UI
});
await gw.stop();

raw.throughput = runs;
const rps = (list: Pipeline[]) => median(list.map((r) => r.rps));
const spread = (list: Pipeline[]) => (ROUNDS > 1 ? `rounds ${list.map((r) => Math.round(r.rps / 1000)).join("/")}k` : "");
const ratios = runs.ours.map((r, i) => r.rps / runs.json[i]!.rps);
const ratio = rps(runs.ours) / rps(runs.json);
const failed = runs.ours.reduce((n, r) => n + r.failedSampled, 0);
row({ id: "rps.gateway", metric: "health req/s, 1 conn, 100 in flight — gateway", value: rps(runs.ours), unit: "req/s", note: `${CLIENT} client; ${runs.ours[0]!.responseBytes} B/res; ${failed} failed (sampled); ${spread(runs.ours)}` });
row({ id: "rps.echo", metric: "health req/s — echo ceiling (parse+stringify)", value: rps(runs.json), unit: "req/s", note: `${runs.json[0]!.responseBytes} B/res; ${spread(runs.json)}` });
row({ id: "rps.echoPreserialized", metric: "health req/s — echo, pre-serialized payload", value: rps(runs.raw), unit: "req/s", note: `information only; ${spread(runs.raw)}` });
row({ id: "ratio.echo", metric: "ratio gateway / echo ceiling", value: ratio * 100, unit: "%", budget: "≥ 70 %", pass: ratio >= 0.7, note: ROUNDS > 1 ? `per round ${ratios.map((r) => Math.round(r * 100)).join("/")} %` : "" });
row({ id: "ratio.echoPreserialized", metric: "ratio gateway / echo pre-serialized", value: (rps(runs.ours) / rps(runs.raw)) * 100, unit: "%", note: "information only" });
const seq = (list: Percentiles[], key: "p50" | "p99") => median(list.map((r) => r[key]));
raw.sequential = { ours: runs.oursSeq, echoJson: runs.jsonSeq };
row({ id: "seq.gateway.p50", metric: "sequential health p50 — gateway", value: seq(runs.oursSeq, "p50"), unit: "µs" });
row({ id: "seq.gateway.p99", metric: "sequential health p99 — gateway", value: seq(runs.oursSeq, "p99"), unit: "µs" });
row({ id: "seq.echo.p50", metric: "sequential health p50 — echo ceiling", value: seq(runs.jsonSeq, "p50"), unit: "µs" });
row({ id: "seq.echo.p99", metric: "sequential health p99 — echo ceiling", value: seq(runs.jsonSeq, "p99"), unit: "µs" });
raw.handshake = hs;
row({ id: "handshake.p50", metric: "connect handshake p50 (open→hello-ok, v3 device sig)", value: hs.total.p50 / 1000, unit: "ms", budget: "< 5 ms", pass: hs.total.p50 < 5000 });
row({ id: "handshake.p99", metric: "connect handshake p99", value: hs.total.p99 / 1000, unit: "ms", note: `open→challenge p50 ${(hs.toChallenge.p50 / 1000).toFixed(2)} ms, connect→hello-ok p50 ${(hs.connect.p50 / 1000).toFixed(2)} ms` });

// 4–6: the gateway as its own process.
if (!flag("skip-process")) {
  const binary = p.binaryCommand();
  for (const [label, command] of [["dist/openclaw", binary], ["bun src/main.ts", p.sourceCommand()]] as const) {
    if (!command) {
      row({ id: `start.${isBinaryLabel(label)}`, metric: `start → /healthz 200 — ${label}`, value: null, unit: "ms", budget: "< 150 ms", pass: null, note: "skipped: run `bun run build` first" });
      continue;
    }
    say(`start time ${label} ×${STARTS} …`);
    const times: number[] = [];
    for (let i = 0; i < STARTS; i++) {
      const g = await p.spawnGateway(command);
      times.push(g.startMs);
      await g.stop();
    }
    raw[`start ${label}`] = times;
    const m = median(times);
    const isBinary = command === binary;
    row({
      id: `start.${isBinaryLabel(label)}`, metric: `start → /healthz 200 — ${label} (median of ${STARTS})`, value: m, unit: "ms",
      ...(isBinary ? { budget: "< 150 ms", pass: m < 150 } : {}),
      note: `min ${Math.min(...times).toFixed(1)}, max ${Math.max(...times).toFixed(1)}`,
    });
  }

  const command = binary ?? p.sourceCommand();
  const label = binary ? "dist/openclaw" : "bun src/main.ts";
  say(`memory and idle CPU of ${label} …`);
  const g = await p.spawnGateway(command);
  try {
    await Bun.sleep(1000); // let start-up garbage settle before calling it idle
    const idle = p.readMemory(g.pid);
    row({ id: "rss.idle1s", metric: `RSS idle 1 s after start — ${label}`, value: idle.rssMb, unit: "MB", budget: "< 60 MB", pass: idle.rssMb < 60, note: `${p.threadCount(g.pid)} threads` });

    const cpu0 = p.readCpuSeconds(g.pid);
    const cs0 = p.readContextSwitches(g.pid);
    const t0 = performance.now();
    await Bun.sleep(5000);
    const seconds = (performance.now() - t0) / 1000;
    const cpuPct = ((p.readCpuSeconds(g.pid) - cpu0) / seconds) * 100;
    const wakeups = (p.readContextSwitches(g.pid) - cs0) / seconds;
    raw.idle = { cpuPct, wakeupsPerSec: wakeups, seconds };
    const settled = p.readMemory(g.pid);
    row({ id: "rss.idle6s", metric: `RSS idle 6 s after start — ${label}`, value: settled.rssMb, unit: "MB", budget: "< 60 MB", pass: settled.rssMb < 60 });
    row({ id: "cpu.idle", metric: "idle CPU over 5 s, no clients", value: cpuPct, unit: "%", budget: "≈ 0 (< 0.5 %)", pass: cpuPct < 0.5, note: `${wakeups.toFixed(1)} context switches/s, all threads (start-up GC settling); 1 tick = ${(1 / seconds).toFixed(1)} %` });

    const limits = p.fileLimits();
    const needed = CLIENTS + 50;
    const tOpen = performance.now();
    const clients = await openClients(`ws://127.0.0.1:${g.port}`, CLIENTS, CLIENT_MODE);
    const openMs = performance.now() - tOpen;
    await Bun.sleep(1000);
    const loaded = p.readMemory(g.pid);
    raw.clients = { count: CLIENTS, clientMode: CLIENT_MODE, openMs, extraFrames: clients.extraFrames(), ulimit: limits, loaded, idle };
    row({
      id: "rss.clients", metric: `RSS with ${CLIENTS} authenticated clients (mode ${CLIENT_MODE})`, value: loaded.rssMb, unit: "MB", budget: "< 150 MB", pass: loaded.rssMb < 150,
      note: `peak ${loaded.hwmMb.toFixed(1)} MB; opened in ${openMs.toFixed(0)} ms; ${clients.extraFrames()} broadcast frames; ulimit -n ${limits.soft}/${limits.hard}${Number(limits.soft) < needed ? " (too low!)" : ""}`,
    });
    await clients.close();
  } finally {
    await g.stop();
  }
}

// Output.
if (JSON_OUT) {
  console.log(JSON.stringify({ date: new Date().toISOString(), bun: Bun.version, cores: navigator.hardwareConcurrency, rows, raw }, null, 2));
} else {
  const fmt = (r: Row) => (r.value === null ? "—" : r.value >= 1000 ? Math.round(r.value).toLocaleString("en-US") : r.value.toFixed(r.value >= 100 ? 0 : 2));
  const mark = (r: Row) => (r.pass === undefined ? "" : r.pass === null ? "skip" : r.pass ? "PASS" : "FAIL");
  const table = rows.map((r) => [r.metric, `${fmt(r)} ${r.unit}`, r.budget ?? "", mark(r), r.note ?? ""]);
  const widths = [0, 1, 2, 3].map((i) => Math.max(...table.map((t) => t[i]!.length), ["Metric", "Value", "Budget", "OK"][i]!.length));
  const line = (cells: string[]) => cells.map((c, i) => (i < 4 ? c.padEnd(widths[i]!) : c)).join("  ").trimEnd();
  console.log(`\nOpenClaw gateway bench — Bun ${Bun.version}, ${navigator.hardwareConcurrency} cores, ${new Date().toISOString()}\n`);
  console.log(line(["Metric", "Value", "Budget", "OK", "Note"]));
  console.log(line(widths.map((w) => "-".repeat(w)).concat("----")));
  for (const t of table) console.log(line(t));
  const failed = rows.filter((r) => r.pass === false).length;
  console.log(`\n${failed === 0 ? "all budgets met" : `${failed} budget(s) missed`}`);
}
process.exit(0);
