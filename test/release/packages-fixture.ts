/**
 * A hand-made release dir for the packagers' fast tests: the layout of the release contract with
 * tiny shell scripts as "binaries" (`--version` prints the version and target, `exit N` exits N,
 * `kill SIG` dies of SIG, `wait` runs until SIGTERM and reports it, 15 s at most so a failed test
 * leaves nothing running), so deb/apt/npm install cycles run in a second instead of moving 128 MB.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Manifest, ManifestArtefact, ReleaseTarget } from "../../scripts/release/manifest-types.ts";
import { artefactFor } from "../../scripts/release/packages/meta.ts";
import { archiveName, rawBinaryName, targetInfo } from "../../scripts/release/targets.ts";

export function fakeBinary(version: string, target: string): string {
  return `#!/bin/sh
case "$1" in
  --version) echo "openclaw ${version} (fake, built 2026-12-01, ${target})" ;;
  exit) exit "$2" ;;
  kill) kill -s "$2" $$ ;;
  wait) trap 'echo "got TERM"; exit 143' TERM; echo ready; i=0; while [ $i -lt 300 ]; do sleep 0.05; i=$((i+1)); done ;;
  *) printf 'arg:%s\\n' "$@" ;;
esac
`;
}

export interface FakeRelease {
  root: string;
  dir: string;
  manifest: Manifest;
  cleanup: () => void;
}

export async function fakeRelease(version: string, targets: ReleaseTarget[]): Promise<FakeRelease> {
  const root = mkdtempSync(join(tmpdir(), "openclaw-fake-release-"));
  const dir = join(root, version);
  mkdirSync(join(dir, "bin"), { recursive: true });
  const artefacts: ManifestArtefact[] = [];
  for (const target of targets) {
    const t = targetInfo(target);
    const bin = join(dir, "bin", rawBinaryName(t));
    writeFileSync(bin, fakeBinary(version, target));
    chmodSync(bin, 0o755);
    const archive = join(dir, archiveName(version, t));
    if (t.format === "tar.gz") {
      const stage = join(root, `stage-${target}`);
      mkdirSync(stage);
      writeFileSync(join(stage, "openclaw"), fakeBinary(version, target), { mode: 0o755 });
      const tar = Bun.spawnSync(["tar", "-czf", archive, "-C", stage, "openclaw"]);
      if (tar.exitCode !== 0) throw new Error(`tar failed: ${tar.stderr.toString()}`);
      rmSync(stage, { recursive: true });
    } else {
      writeFileSync(archive, `not a real zip: a test stand-in for ${target}`);
    }
    artefacts.push(artefactFor(dir, archive, "archive", t.format, { target, os: t.os, arch: t.arch, variant: t.variant, binary: t.binary }));
  }
  const manifest: Manifest = { schema: 1, name: "openclaw", version, commit: "0123456789abcdef0123456789abcdef01234567", date: "2026-12-01T11:00:00.000Z", artefacts };
  writeFileSync(join(dir, "manifest.json"), JSON.stringify(manifest, null, 2));
  return { root, dir, manifest, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

/** Runs a command, returns its exit code and output (never throws on a non-zero exit). */
export function sh(cmd: string[], opts: { cwd?: string; env?: Record<string, string | undefined> } = {}) {
  const r = Bun.spawnSync(cmd, { cwd: opts.cwd, env: { ...process.env, ...opts.env }, stdout: "pipe", stderr: "pipe" });
  return { code: r.exitCode, stdout: r.stdout.toString(), stderr: r.stderr.toString(), signal: r.signalCode };
}

/** `sh` without blocking the event loop (for commands that talk to a server in this process). */
export async function shAsync(cmd: string[], opts: { cwd?: string; env?: Record<string, string | undefined> } = {}) {
  const proc = Bun.spawn(cmd, { cwd: opts.cwd, env: { ...process.env, ...opts.env }, stdio: ["ignore", "pipe", "pipe"] });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { code, stdout, stderr, signal: proc.signalCode };
}

/** `Key: value` fields of a Debian control paragraph (continuation lines appended). */
export function controlFields(text: string): Record<string, string> {
  const fields: Record<string, string> = {};
  let last = "";
  for (const line of text.split("\n")) {
    const m = /^([A-Za-z0-9-]+):\s?(.*)$/.exec(line);
    if (m) fields[(last = m[1]!)] = m[2]!;
    else if (line.startsWith(" ") && last) fields[last] += `\n${line}`;
  }
  return fields;
}

/**
 * Why a test that installs into the real /usr/bin must not run here, or null when it may:
 * it needs root and dpkg, and nothing called openclaw may be installed already (the test purges
 * what it installed; it must never remove someone else's openclaw).
 */
