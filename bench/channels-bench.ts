/**
 * `bun run bench:channels`: the channel path of the gateway (design.md §6), with a fake Telegram
 * Bot API and a fake model, each in its own process (bench/channels-fake.ts), and the gateway as
 * a third (`bun src/main.ts gateway`). This process only drives and measures.
 *
 *   bun bench/channels-bench.ts [--json] [--samples n] [--warmup n] [--duration s] [--rate n]
 *                               [--senders n] [--sends n] [--window n] [--profile dir]
 *
 * 1. Latency, one DM at a time: Telegram hands the update over → the model gets its request
 *    (inbound → model), and the model's last byte → Telegram gets sendMessage (final → send).
 * 2. Sustained load: `--rate` DMs a second (100) for `--duration` seconds (60) from `--senders`
 *    users (100); then every message must have exactly one reply (0 lost, 0 doubled), and the
 *    gateway's RSS is sampled each second: flat when the floor of its GC sawtooth (the lowest
 *    sample of each 10 s) stops rising over the second half of the run.
 * 3. Outbox throughput: `--sends` `send` RPCs (2000) to 100 chats, `--window` in flight (200),
 *    against the same number of sendMessage calls straight to the fake at that concurrency.
 * Times are high-resolution wall-clock stamps taken in the fakes' processes. It is a report,
 * not a gate: the exit code is 0 even when a budget is missed. Method and figures: bench/README.md.
 */
import { flag, numberOption, textOption, type Row } from "./cli-args.ts";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DeviceIdentity } from "../src/client/device-identity.ts";
import { GatewayClient } from "../src/client/gateway-client.ts";
import { Condition } from "../test/helpers/condition.ts";
import { startFakeProcess, type FakeEvent } from "./channels-fake-process.ts";
import { freePort, readCpuSeconds, readMemory, ROOT, sourceCommand } from "./proc.ts";
import { percentiles } from "./stats.ts";

const option = numberOption;
const JSON_OUT = flag("json");
const SAMPLES = option("samples", 200);
const WARMUP = option("warmup", 20);
const DURATION_S = option("duration", 60);
const RATE = option("rate", 100);
const SENDERS = option("senders", 100);
const SENDS = option("sends", 2000);
const WINDOW = option("window", 200);
/** `--profile <dir>`: the gateway writes a Markdown CPU profile there when it stops. */
const PROFILE_DIR = textOption("profile");
const TOKEN = "channels-bench-token-0123456789abcdef";

const rows: Row[] = [];
const raw: Record<string, unknown> = {};
const say = (text: string) => JSON_OUT || process.stderr.write(`${text}\n`);

/** What the fakes reported, by token (`b-…`) and by reply text (`re: b-…`). */
class Observed {
  readonly pushed = new Map<string, number>();
  readonly modelRequests = new Map<string, number[]>();
  readonly modelDone = new Map<string, number[]>();
  readonly sent = new Map<string, number[]>();
  loadedAt: number | null = null;
  readonly changed = new Condition();

  record(event: FakeEvent): void {
    const add = (map: Map<string, number[]>, key: string) => (map.get(key) ?? map.set(key, []).get(key)!).push(event.at);
    if (typeof event.pushed === "string") this.pushed.set(event.pushed, event.at);
    else if (typeof event.request === "string") add(this.modelRequests, event.request);
    else if (typeof event.done === "string") add(this.modelDone, event.done);
    else if (typeof event.sent === "string") add(this.sent, event.sent);
    else if (typeof event.loaded === "number") this.loadedAt = event.at;
    this.changed.wake();
  }

  replies(token: string): number {
    return this.sent.get(`re: ${token}`)?.length ?? 0;
  }
}

