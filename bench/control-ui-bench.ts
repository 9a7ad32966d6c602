/**
 * `bun bench/control-ui-bench.ts [--runs N] [--binary <path>]`: the control UI's budgets.
 *
 * - bundle: JS + CSS the page loads, raw and gzip (budget ≤ 80 KB gzip)
 * - navigation → live Overview in Chromium on loopback, warm server (budget ≤ 300 ms), as
 *   `performance.now()` at the moment the Overview shows live data (0 = navigation start)
 * - idle RSS of the gateway process with the UI enabled vs `gateway.controlUi.enabled=false`,
 *   UI never opened (budget: ≤ +3 MB), from source and from the compiled binary when present
 */
import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { CHROMIUM_FLAGS, CHROMIUM_PATH } from "../test/helpers/browser.ts";
import { PASTED_TOKEN_KEY } from "../test/helpers/control-ui.ts";
import { TEST_TOKEN } from "../test/helpers/gateway.ts";
import { binaryCommand, freePort, readMemory, ROOT, sourceCommand } from "./proc.ts";

const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const RUNS = Number(flag("--runs") ?? 5);
const binaryPath = flag("--binary");

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

interface Running {
  port: number;
  pid: number;
  stop(): Promise<void>;
}

async function startGateway(command: string[], uiEnabled: boolean): Promise<Running> {
  const home = await mkdtemp(join(tmpdir(), "openclaw-ui-bench-"));
  await mkdir(join(home, ".openclaw"));
  const config = { gateway: { mode: "local", auth: { token: TEST_TOKEN }, ...(uiEnabled ? {} : { controlUi: { enabled: false } }) } };
  await writeFile(join(home, ".openclaw", "openclaw.json"), JSON.stringify(config));
  const port = freePort();
  const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: home, OPENCLAW_HOME: home, OPENCLAW_LOG_DIR: join(home, "logs"), OPENCLAW_SKIP_CANVAS_HOST: "1" };
  const proc = Bun.spawn([...command, "gateway", "--port", String(port)], { cwd: ROOT, env, stdin: "ignore", stdout: "ignore", stderr: "ignore" });
  const stop = async () => {
    proc.kill("SIGTERM");
    await proc.exited;
    await rm(home, { recursive: true, force: true });
  };
  const deadline = Date.now() + 15_000;
  for (;;) {
    const ok = await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.status === 200, () => false);
    if (ok) break;
    if (Date.now() > deadline || proc.exitCode !== null) {
      await stop();
      throw new Error(`gateway (${command.join(" ")}) did not get ready`);
    }
    await Bun.sleep(20);
  }
  return { port, pid: proc.pid, stop };
}

/** Every file the UI can load: the page's links, then every chunk a script names (pages load on first visit). */
async function bundleSize(port: number): Promise<{ raw: number; gzip: number; files: number; initialGzip: number }> {
  const html = await (await fetch(`http://127.0.0.1:${port}/`)).text();
  const initial = new Set([...html.matchAll(/(?:src|href)="\/assets\/([^"]+)"/g)].map((m) => m[1]!));
  const queue = [...initial];
  const seen = new Set<string>();
  let raw = 0;
  let gzip = 0;
  let initialGzip = 0;
  while (queue.length > 0) {
    const name = queue.shift()!;
    if (seen.has(name)) continue;
    seen.add(name);
    const body = new Uint8Array(await (await fetch(`http://127.0.0.1:${port}/assets/${name}`)).arrayBuffer());
    const zipped = Bun.gzipSync(body, { level: 9 }).length;
    raw += body.length;
    gzip += zipped;
    if (initial.has(name)) initialGzip += zipped;
    for (const m of new TextDecoder().decode(body).matchAll(/chunk-[A-Za-z0-9_-]+\.(?:js|css)/g)) queue.push(m[0]);
  }
  return { raw, gzip, files: seen.size, initialGzip };
}

async function navigationToLive(port: number): Promise<number[]> {
  const profile = await mkdtemp(join(tmpdir(), "openclaw-ui-bench-chromium-"));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_FLAGS });
  const times: number[] = [];
  try {
    await context.addInitScript(([key, token]) => {
      globalThis.sessionStorage.setItem(key!, token!);
      const g = globalThis as any;
      new g.MutationObserver((_: unknown, observer: any) => {
        if (g.document.querySelector('[data-testid="overview"][data-live="true"]')) {
          g.liveAt = g.performance.now();
          observer.disconnect();
        }
      }).observe(g.document, { subtree: true, childList: true, attributes: true });
    }, [PASTED_TOKEN_KEY, TEST_TOKEN]);
    for (let run = 0; run <= RUNS; run++) {
      const page = await context.newPage();
      await page.goto(`http://127.0.0.1:${port}/#/overview`);
      // Polled with evaluate (waitForFunction needs eval, which the page's CSP refuses); the
      // time itself was taken in the page, so the polling interval does not enter it.
      let ms: number | undefined;
      for (const deadline = Date.now() + 10_000; ms === undefined && Date.now() < deadline; await Bun.sleep(20)) {
        ms = (await page.evaluate("globalThis.liveAt")) as number | undefined;
      }
      if (ms === undefined) throw new Error("the Overview did not go live within 10 s");
      if (run > 0) times.push(ms); // run 0 warms the server's bundle and the browser's cache
      await page.close();
    }
  } finally {
    await context.close();
    await rm(profile, { recursive: true, force: true });
  }
  return times;
}

async function idleRss(command: string[], uiEnabled: boolean): Promise<number> {
  const values: number[] = [];
  for (let run = 0; run < 3; run++) {
    const gw = await startGateway(command, uiEnabled);
    try {
      await Bun.sleep(1500); // let start-up garbage be collected
      values.push(readMemory(gw.pid).rssMb);
    } finally {
      await gw.stop();
    }
  }
  return median(values);
}

const gw = await startGateway(sourceCommand(), true);
try {
  const bundle = await bundleSize(gw.port);
  console.log(`bundle (source build): ${bundle.files} files, ${kb(bundle.raw)} raw, ${kb(bundle.gzip)} gzip in all (budget 80 KB gzip); first load ${kb(bundle.initialGzip)} gzip`);
  const times = await navigationToLive(gw.port);
  console.log(`navigation → live Overview: median ${median(times).toFixed(0)} ms, max ${Math.max(...times).toFixed(0)} ms over ${times.length} warm runs (budget 300 ms)`);
} finally {
  await gw.stop();
}

const commands: [string, string[]][] = [["source", sourceCommand()]];
const binary = binaryPath ? [binaryPath] : binaryCommand();
if (binary) commands.push([`binary ${binary[0]}`, binary]);
else console.log("no compiled binary at dist/openclaw (bun build.ts); RSS from source only");
for (const [label, command] of commands) {
  const on = await idleRss(command, true);
  const off = await idleRss(command, false);
  console.log(`idle RSS (${label}): UI enabled ${on.toFixed(1)} MB, disabled ${off.toFixed(1)} MB, difference ${(on - off).toFixed(1)} MB (budget +3 MB)`);
  if (label !== "source") {
    const running = await startGateway(command, true);
    try {
      const bundle = await bundleSize(running.port);
      console.log(`bundle (${label}): ${bundle.files} files, ${kb(bundle.raw)} raw, ${kb(bundle.gzip)} gzip in all; first load ${kb(bundle.initialGzip)} gzip`);
    } finally {
      await running.stop();
    }
  }
}
