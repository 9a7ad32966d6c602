/**
 * Smoke tests of release binaries this machine cannot run natively, through emulators:
 *
 * - linux-arm64 under qemu-user (`qemu-aarch64-static -L /usr/aarch64-linux-gnu`; Debian packages
 *   qemu-user-static and libc6-arm64-cross: Bun's binary is dynamically linked against glibc).
 * - linux-x64-baseline under `qemu-x86_64-static -cpu Nehalem`, a CPU model without AVX/AVX2;
 *   a 133-byte AVX2 probe first proves that this emulated CPU really refuses AVX2.
 * - windows-x64 under Wine (Debian's wine64), when it is installed. Wine 8.0 (Debian 12) lacks
 *   bcryptprimitives.dll, whose ProcessPrng Bun imports; the test then gives the Wine prefix a
 *   forwarder DLL for that one function (scripts/release/smoke/emulators.ts) and says so.
 *
 * Each runs `--version` and starts and stops a real gateway (test/binary/binary-smoke.ts) through
 * a wrapper script. With CI=true a missing qemu is a failure, not a skip; a missing Wine is a skip
 * with its reason. When Wine is there but cannot run the binary, the test FAILS with Wine's
 * reason: that is not a smoke pass.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import pkg from "../../package.json" with { type: "json" };
import { RELEASE_TARGETS } from "../../scripts/release/manifest-types.ts";
import { avx2ProbeElf, forwarderDll, wrapperScript } from "../../scripts/release/smoke/emulators.ts";
import { smokeBinary } from "../binary/binary-smoke.ts";
import { Condition } from "../helpers/condition.ts";
import { buildTestRelease, hostTarget } from "../helpers/release-build.ts";

const CI = process.env.CI === "true";
const TIMEOUT = 180_000;
// One build of every target shared by the release tests (same key as release-build.test.ts).
const release = () => buildTestRelease({ version: pkg.version, targets: [...RELEASE_TARGETS] });

const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `openclaw-${prefix}-`));
  temps.push(dir);
  return dir;
}

/** An executable script that runs `binary` through `runner` (smokeBinary spawns one program). */
const wrapper = (runner: string[], binary: string, env: Record<string, string> = {}) => wrapperScript(tempDir("foreign"), runner, binary, env);

