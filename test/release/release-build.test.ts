/**
 * The release script end to end: a real build of all six targets (shared with
 * macho-signature.test.ts and foreign-smoke.test.ts through buildTestRelease), read back with the
 * system's own tools (tar, unzip, sha256sum), and the compiled-in version facts and compile
 * flags checked on the host binary.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pkg from "../../package.json" with { type: "json" };
import { checkBuiltVersion } from "../../scripts/release/host-check.ts";
import { RELEASE_TARGETS } from "../../scripts/release/manifest-types.ts";
import { buildTestRelease, hostTarget } from "../helpers/release-build.ts";

const VERSION = pkg.version;
// One build of every target, shared by the release tests (buildTestRelease memoises per key).
const SHARED_TARGETS: string[] = [...RELEASE_TARGETS];
const release = () => buildTestRelease({ version: VERSION, targets: SHARED_TARGETS });
const BUILD_TIMEOUT = 120_000;

const temps: string[] = [];
const temp = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), `openclaw-${prefix}-`));
  temps.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

async function run(cmd: string[], opts: { cwd?: string; env?: Record<string, string> } = {}) {
  const proc = Bun.spawn(cmd, { cwd: opts.cwd, env: opts.env ?? { PATH: process.env.PATH ?? "/usr/bin:/bin", NO_COLOR: "1" }, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { code, stdout, stderr };
}

const sha256 = (path: string) => new Bun.CryptoHasher("sha256").update(readFileSync(path)).digest("hex");
const hostBinary = (dir: string) => join(dir, "bin", `openclaw-${hostTarget()}`);

describe("release layout", () => {
  test("latest, manifest, SHA256SUMS and one archive per target", async () => {
    const { out, dir, manifest } = await release();
    expect(readFileSync(join(out, "latest"), "utf8")).toBe(`${VERSION}\n`);
    // The one-liners fetch the installers from the base URL itself.
    for (const installer of ["install.sh", "install.ps1"]) expect(readFileSync(join(out, installer), "utf8")).toBe(readFileSync(join(import.meta.dir, "..", "..", installer), "utf8"));
    expect(manifest).toMatchObject({ schema: 1, name: "openclaw", version: VERSION });
    // HEAD may have moved on since the build (commits land while tests run): the commit must exist.
    const inGit = Bun.spawnSync(["git", "rev-parse", "--git-dir"], { cwd: import.meta.dir, stdout: "ignore", stderr: "ignore" }).exitCode === 0;
    if (inGit) {
      expect(manifest.commit).toMatch(/^[0-9a-f]{40}$/);
      expect(Bun.spawnSync(["git", "cat-file", "-e", `${manifest.commit}^{commit}`], { cwd: import.meta.dir }).exitCode).toBe(0);
    } else expect(manifest.commit).toBe("unknown");
    expect(Number.isNaN(Date.parse(manifest.date))).toBe(false);

    expect(manifest.artefacts.map((a) => a.target)).toEqual([...RELEASE_TARGETS]);
    for (const a of manifest.artefacts) {
      const windows = a.os === "windows";
      expect(a).toMatchObject({ kind: "archive", format: windows ? "zip" : "tar.gz", binary: windows ? "openclaw.exe" : "openclaw" });
      expect(a.variant).toBe(a.target!.endsWith("-baseline") ? "baseline" : null);
      expect(`${a.os}-${a.arch}${a.variant ? `-${a.variant}` : ""}`).toBe(a.target!);
      expect(a.file).toBe(`openclaw-${VERSION}-${a.target}.${a.format}`);
      expect(a.url).toBe(a.file);
      expect(statSync(join(dir, a.file)).size).toBe(a.size);
      expect(sha256(join(dir, a.file))).toBe(a.sha256);
      expect(statSync(join(dir, "bin", `openclaw-${a.target}${windows ? ".exe" : ""}`)).mode & 0o777).toBe(0o755);
    }
    const sums = readFileSync(join(dir, "SHA256SUMS"), "utf8");
    expect(sums).toBe(manifest.artefacts.map((a) => `${a.sha256}  ${a.file}\n`).join(""));
    const check = await run(["sha256sum", "-c", "SHA256SUMS"], { cwd: dir });
    expect(check.code).toBe(0);
    expect(check.stdout.trim().split("\n")).toHaveLength(manifest.artefacts.length);
    // Nothing half-written left behind.
    expect(readdirSync(join(dir, "bin")).filter((f) => f.includes("partial"))).toEqual([]);
  }, BUILD_TIMEOUT);

  test("each .tar.gz holds exactly one root-owned 0755 `openclaw`, equal to bin/", async () => {
    const { dir, manifest } = await release();
    for (const a of manifest.artefacts.filter((a) => a.format === "tar.gz")) {
      const list = await run(["tar", "--numeric-owner", "-tvzf", join(dir, a.file)]);
      expect(list.code).toBe(0);
      const lines = list.stdout.trim().split("\n");
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^-rwxr-xr-x 0\/0 +\d+ \S+ \S+ openclaw$/);
      const into = temp("untar");
      expect((await run(["tar", "-xzf", join(dir, a.file), "-C", into])).code).toBe(0);
      expect(readdirSync(into)).toEqual(["openclaw"]);
      expect(sha256(join(into, "openclaw"))).toBe(sha256(join(dir, "bin", `openclaw-${a.target}`)));
      rmSync(into, { recursive: true, force: true });
    }
  }, BUILD_TIMEOUT);

  test("the windows .zip holds exactly one `openclaw.exe` that unzip verifies", async () => {
    const { dir } = await release();
    const zip = join(dir, `openclaw-${VERSION}-windows-x64.zip`);
    const test_ = await run(["unzip", "-t", zip]);
    expect(test_.stdout).toContain("No errors detected");
    const into = temp("unzip");
    expect((await run(["unzip", "-q", zip, "-d", into])).code).toBe(0);
    expect(readdirSync(into)).toEqual(["openclaw.exe"]);
    expect(sha256(join(into, "openclaw.exe"))).toBe(sha256(join(dir, "bin", "openclaw-windows-x64.exe")));
    // A PE executable: "MZ", then the "PE\0\0" signature where e_lfanew points.
    const exe = readFileSync(join(into, "openclaw.exe"));
    expect(exe.subarray(0, 2).toString()).toBe("MZ");
    expect(exe.subarray(exe.readUInt32LE(0x3c), exe.readUInt32LE(0x3c) + 4)).toEqual(Buffer.from("PE\0\0"));
  }, BUILD_TIMEOUT);
});

describe("the host binary", () => {
  test("--version and --version --json report the build facts", async () => {
    const { dir, manifest } = await release();
    const json = await run([hostBinary(dir), "--version", "--json"]);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({ version: VERSION, commit: manifest.commit, date: manifest.date, target: hostTarget() });
    const plain = await run([hostBinary(dir), "--version"]);
    const short = manifest.commit === "unknown" ? "commit unknown" : manifest.commit.slice(0, 7);
    expect(plain).toEqual({ code: 0, stdout: `openclaw ${VERSION} (${short}, built ${manifest.date}, ${hostTarget()})\n`, stderr: "" });
  }, BUILD_TIMEOUT);

  test("ignores a .env and a bunfig.toml in its working directory", async () => {
    const { dir } = await release();
    const cwd = temp("cwd");
    const home = temp("home");
    // Either file, if autoloaded, changes what the binary prints: the port's source, or a preload line.
    writeFileSync(join(cwd, ".env"), "OPENCLAW_GATEWAY_PORT=23456\n");
    writeFileSync(join(cwd, "bunfig.toml"), 'preload = ["./preload.ts"]\n');
    writeFileSync(join(cwd, "preload.ts"), 'console.log("PRELOAD RAN");\n');
    const env = { PATH: process.env.PATH ?? "", NO_COLOR: "1", HOME: home, OPENCLAW_HOME: home, OPENCLAW_LOG_DIR: join(home, "logs") };
    const r = await run([hostBinary(dir), "config", "get", "gateway.port", "--json"], { cwd, env });
    expect(r.stdout).not.toContain("PRELOAD RAN");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ path: "gateway.port", source: "default" });
    // The same command does see the variable from the real environment: the probe can tell.
    const seen = await run([hostBinary(dir), "config", "get", "gateway.port", "--json"], { cwd, env: { ...env, OPENCLAW_GATEWAY_PORT: "23456" } });
    expect(JSON.parse(seen.stdout)).toMatchObject({ value: 23456, source: "env" });
  }, BUILD_TIMEOUT);
});

describe("refusals", () => {
  const script = join(import.meta.dir, "..", "..", "scripts", "release", "release.ts");
  for (const [args, message] of [
    [["--targets", "linux-x64,beos-x64"], "unknown target beos-x64"],
    [["--version", "1.x"], "is not a version like 1.2.3"],
    [["--jobs", "0"], "--jobs must be a whole number"],
    [["--frobnicate"], "unknown argument --frobnicate"],
  ] as const) {
    test(`${args.join(" ")} is refused with exit 2 and writes nothing`, async () => {
      const out = temp("badargs");
      const r = await run([process.execPath, script, "--skip-gen", "--out", out, ...args]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(message);
      expect(readdirSync(out)).toEqual([]);
    });
  }

  test("a binary whose --version --json does not match the build is refused", async () => {
    const dir = temp("fakebin");
    const fake = join(dir, "openclaw");
    writeFileSync(fake, '#!/bin/sh\necho \'{"version":"0.0.0","commit":"x","date":"y","target":"z"}\'\n');
    chmodSync(fake, 0o755);
    const expected = { version: VERSION, commit: "unknown", date: "2026-01-01T00:00:00Z", target: hostTarget() };
    await expect(checkBuiltVersion(fake, expected)).rejects.toThrow(/--version --json: exit 0, printed .*0\.0\.0.*expected/);
  });
});