export function systemInstallBlocker(): string | null {
  if (process.platform !== "linux") return "not Linux";
  if (process.getuid?.() !== 0) return "not root (dpkg -i needs it)";
  if (sh(["sh", "-c", "command -v dpkg"]).code !== 0) return "no dpkg";
  const status = sh(["dpkg-query", "-W", "-f=${Status}", "openclaw"]).stdout;
  if (status.includes("installed") && !status.includes("not-installed")) return `a package named openclaw is already installed (${status.trim()})`;
  if (sh(["test", "-e", "/usr/bin/openclaw"]).code === 0) return "/usr/bin/openclaw already exists (installed by something else)";
  return null;
}

/** Puts the system back: purges our package if a test left it installed. */
export function purgeOpenclaw(): void {
  const status = sh(["dpkg-query", "-W", "-f=${Status}", "openclaw"]).stdout;
  if (status && !status.includes("not-installed")) sh(["dpkg", "--purge", "openclaw"]);
}

/**
 * apt-get with a scratch configuration: our repository as the only source, lists and caches in
 * `scratch`, so the machine's own apt lists and package caches stay as they were. Installing
 * still goes through the real dpkg (what the test checks).
 */
export function scratchApt(scratch: string, sourcesLine: string) {
  for (const d of ["lists/partial", "cache/archives/partial", "sources.list.d", "preferences.d"]) mkdirSync(join(scratch, d), { recursive: true });
  writeFileSync(join(scratch, "sources.list"), `${sourcesLine}\n`);
  const options = [
    `Dir::Etc::SourceList=${join(scratch, "sources.list")}`,
    `Dir::Etc::SourceParts=${join(scratch, "sources.list.d")}`,
    `Dir::Etc::PreferencesParts=${join(scratch, "preferences.d")}`,
    `Dir::State::Lists=${join(scratch, "lists")}`,
    `Dir::Cache=${join(scratch, "cache")}`,
    "Acquire::Languages=none",
    "Acquire::Retries=0",
    "APT::Get::List-Cleanup=false",
    // Another apt/dpkg run on the machine holds the lock for a while; wait instead of failing.
    "DPkg::Lock::Timeout=120",
  ].flatMap((o) => ["-o", o]);
  // mkdtemp makes 0700; apt downloads as the unprivileged _apt user, which must reach lists/partial.
  chmodSync(scratch, 0o755);
  // Asynchronous: the repository is served by this same process, which must keep answering.
  return (...args: string[]) => shAsync(["apt-get", ...options, ...args], { env: { DEBIAN_FRONTEND: "noninteractive" } });
}

/** What the machine's own apt state looks like (names, sizes, mtimes) to prove a test left it alone. */
export function aptStateSnapshot(): string {
  return sh(["sh", "-c", "ls -lA --time-style=full-iso /var/lib/apt/lists /var/cache/apt 2>&1"]).stdout;
}

/** npm install -g from local tarballs only: no network namespace, empty cache, scratch HOME. */
export async function npmInstallGlobal(prefix: string, tarballFiles: string[], home: string) {
  const cmd = ["npm", "install", "-g", "--prefix", prefix, "--offline", "--no-audit", "--no-fund", "--loglevel=error", ...tarballFiles];
  const env = { HOME: home, npm_config_cache: join(home, "npm-cache"), npm_config_update_notifier: "false" };
  const unshare = sh(["unshare", "-n", "true"]).code === 0;
  return shAsync(unshare ? ["unshare", "-n", ...cmd] : cmd, { env });
}

/**
 * `apt-get update && apt-get install openclaw` from `repoUrl` in a scratch apt config, the
 * installed command's `--version` output, then `apt-get purge`; the system is put back even when
 * a step fails. Returns what the checks need; expectations stay in the tests.
 */
export async function aptInstallCycle(scratch: string, repoUrl: string, whileInstalled: () => unknown = () => null) {
  const apt = scratchApt(scratch, `deb [trusted=yes] ${repoUrl} stable main`);
  const before = aptStateSnapshot();
  try {
    const update = await apt("update");
    const install = update.code === 0 ? await apt("install", "-y", "--no-install-recommends", "openclaw") : null;
    const version = sh(["/usr/bin/openclaw", "--version"]);
    const installedVersion = sh(["dpkg-query", "-W", "-f=${Version}", "openclaw"]).stdout;
    const during = install?.code === 0 ? await whileInstalled() : null;
    const purge = install?.code === 0 ? await apt("purge", "-y", "openclaw") : null;
    const leftBehind = ["/usr/bin/openclaw", "/usr/share/doc/openclaw"].filter((p) => existsSync(p));
    return { update, install, version, installedVersion, during, purge, leftBehind, before };
  } finally {
    purgeOpenclaw();
  }
}
