/**
 * Smoke test for a compiled gateway binary (a script, not a `bun test` file):
 *
 *     bun test/binary/binary-smoke.ts [path-to-binary]      (default: dist/openclaw)
 *
 * 1. `<binary> --version` prints the package.json version.
 * 2. `<binary> gateway --port 0 --allow-unconfigured` with a throw-away OPENCLAW_HOME, a random
 *    OPENCLAW_GATEWAY_TOKEN and no canvas host: time from spawn until `GET /healthz` answers.
 * 3. One WebSocket RPC (`health`) through the connect.challenge → connect → hello-ok handshake.
 * 4. SIGTERM: the process exits 0 within 5 s.
 * 5. The token never appears in the process's stdout/stderr.
 * 6. The file log went to `OPENCLAW_LOG_DIR` inside the throw-away home, so a smoke run leaves
 *    nothing behind in the machine's `/tmp/openclaw` (which `openclaw logs` shows the user);
 *    the home is removed afterwards.
 *
 * Exits non-zero with a message naming the failed step. `build.ts` imports `smokeBinary`.
 */
import { mkdtempSync, rmSync, statSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import pkg from "../../package.json" with { type: "json" };

export class SmokeError extends Error {
  override name = "SmokeError";
}

export interface SmokeReport {
  binary: string;
  version: string;
  versionMs: number;
  healthzMs: number;
  readyMs: number;
  rpcMs: number;
  shutdownMs: number;
  rssMb: number | null;
}

const fail = (message: string): never => {
  throw new SmokeError(message);
};

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new SmokeError(`${what}: timed out after ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** The environment the binary runs with: ours minus any OPENCLAW_/CLAWDBOT_ settings that would leak in. */
function cleanEnv(extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined || /^(OPENCLAW_|CLAWDBOT_)/.test(k)) continue;
    env[k] = v;
  }
  return { ...env, NO_COLOR: "1", ...extra };
}

export async function checkVersion(binary: string, cwd?: string): Promise<{ version: string; ms: number }> {
  const t0 = performance.now();
  const proc = Bun.spawn([binary, "--version"], { cwd, env: cleanEnv({}), stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, code] = await withTimeout(
    Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]),
    15_000,
    `${binary} --version`,
  ).catch((e) => {
    proc.kill("SIGKILL");
    throw e;
  });
  const ms = performance.now() - t0;
  const out = stdout.trim();
  if (code !== 0) fail(`${binary} --version exited ${code}\nstdout: ${out}\nstderr: ${stderr.trim()}`);
  // A binary built with --bytecode but without --format=esm exits 0 and prints nothing useful.
  if (!out.split(/\s+/).includes(pkg.version)) {
    fail(`${binary} --version printed ${JSON.stringify(out)}, expected the package.json version ${pkg.version}` + (stderr.trim() ? `\nstderr: ${stderr.trim()}` : ""));
  }
  return { version: out, ms };
}

type Frame = { type?: string; id?: string; ok?: boolean; event?: string; payload?: any; error?: any };

/** connect.challenge → connect (token) → hello-ok → health. Resolves with the health payload. */
async function healthOverWs(port: number, token: string): Promise<unknown> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/`);
  const frames: Frame[] = [];
  let wake: (() => void) | null = null;
  let closed: string | null = null;
  ws.addEventListener("message", (ev) => {
    try {
      frames.push(JSON.parse(String(ev.data)));
    } catch {
      frames.push({ type: "unparseable", payload: String(ev.data).slice(0, 200) });
    }
    wake?.();
  });
  ws.addEventListener("close", (ev) => {
    closed = `closed (code ${ev.code}${ev.reason ? `, ${ev.reason}` : ""})`;
    wake?.();
  });
  ws.addEventListener("error", () => {
    closed ??= "WebSocket error";
    wake?.();
  });
  const next = async (what: string, match: (f: Frame) => boolean): Promise<Frame> => {
    for (;;) {
      const i = frames.findIndex(match);
      if (i >= 0) return frames.splice(i, 1)[0]!;
      if (closed) fail(`WebSocket: ${closed} while waiting for ${what}`);
      await new Promise<void>((r) => (wake = r));
      wake = null;
    }
  };
  try {
    return await withTimeout(
      (async () => {
        const challenge = await next("connect.challenge", (f) => f.type === "event" && f.event === "connect.challenge");
        if (typeof challenge.payload?.nonce !== "string") fail(`connect.challenge without a nonce: ${JSON.stringify(challenge)}`);
        ws.send(
          JSON.stringify({
            type: "req",
            id: "1",
            method: "connect",
            params: {
              minProtocol: 3,
              maxProtocol: 4,
              client: { id: "test", version: "1", platform: "linux", mode: "test" },
              role: "operator",
              scopes: ["operator.read"],
              auth: { token },
            },
          }),
        );
        const hello = await next("the connect response", (f) => f.type === "res" && f.id === "1");
        if (!hello.ok || hello.payload?.type !== "hello-ok") fail(`connect was refused: ${JSON.stringify(hello).slice(0, 500)}`);
        ws.send(JSON.stringify({ type: "req", id: "2", method: "health" }));
        const health = await next("the health response", (f) => f.type === "res" && f.id === "2");
        if (!health.ok || health.payload?.ok !== true) fail(`health RPC failed: ${JSON.stringify(health).slice(0, 500)}`);
        return health.payload;
      })(),
      10_000,
      "WebSocket handshake + health RPC",
    );
  } finally {
    ws.close();
  }
}

