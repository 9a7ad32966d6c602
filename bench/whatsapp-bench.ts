/**
 * `bun run bench:whatsapp`: the WhatsApp figures of issue 10, with the gateway as its own
 * process (test/cli/whatsapp-gateway-entry.ts: the gateway command, WhatsApp connected to the
 * relay of test/fakes/whatsapp-relay.ts instead of WhatsApp's servers) and the relay and a fake
 * model in this process.
 *
 *   bun bench/whatsapp-bench.ts [--json] [--starts n] [--samples n] [--settle s]
 *
 * 1. Cold start, `--starts` times each: spawn → WS listening with no channel configured, and
 *    spawn → the linked account's connection `open` (the relay sees it) with one account.
 * 2. Idle RSS after `--settle` seconds: no channel vs one linked account (goal: ≤ 40 MB more).
 * 3. Inbound → reply, `--samples` DMs one at a time (the per-minute send cap raised to its
 *    maximum, 600, so it does not pace the run): the relay hands the message over → the
 *    relay accepts the reply's sendMessage (fake model answers at once, one chunk).
 * What the relay leaves out: Baileys' own socket (Noise handshake, Signal sessions). Baileys'
 * modules are loaded (the adapter imports them), its per-connection state is not, so RSS with a
 * real link will be somewhat higher. A report, not a gate: the exit code is 0 when a goal is missed.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startFakeOpenAI } from "../test/fakes/openai-compatible.ts";
import { writeLinkedCreds } from "../test/fakes/whatsapp-linked-state.ts";
import { startWhatsAppRelay, type WhatsAppRelay } from "../test/fakes/whatsapp-relay.ts";
import { fakeMessage } from "../test/fakes/whatsapp-socket.ts";
import { TEST_TOKEN } from "../test/helpers/gateway.ts";
import { modelConfig } from "../test/integration/channels-fixture.ts";
import { flag, numberOption, type Row } from "./cli-args.ts";
import { readMemory, ROOT } from "./proc.ts";
import { median, percentiles } from "./stats.ts";

const JSON_OUT = flag("json");
const STARTS = numberOption("starts", 5);
const SAMPLES = numberOption("samples", 200);
const SETTLE_S = numberOption("settle", 5);
const ENTRY = join(ROOT, "test", "cli", "whatsapp-gateway-entry.ts");
const PEER = "15552229999";
const say = (text: string) => JSON_OUT || process.stderr.write(`${text}\n`);

/** Echoes the newest token it was asked about (the session's history carries the older ones). */
const llm = startFakeOpenAI({ script: (request) => ({ type: "text", text: `re: ${JSON.stringify(request.body).match(/wa-b-\d+/g)?.at(-1) ?? "?"}` }) });

interface Started {
  pid: number;
  listeningMs: number;
  openMs: number | null;
  stop(): Promise<void>;
}

/** One gateway process on a fresh home; with `relay`, its WhatsApp account is linked and connects there. */
async function start(relay: WhatsAppRelay | null): Promise<Started> {
  const home = await mkdtemp(join(tmpdir(), "openclaw-wa-bench-"));
  const stateDir = join(home, ".openclaw");
  await mkdir(join(home, "logs"), { recursive: true });
  if (relay) await writeLinkedCreds(stateDir);
  const config = {
    gateway: { mode: "local", auth: { token: TEST_TOKEN } },
    ...modelConfig(llm),
    ...(relay ? { channels: { whatsapp: { dmPolicy: "open", allowFrom: ["*"], sendReadReceipts: false, maxMessagesPerMinute: 600 } } } : {}),
  };
  await mkdir(stateDir, { recursive: true });
  await writeFile(join(stateDir, "openclaw.json"), JSON.stringify(config));
  const connectionsBefore = relay?.connections ?? 0;
  const t0 = performance.now();
  const proc = Bun.spawn([process.execPath, ENTRY, "--port", "0"], {
    cwd: ROOT,
    env: { ...process.env, OPENCLAW_HOME: home, OPENCLAW_LOG_DIR: join(home, "logs"), OPENCLAW_SKIP_CANVAS_HOST: "1", OPENCLAW_TEST_WHATSAPP_RELAY: relay?.url ?? "ws://127.0.0.1:9" },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "ignore",
  });
  const stop = async () => {
    proc.kill("SIGTERM");
    await proc.exited;
    await rm(home, { recursive: true, force: true });
  };
  let text = "";
  const decoder = new TextDecoder();
  const reader = proc.stdout.getReader();
  while (!/listening on ws:/.test(text)) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`the gateway exited before listening: ${text.slice(-400)}`);
    text += decoder.decode(value, { stream: true });
  }
  const listeningMs = performance.now() - t0;
  // Keep draining stdout so the gateway never blocks on a full pipe.
  void (async () => {
    while (!(await reader.read()).done);
  })();
  let openMs: number | null = null;
  if (relay) {
    await relay.waitFor("the account's connection", () => (relay.connected && relay.connections > connectionsBefore ? true : undefined), 15_000);
    openMs = performance.now() - t0;
  }
  return { pid: proc.pid, listeningMs, openMs, stop };
}