async function startGateway(apiRoot: string, botToken: string, baseUrl: string) {
  const home = await mkdtemp(join(tmpdir(), "openclaw-channels-bench-"));
  await mkdir(join(home, ".openclaw"), { recursive: true });
  const config = {
    gateway: { mode: "local", auth: { token: TOKEN } },
    models: { providers: { fake: { baseUrl, apiKey: "k", api: "openai-completions", models: [{ id: "m" }] } } },
    agents: { defaults: { model: "fake/m" } },
    channels: { telegram: { botToken, apiRoot, dmPolicy: "open", allowFrom: ["*"] } },
  };
  await writeFile(join(home, ".openclaw", "openclaw.json"), JSON.stringify(config));
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined && !/^(OPENCLAW|CLAWDBOT|TELEGRAM)_/.test(key)) env[key] = value;
  Object.assign(env, { OPENCLAW_HOME: home, OPENCLAW_LOG_DIR: join(home, "logs"), OPENCLAW_SKIP_CANVAS_HOST: "1" });
  const port = freePort();
  const [bun, ...main] = sourceCommand();
  const profile = PROFILE_DIR ? ["--cpu-prof-md", "--cpu-prof-dir", PROFILE_DIR] : [];
  const proc = Bun.spawn([bun!, ...profile, ...main, "gateway", "--port", String(port)], { cwd: ROOT, env, stdin: "ignore", stdout: "ignore", stderr: "pipe" });
  const stop = async () => {
    proc.kill("SIGTERM");
    await proc.exited;
    await rm(home, { recursive: true, force: true });
  };
  // Ready once /readyz says Telegram is linked (getMe answered, the poll loop started).
  for (const started = performance.now(); ; await Bun.sleep(10)) {
    const body = await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => (r.ok ? r.json() : null), () => null);
    if ((body as { channels?: { telegram?: { linked?: boolean } } } | null)?.channels?.telegram?.linked) break;
    if (proc.exitCode !== null || performance.now() - started > 15_000) {
      const stderr = proc.exitCode !== null ? await new Response(proc.stderr).text() : "";
      await stop();
      throw new Error(`gateway did not link Telegram: ${stderr.slice(-800)}`);
    }
  }
  const client = new GatewayClient({ url: `ws://127.0.0.1:${port}`, token: TOKEN, identity: await DeviceIdentity.load(join(home, "bench-client")), scopes: ["operator.admin"], timeoutMs: 60_000 });
  await client.connect();
  return { pid: proc.pid, client, stop: async () => (client.close(), await stop()) };
}

/** Least-squares slope of y over x. */
function slope(points: { x: number; y: number }[]): number {
  const n = points.length;
  const mx = points.reduce((sum, p) => sum + p.x, 0) / n;
  const my = points.reduce((sum, p) => sum + p.y, 0) / n;
  const num = points.reduce((sum, p) => sum + (p.x - mx) * (p.y - my), 0);
  const den = points.reduce((sum, p) => sum + (p.x - mx) ** 2, 0);
  return den === 0 ? 0 : num / den;
}

/** The lowest sample of each `windowS`-second window (x in seconds). */
function floorsOf(points: { x: number; y: number }[], windowS: number): number[] {
  const floors: number[] = [];
  for (const p of points) {
    const i = Math.floor(p.x / windowS);
    floors[i] = Math.min(floors[i] ?? Infinity, p.y);
  }
  return floors.filter((f) => Number.isFinite(f));
}

