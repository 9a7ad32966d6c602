/**
 * A real release built once per test process: `buildTestRelease` runs scripts/release/release.ts
 * with `--skip-gen --out <mkdtemp>` and memoises the result per version/targets/packages key, so
 * several test files (bun test runs them in one process) share one build. The directories are
 * removed when the process exits. Callers must not modify what they get; copy it if needed.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Manifest } from "../../scripts/release/manifest-types.ts";
import { hostTarget as releaseHostTarget } from "../../scripts/release/targets.ts";

const RELEASE_SCRIPT = join(import.meta.dir, "..", "..", "scripts", "release", "release.ts");

export interface TestRelease {
  /** The `--out` directory: holds `latest` and `<version>/`. */
  out: string;
  /** `<out>/<version>`. */
  dir: string;
  manifest: Manifest;
}

/** This machine's release target, e.g. "linux-x64". */
export function hostTarget(): string {
  return releaseHostTarget();
}

const builds = new Map<string, Promise<TestRelease>>();
const dirs: string[] = [];
process.on("exit", () => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function build(version: string, targets: string[], packages: boolean): Promise<TestRelease> {
  const out = mkdtempSync(join(tmpdir(), "openclaw-release-test-"));
  dirs.push(out);
  const args = [RELEASE_SCRIPT, "--skip-gen", "--out", out, "--version", version, "--targets", targets.join(",")];
  if (!packages) args.push("--skip-packages");
  const proc = Bun.spawn([process.execPath, ...args], { stdin: "ignore", stdout: "pipe", stderr: "pipe", env: { ...process.env, NO_COLOR: "1" } });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  if (code !== 0) throw new Error(`release build (${version}, ${targets.join(",")}) failed with exit code ${code}\n${stdout}\n${stderr}`.trim());
  const dir = join(out, version);
  const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as Manifest;
  return { out, dir, manifest };
}

export function buildTestRelease(opts: { version: string; targets?: string[]; packages?: boolean }): Promise<TestRelease> {
  const targets = opts.targets ?? [hostTarget()];
  const packages = opts.packages ?? false;
  const key = JSON.stringify([opts.version, [...targets].sort(), packages]);
  let pending = builds.get(key);
  if (!pending) {
    pending = build(opts.version, targets, packages);
    // A failed build is not cached: the next caller gets a fresh attempt and its own error.
    pending.catch(() => builds.delete(key));
    builds.set(key, pending);
  }
  return pending;
}