async function run(cmd: string[], env?: Record<string, string>) {
  const proc = Bun.spawn(cmd, { env: env ?? { PATH: process.env.PATH ?? "" }, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  const timer = setTimeout(() => proc.kill("SIGKILL"), 120_000);
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  clearTimeout(timer);
  return { code, stdout, stderr };
}

/** A test that cannot run here: a failure in CI (the tool is part of CI's setup), else a skip with the reason. */
function missing(name: string, reason: string): void {
  if (CI) test(name, () => expect(reason).toBe("installed (CI=true requires it)"));
  else test.skip(`${name} (skipped: ${reason})`, () => {});
}

describe("linux-arm64 under qemu-user", () => {
  const qemu = Bun.which("qemu-aarch64-static");
  const sysroot = "/usr/aarch64-linux-gnu";
  const name = "--version, then a gateway starts, answers and stops";
  if (!qemu) missing(name, "qemu-aarch64-static not found (apt-get install qemu-user-static)");
  else if (!existsSync(join(sysroot, "lib", "ld-linux-aarch64.so.1"))) missing(name, `no aarch64 glibc in ${sysroot} (apt-get install libc6-arm64-cross)`);
  else {
    test(name, async () => {
      const { dir } = await release();
      const binary = wrapper([qemu, "-L", sysroot], join(dir, "bin", "openclaw-linux-arm64"));
      const version = await run([binary, "--version", "--json"]);
      expect(version.code).toBe(0);
      expect(JSON.parse(version.stdout)).toMatchObject({ version: pkg.version, target: "linux-arm64" });
      const report = await smokeBinary(binary, () => {});
      expect(report.version).toContain("linux-arm64");
    }, TIMEOUT);
  }
});

describe("linux-x64-baseline on a CPU without AVX2 (qemu -cpu Nehalem)", () => {
  const qemu = Bun.which("qemu-x86_64-static");
  const name = "--version, then a gateway starts, answers and stops";
  if (hostTarget() !== "linux-x64") test.skip(`${name} (skipped: needs a linux-x64 host for qemu-x86_64 user mode)`, () => {});
  else if (!qemu) missing(name, "qemu-x86_64-static not found (apt-get install qemu-user-static)");
  else {
    test(name, async () => {
      const probe = join(tempDir("avx2"), "avx2-probe");
      writeFileSync(probe, avx2ProbeElf());
      chmodSync(probe, 0o755);
      // The control: natively the probe exits 0 (this host has AVX2), on the emulated Nehalem it must die of SIGILL.
      const emulated = await run([qemu, "-cpu", "Nehalem", probe]);
      expect(emulated.code).not.toBe(0);
      expect(emulated.stderr).toContain("Illegal instruction");

      const { dir: rel } = await release();
      const binary = wrapper([qemu, "-cpu", "Nehalem"], join(rel, "bin", "openclaw-linux-x64-baseline"));
      const report = await smokeBinary(binary, () => {});
      expect(report.version).toContain("linux-x64-baseline");
    }, TIMEOUT);
  }
});

describe("windows-x64 under Wine", () => {
  const wine = Bun.which("wine64") ?? (existsSync("/usr/lib/wine/wine64") ? "/usr/lib/wine/wine64" : null);
  const name = "--version, then a gateway starts, answers /healthz, /readyz and a WebSocket, and stops on Ctrl+C (Wine 8: plus a ProcessPrng forwarder DLL)";
  if (!wine) test.skip(`${name} (skipped: wine64 not installed)`, () => {});
  else {
    test(name, async () => {
      const { dir } = await release();
      const prefix = tempDir("wine");
      const env = { WINEPREFIX: prefix, WINEDEBUG: "err+module", WINEDLLOVERRIDES: "mscoree,mshtml=" };
      const binary = wrapper([wine], join(dir, "bin", "openclaw-windows-x64.exe"), env);
      const wineEnv = { PATH: process.env.PATH ?? "", HOME: prefix, NO_COLOR: "1" };
      try {
        let version = await run([binary, "--version"], wineEnv);
        const missingDll = /Library (\S+) \(which is needed by/.exec(version.stderr)?.[1];
        if (version.code !== 0 && missingDll?.toLowerCase() === "bcryptprimitives.dll") {
          // Wine 8 lacks the DLL Windows 10+ ships; give it the one function Bun imports from it, nothing else.
          writeFileSync(join(prefix, "drive_c", "windows", "system32", "bcryptprimitives.dll"), forwarderDll("bcryptprimitives.dll", "ProcessPrng", "advapi32.SystemFunction036"));
          version = await run([binary, "--version"], wineEnv);
        }
        if (version.code !== 0) {
          const wineVersion = (await run([wine, "--version"])).stdout.trim();
          throw new Error(`${wineVersion} cannot run the windows-x64 binary (exit ${version.code}):\n${version.stderr.slice(-1500)}`);
        }
        expect(version.stdout).toStartWith(`openclaw ${pkg.version} (`);
        expect(version.stdout.trim()).toEndWith(", windows-x64)");
        await gatewayUnderWine(binary, prefix);
      } finally {
        // The prefix's wineserver outlives the last Windows process by a few seconds: stop it now.
        const server = [join(dirname(wine), "wineserver"), "/usr/lib/wine/wineserver", Bun.which("wineserver")].find((p) => p && existsSync(p));
        if (server) await run([server, "-k"], { ...wineEnv, WINEPREFIX: prefix });
      }
    }, TIMEOUT);
  }
});

/**
 * smokeBinary's checks that apply to Windows: Windows has no SIGTERM (Wine turns it into a kill,
 * exit 143), so the stop is Ctrl+C (SIGINT → CTRL_C_EVENT), and the log path is a Windows path.
 */
async function gatewayUnderWine(binary: string, prefix: string): Promise<void> {
  const home = tempDir("wine-home");
  const token = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("hex");
  const proc = Bun.spawn([binary, "gateway", "--port", "0", "--allow-unconfigured"], {
    cwd: home,
    env: { PATH: process.env.PATH ?? "", HOME: prefix, NO_COLOR: "1", OPENCLAW_HOME: home, OPENCLAW_LOG_DIR: join(home, "logs"), OPENCLAW_GATEWAY_TOKEN: token, OPENCLAW_SKIP_CANVAS_HOST: "1" },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  let output = "";
  const changed = new Condition();
  const decoder = new TextDecoder();
  const drain = async (stream: ReadableStream<Uint8Array>) => {
    for await (const chunk of stream) {
      output += decoder.decode(chunk, { stream: true });
      changed.wake();
    }
  };
  const drained = Promise.all([drain(proc.stdout), drain(proc.stderr)]);
  let exit: number | null = null;
  void proc.exited.then((code) => {
    exit = code;
    changed.wake();
  });
  try {
    const port = await changed.waitFor("the listening line", () => {
      if (exit !== null) throw new Error(`the gateway exited early (${exit}):\n${output}`);
      const m = /listening on ws:\/\/127\.0\.0\.1:(\d+)\s/.exec(output);
      return m ? Number(m[1]) : undefined;
    }, 60_000, () => `\n${output}`);
    const healthz = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(await healthz.json()).toEqual({ ok: true, status: "live" });
    expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
    const challenge = await new Promise<{ event?: string; payload?: { nonce?: unknown } }>((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/`);
      ws.onmessage = (ev) => {
        resolve(JSON.parse(String(ev.data)));
        ws.close();
      };
      ws.onerror = () => reject(new Error("WebSocket error"));
    });
    expect(challenge.event).toBe("connect.challenge");
    expect(typeof challenge.payload?.nonce).toBe("string");

    proc.kill("SIGINT");
    const code = await changed.waitFor("the exit after Ctrl+C", () => exit ?? undefined, 10_000, () => `\n${output}`);
    await drained;
    expect(code).toBe(0);
    expect(output).toContain("stopped");
    expect(output).not.toContain(token);
  } finally {
    if (exit === null) proc.kill("SIGKILL");
  }
}