function rssMb(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Math.round(Number(m[1]) / 102.4) / 10 : null;
  } catch {
    return null;
  }
}

/** Files under dir (logs, config, database) that contain the token. */
function filesContaining(dir: string, needle: string): string[] {
  const hits: string[] = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.isFile() && statSync(p).size < 50_000_000 && readFileSync(p).includes(needle)) hits.push(p);
    }
  };
  try {
    walk(dir);
  } catch {}
  return hits;
}

export async function smokeBinary(binaryArg: string, log: (line: string) => void = console.log): Promise<SmokeReport> {
  const binary = resolve(binaryArg);
  try {
    if (!statSync(binary).isFile()) fail(`${binary} is not a file`);
  } catch (e) {
    if (e instanceof SmokeError) throw e;
    fail(`binary not found: ${binary} (run \`bun run build\` first)`);
  }
  const home = mkdtempSync(join(tmpdir(), "openclaw-smoke-"));
  const logDir = join(home, "logs");
  const token = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("hex");
  let proc: Bun.Subprocess<"ignore", "pipe", "pipe"> | null = null;
  let output = "";
  try {
    const version = await checkVersion(binary, home);

    // Port 0: the gateway binds an ephemeral port and names it in its "listening on" line.
    let port = 0;
    const t0 = performance.now();
    proc = Bun.spawn([binary, "gateway", "--port", "0", "--allow-unconfigured"], {
      cwd: home,
      env: cleanEnv({ OPENCLAW_HOME: home, OPENCLAW_LOG_DIR: logDir, OPENCLAW_GATEWAY_TOKEN: token, OPENCLAW_SKIP_CANVAS_HOST: "1" }),
      stdin: "ignore",
      stdout: "pipe",
      stderr: "pipe",
    });
    const child = proc;
    const decoder = new TextDecoder();
    let announced: () => void = () => {};
    const listening = new Promise<void>((resolve) => (announced = resolve));
    const drain = async (stream: ReadableStream<Uint8Array>) => {
      for await (const chunk of stream) {
        output += decoder.decode(chunk, { stream: true });
        const match = /listening on ws:\/\/[^\s:]+:(\d+)\s/.exec(output);
        if (match && port === 0) {
          port = Number(match[1]);
          announced();
        }
      }
    };
    const drained = Promise.all([drain(child.stdout), drain(child.stderr)]);
    let exited: number | null = null;
    void child.exited.then((c) => (exited = c));
    const died = () => fail(`gateway exited early with code ${exited}\n--- output ---\n${output.trim()}`);
    await withTimeout(Promise.race([listening, child.exited.then(died)]), 15_000, "waiting for the listening line");

    // Poll /healthz as fast as it makes sense (a refused connect costs well under a millisecond).
    const poll = async (path: string, ok: (status: number, body: any) => boolean, limitMs: number): Promise<number> => {
      const deadline = performance.now() + limitMs;
      for (;;) {
        if (exited !== null) died();
        try {
          const res = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(1000) });
          const body = await res.json().catch(() => null);
          if (ok(res.status, body)) return performance.now() - t0;
        } catch {}
        if (performance.now() > deadline) fail(`GET ${path} did not answer within ${limitMs} ms\n--- output ---\n${output.trim()}`);
        await Bun.sleep(5);
      }
    };
    const healthzMs = await poll("/healthz", (s, b) => s === 200 && b?.ok === true && b?.status === "live", 15_000);
    const readyMs = await poll("/readyz", (s) => s === 200, 10_000);
    const rss = rssMb(child.pid);

    const r0 = performance.now();
    await healthOverWs(port, token);
    const rpcMs = performance.now() - r0;

    const s0 = performance.now();
    child.kill("SIGTERM");
    let timer: ReturnType<typeof setTimeout> | undefined;
    const code = await Promise.race([child.exited, new Promise<"timeout">((r) => (timer = setTimeout(() => r("timeout"), 5000)))]);
    clearTimeout(timer);
    const shutdownMs = performance.now() - s0;
    if (code === "timeout") {
      child.kill("SIGKILL");
      fail(`gateway did not exit within 5 s of SIGTERM\n--- output ---\n${output.trim()}`);
    }
    await withTimeout(drained, 2000, "reading gateway output").catch(() => {});
    if (code !== 0) fail(`gateway exited with code ${code} (signal ${child.signalCode ?? "none"}) after SIGTERM, expected 0\n--- output ---\n${output.trim()}`);
    if (output.includes(token)) fail("the gateway token appeared in the process output (stdout/stderr)");
    const logFile = /\blog file (\S+)/.exec(output)?.[1];
    if (!logFile || dirname(logFile) !== logDir || !statSync(logFile, { throwIfNoEntry: false })?.size) {
      fail(`the file log is not in OPENCLAW_LOG_DIR (${logDir}): the gateway said ${logFile ? `"log file ${logFile}"` : "nothing about it"}\n--- output ---\n${output.trim()}`);
    }
    const leaked = filesContaining(home, token);
    if (leaked.length) log(`warning: the token appears verbatim in ${leaked.map((p) => p.slice(home.length + 1)).join(", ")}`);

    const report: SmokeReport = { binary, version: version.version, versionMs: version.ms, healthzMs, readyMs, rpcMs, shutdownMs, rssMb: rss };
    const size = (statSync(binary).size / 1048576).toFixed(1);
    log(
      `binary smoke OK: ${binaryArg} (${size} MB) version ${report.version}\n` +
        `  --version         ${report.versionMs.toFixed(0)} ms\n` +
        `  start -> /healthz ${report.healthzMs.toFixed(0)} ms\n` +
        `  start -> /readyz  ${report.readyMs.toFixed(0)} ms\n` +
        `  ws connect+health ${report.rpcMs.toFixed(0)} ms\n` +
        `  SIGTERM -> exit 0 ${report.shutdownMs.toFixed(0)} ms\n` +
        (rss !== null ? `  RSS when ready    ${rss} MB\n` : "") +
        `  token not in stdout/stderr\n` +
        `  file log in OPENCLAW_LOG_DIR (removed with the temp home)`,
    );
    return report;
  } finally {
    if (proc && proc.exitCode === null && proc.signalCode === null) {
      proc.kill("SIGKILL");
      await proc.exited;
    }
    rmSync(home, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  const binary = process.argv[2] ?? join(import.meta.dir, "..", "..", "dist", "openclaw");
  try {
    await smokeBinary(binary);
  } catch (error) {
    console.error(`binary smoke FAILED: ${error instanceof SmokeError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  }
}