const rows: Row[] = [];
const row = (r: Row) => {
  rows.push(r);
  say(`  ${r.metric.padEnd(52)} ${r.value === null ? "n/a" : r.value.toFixed(r.unit === "MB" ? 1 : 2)} ${r.unit}${r.budget ? `  (goal ${r.budget})` : ""}`);
};

say(`whatsapp bench: ${STARTS} starts each, ${SAMPLES} samples, settle ${SETTLE_S} s`);
const relay = startWhatsAppRelay();
try {
  const bare: number[] = [];
  const linkedListening: number[] = [];
  const linkedOpen: number[] = [];
  for (let i = 0; i < STARTS; i++) {
    const a = await start(null);
    bare.push(a.listeningMs);
    await a.stop();
    const b = await start(relay);
    linkedListening.push(b.listeningMs);
    linkedOpen.push(b.openMs!);
    await b.stop();
  }
  row({ id: "start.none", metric: "start → listening, no channel (median)", value: median(bare), unit: "ms" });
  row({ id: "start.whatsapp.listening", metric: "start → listening, one WhatsApp account (median)", value: median(linkedListening), unit: "ms", budget: "< 100 ms" });
  row({ id: "start.whatsapp.open", metric: "start → WhatsApp connection open (median)", value: median(linkedOpen), unit: "ms" });

  const idleBare = await start(null);
  const idleLinked = await start(relay);
  await Bun.sleep(SETTLE_S * 1000); // a settling period, not a wait for an outcome
  const rssBare = readMemory(idleBare.pid).rssMb;
  const rssLinked = readMemory(idleLinked.pid).rssMb;
  await idleBare.stop();
  row({ id: "rss.none", metric: "idle RSS, no channel", value: rssBare, unit: "MB" });
  row({ id: "rss.whatsapp", metric: "idle RSS, one linked WhatsApp account", value: rssLinked, unit: "MB" });
  row({ id: "rss.delta", metric: "idle RSS added by the linked account", value: rssLinked - rssBare, unit: "MB", budget: "≤ 40 MB", pass: rssLinked - rssBare <= 40 });

  const latencies: number[] = [];
  for (let i = 0; i < SAMPLES + 10; i++) {
    const token = `wa-b-${i}`;
    const replied = new Promise<number>((resolve) => {
      const unhook = relay.onAccepted((send) => {
        if (send.text !== `re: ${token}`) return;
        unhook();
        resolve(performance.now());
      });
    });
    const t0 = performance.now();
    relay.deliver(fakeMessage({ chat: `${PEER}@s.whatsapp.net`, text: `echo ${token}` }));
    const t1 = await replied;
    if (i >= 10) latencies.push((t1 - t0) * 1000);
  }
  await idleLinked.stop();
  const p = percentiles(latencies);
  row({ id: "latency.p50", metric: "inbound → reply sendMessage, p50", value: p.p50 / 1000, unit: "ms" });
  row({ id: "latency.p99", metric: "inbound → reply sendMessage, p99", value: p.p99 / 1000, unit: "ms" });
} finally {
  await relay.stop();
  await llm.stop();
}
if (JSON_OUT) console.log(JSON.stringify({ rows }, null, 2));