const ms = (values: number[]) => percentiles(values);
const observed = new Observed();
const telegram = await startFakeProcess("telegram", (event) => observed.record(event));
const model = await startFakeProcess("model", (event) => observed.record(event));
const { apiRoot, token: botToken } = telegram.ready as { apiRoot: string; token: string };
try {
  say(`fakes up (telegram pid ${telegram.pid}, model pid ${model.pid}); starting the gateway …`);
  const gw = await startGateway(apiRoot, botToken, (model.ready as { baseUrl: string }).baseUrl);
  try {
    // 1. Latency: one DM at a time, ten users in turn (conversations continue, sessions stay short).
    say(`latency: ${WARMUP} warm-up + ${SAMPLES} DMs one at a time …`);
    const inbound: number[] = [];
    const outbound: number[] = [];
    const endToEnd: number[] = [];
    for (let i = 0; i < WARMUP + SAMPLES; i++) {
      const token = `b-lat-${i}`;
      telegram.send({ push: { token, from: 7000 + (i % 10) } });
      await observed.changed.waitFor(`the reply to ${token}`, () => (observed.replies(token) > 0 ? true : undefined), 10_000);
      if (i < WARMUP) continue;
      const pushedAt = observed.pushed.get(token)!;
      const requestAt = observed.modelRequests.get(token)![0]!;
      const doneAt = observed.modelDone.get(token)?.[0] ?? requestAt;
      const sentAt = observed.sent.get(`re: ${token}`)![0]!;
      inbound.push(requestAt - pushedAt);
      outbound.push(sentAt - doneAt);
      endToEnd.push(sentAt - pushedAt);
    }
    const [inP, outP, e2eP] = [ms(inbound), ms(outbound), ms(endToEnd)];
    raw.latencyMs = { inbound: inP, outbound: outP, endToEnd: e2eP };
    rows.push({ id: "latency.inbound", metric: "inbound DM → model request, p50", value: inP.p50, unit: "ms", budget: "≤ 5 ms", pass: inP.p50 <= 5, note: `p99 ${inP.p99.toFixed(2)} ms` });
    rows.push({ id: "latency.outbound", metric: "model final → sendMessage, p50", value: outP.p50, unit: "ms", budget: "≤ 5 ms", pass: outP.p50 <= 5, note: `p99 ${outP.p99.toFixed(2)} ms` });
    rows.push({ id: "latency.e2e", metric: "DM → reply on Telegram, p50", value: e2eP.p50, unit: "ms", note: `p99 ${e2eP.p99.toFixed(2)} ms (the fake model answers at once)` });

    // 2. Sustained load, RSS sampled every second.
    const total = Math.round(RATE * DURATION_S);
    say(`sustained: ${RATE} DMs/s for ${DURATION_S} s (${total}) from ${SENDERS} users …`);
    const rss: { x: number; y: number }[] = [];
    const loadStart = performance.now();
    const sampler = setInterval(() => rss.push({ x: (performance.now() - loadStart) / 1000, y: readMemory(gw.pid).rssMb }), 1000);
    const rssBefore = readMemory(gw.pid).rssMb;
    const cpuBefore = readCpuSeconds(gw.pid);
    telegram.send({ load: { rate: RATE, ms: DURATION_S * 1000, senders: SENDERS, prefix: "sus" } });
    const tokens = Array.from({ length: total }, (_, i) => `b-sus-${i}`);
    await observed.changed.waitFor("the load to be written", () => (observed.loadedAt !== null ? true : undefined), DURATION_S * 1000 + 30_000);
    const answered = () => tokens.filter((t) => observed.replies(t) > 0).length;
    await observed.changed.waitFor("every DM to be answered", () => (answered() === total ? true : undefined), 30_000).catch(() => undefined);
    clearInterval(sampler);
    const cpuSeconds = readCpuSeconds(gw.pid) - cpuBefore;
    const loadSeconds = (performance.now() - loadStart) / 1000;
    const lost = tokens.filter((t) => observed.replies(t) === 0).length;
    const doubled = tokens.filter((t) => observed.replies(t) > 1).length;
    const rerun = tokens.filter((t) => (observed.modelRequests.get(t)?.length ?? 0) > 1).length;
    const sustainedE2e = ms(tokens.filter((t) => observed.replies(t) > 0).map((t) => observed.sent.get(`re: ${t}`)![0]! - observed.pushed.get(t)!));
    const pushedSpan = (observed.loadedAt! - observed.pushed.get(tokens[0]!)!) / 1000;
    // RSS is a garbage-collection sawtooth; its floor (the lowest sample of each 10 s) says whether memory is kept.
    const floors = floorsOf(rss, 10);
    const half = floors.map((y, i) => ({ x: i * 10, y })).slice(Math.floor(floors.length / 2));
    const floorSlope = half.length > 1 ? slope(half) * 60 : 0;
    const rssValues = rss.map((p) => p.y);
    raw.sustained = { total, lost, doubled, rerun, cpuSeconds, loadSeconds, pushedSpanS: pushedSpan, e2eMs: sustainedE2e, rss, rssBefore, floors };
    rows.push({ id: "sustained.rate", metric: `DMs written per second (${total} over ${pushedSpan.toFixed(1)} s)`, value: total / pushedSpan, unit: "/s", budget: `${RATE}/s`, pass: total / pushedSpan >= RATE * 0.98 });
    rows.push({ id: "sustained.lost", metric: "DMs without a reply", value: lost, unit: "", budget: "0", pass: lost === 0 });
    rows.push({ id: "sustained.doubled", metric: "DMs answered twice", value: doubled, unit: "", budget: "0", pass: doubled === 0, note: `${rerun} went to the model twice` });
    rows.push({ id: "sustained.cpu", metric: "gateway CPU per DM under load", value: (cpuSeconds * 1000) / total, unit: "ms", note: `${((cpuSeconds / loadSeconds) * 100).toFixed(0)} % of one core over ${loadSeconds.toFixed(0)} s (10 ms ticks)` });
    rows.push({ id: "sustained.e2e", metric: "DM → reply under load, p50", value: sustainedE2e.p50, unit: "ms", note: `p99 ${sustainedE2e.p99.toFixed(1)} ms, max ${sustainedE2e.max.toFixed(0)} ms` });
    rows.push({
      id: "sustained.rss",
      metric: "gateway RSS floor under load, slope over the second half",
      value: floorSlope,
      unit: "MB/min",
      budget: "flat (< 1 MB/min)",
      pass: floorSlope < 1,
      note: `floors per 10 s ${floors.map((f) => f.toFixed(1)).join(" / ")} MB; peak ${rssValues.length ? Math.max(...rssValues).toFixed(1) : "-"} MB; before the load ${rssBefore.toFixed(1)} MB`,
    });

    // 3. Outbox throughput: `send` RPCs, WINDOW in flight, 100 chats (the outbox keeps one lane per chat).
    say(`outbox: ${SENDS} sends, ${WINDOW} in flight …`);
    const sentBefore = [...observed.sent.keys()].filter((k) => k.startsWith("out-")).length;
    let next = 0;
    const t0 = performance.now();
    const worker = async () => {
      for (let i = next++; i < SENDS; i = next++) {
        const res = await gw.client.request("send", { to: String(9000 + (i % 100)), message: `out-${i}`, idempotencyKey: `bench-out-${i}` }, { timeoutMs: 60_000 });
        if (!res.ok) throw new Error(`send ${i} failed: ${res.error?.code} ${res.error?.message}`);
      }
    };
    await Promise.all(Array.from({ length: Math.min(WINDOW, SENDS) }, worker));
    const outboxS = (performance.now() - t0) / 1000;
    await observed.changed.waitFor("every send on the fake", () => ([...observed.sent.keys()].filter((k) => k.startsWith("out-")).length - sentBefore >= SENDS ? true : undefined), 10_000);
    const delivered = [...observed.sent.entries()].filter(([k]) => k.startsWith("out-"));
    const dupes = delivered.filter(([, at]) => at.length > 1).length;
    // The ceiling: the same calls straight to the fake from here, 100 at once (one per chat, as the lanes allow).
    let directNext = 0;
    const d0 = performance.now();
    const direct = async () => {
      for (let i = directNext++; i < SENDS; i = directNext++) {
        const response = await fetch(`${apiRoot}/bot${botToken}/sendMessage`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ chat_id: 9000 + (i % 100), text: `direct-${i}` }) });
        await response.arrayBuffer();
      }
    };
    await Promise.all(Array.from({ length: Math.min(100, SENDS) }, direct));
    const directS = (performance.now() - d0) / 1000;
    raw.outbox = { sends: SENDS, window: WINDOW, seconds: outboxS, directSeconds: directS, dupes };
    rows.push({ id: "outbox.rate", metric: `send RPC → sendMessage, ${WINDOW} in flight, 100 chats`, value: SENDS / outboxS, unit: "/s", note: `${SENDS} in ${outboxS.toFixed(2)} s; ${delivered.length} delivered, ${dupes} twice` });
    rows.push({ id: "outbox.direct", metric: "sendMessage straight to the fake, 100 in flight", value: SENDS / directS, unit: "/s", note: `ceiling of the fake on this machine; gateway at ${((directS / outboxS) * 100).toFixed(0)} %` });
  } finally {
    await gw.stop();
  }
} finally {
  await telegram.stop();
  await model.stop();
}

if (JSON_OUT) {
  console.log(JSON.stringify({ date: new Date().toISOString(), bun: Bun.version, cores: navigator.hardwareConcurrency, options: { SAMPLES, WARMUP, DURATION_S, RATE, SENDERS, SENDS, WINDOW }, rows, raw }, null, 2));
} else {
  const fmt = (r: Row) => (r.value === null ? "—" : r.value.toFixed(Math.abs(r.value) >= 100 || Number.isInteger(r.value) ? 0 : 2));
  const mark = (r: Row) => (r.pass === undefined ? "" : r.pass ? "PASS" : "FAIL");
  const table = rows.map((r) => [r.metric, `${fmt(r)} ${r.unit}`.trim(), r.budget ?? "", mark(r), r.note ?? ""]);
  const widths = [0, 1, 2, 3].map((i) => Math.max(...table.map((t) => t[i]!.length), ["Metric", "Value", "Budget", "OK"][i]!.length));
  const line = (cells: string[]) => cells.map((c, i) => (i < 4 ? c.padEnd(widths[i]!) : c)).join("  ").trimEnd();
  console.log(`\nOpenClaw channels bench — Bun ${Bun.version}, ${navigator.hardwareConcurrency} cores, ${new Date().toISOString()}\n`);
  console.log(line(["Metric", "Value", "Budget", "OK", "Note"]));
  for (const cells of table) console.log(line(cells));
}
