/**
 * `bun run release`: every release artefact from one command.
 *
 *   bun scripts/release/release.ts [--out DIR] [--version V] [--targets ...] [--skip-gen] [--skip-packages]
 *
 * Writes `<out>/<version>/`: `bin/openclaw-<target>[.exe]`, one archive per target
 * (`openclaw-<version>-<target>.tar.gz|.zip`), `packages/` (when scripts/release/packages/ exists),
 * `SHA256SUMS` and `manifest.json`; then the installers (`<out>/install.sh`, `<out>/install.ps1`,
 * where the one-liners fetch them) and `<out>/latest`. Layout: scripts/release/README.md.
 *
 * Each target builds in its own process (build-target.ts), a few at a time. darwin binaries are
 * re-signed ad hoc and verified (the release fails if verification fails); binaries this machine
 * can run answer `--version --json` with exactly the build facts compiled in.
 */
import { copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseReleaseArgs, USAGE, UsageError, type ReleaseArgs } from "./args.ts";
import type { BuildTargetRequest } from "./build-target.ts";
import { buildDate, gitCommit, ROOT } from "./compile.ts";
import { checkBuiltVersion } from "./host-check.ts";
import type { Manifest, ManifestArtefact } from "./manifest-types.ts";
import { rawBinaryName, targetInfo } from "./targets.ts";

class ReleaseError extends Error {}

const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

async function run(cmd: string[]): Promise<void> {
  const proc = Bun.spawn(cmd, { cwd: ROOT, stdio: ["ignore", "inherit", "inherit"] });
  const code = await proc.exited;
  if (code !== 0) throw new ReleaseError(`\`${cmd.slice(1).join(" ")}\` failed with exit code ${code}`);
}

/** One target in a child process; its stderr streams through, its last stdout line is the artefact. */
async function buildInChild(req: BuildTargetRequest): Promise<ManifestArtefact> {
  const proc = Bun.spawn([process.execPath, join(import.meta.dir, "build-target.ts"), JSON.stringify(req)], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "inherit"],
  });
  const [stdout, code] = await Promise.all([new Response(proc.stdout).text(), proc.exited]);
  if (code !== 0) throw new ReleaseError(`building ${req.target} failed (exit code ${code}; its error is above)`);
  const last = stdout.trim().split("\n").pop() ?? "";
  try {
    return JSON.parse(last) as ManifestArtefact;
  } catch {
    throw new ReleaseError(`building ${req.target} printed no artefact (stdout: ${stdout.slice(-300)})`);
  }
}

/** Runs the jobs at most `limit` at a time, in order of their results' index (not of completion). */
async function pool<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  let failure: unknown = null;
  const worker = async () => {
    while (next < items.length && failure === null) {
      const i = next++;
      try {
        results[i] = await work(items[i]!);
      } catch (error) {
        failure ??= error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure !== null) throw failure;
  return results;
}

/** The packages step is owned by another part of the release; it may not exist yet. */
async function writePackagesIfPresent(dir: string, manifest: Manifest, log: (line: string) => void): Promise<ManifestArtefact[]> {
  const path = join(import.meta.dir, "packages", "index.ts");
  if (!existsSync(path)) {
    log("packages: scripts/release/packages/index.ts does not exist, none written");
    return [];
  }
  const mod = (await import(path)) as { writePackages: (opts: { dir: string; version: string; manifest: Manifest; log: (line: string) => void }) => Promise<ManifestArtefact[]> };
  return mod.writePackages({ dir, version: manifest.version, manifest, log });
}

const sumsLine = (a: ManifestArtefact) => `${a.sha256}  ${a.file}\n`;

export async function release(args: ReleaseArgs, log: (line: string) => void = console.log): Promise<Manifest> {
  const started = performance.now();
  if (!args.skipGen) {
    log("protocol generation");
    for (const script of ["schema", "validators", "swift"]) await run([process.execPath, `protocol/gen/${script}.ts`]);
  }
  const dir = join(args.out, args.version);
  // A rebuilt version never keeps an artefact of an earlier attempt.
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const info = { version: args.version, commit: gitCommit(), date: buildDate() };
  log(`release openclaw ${info.version} (${info.commit.slice(0, 12)}) with bun ${Bun.version}: ${args.targets.join(", ")}`);

  const artefacts = await pool(args.targets, args.jobs, (target) => buildInChild({ target, dir, info }));
  for (const target of args.targets) {
    const checked = await checkBuiltVersion(join(dir, "bin", rawBinaryName(targetInfo(target))), { ...info, target });
    log(`  ${target}: ${checked}`);
  }
  const manifest: Manifest = { schema: 1, name: "openclaw", ...info, artefacts };
  if (!args.skipPackages) manifest.artefacts.push(...(await writePackagesIfPresent(dir, manifest, log)));

  writeFileSync(join(dir, "SHA256SUMS"), manifest.artefacts.map(sumsLine).join(""));
  writeFileSync(join(dir, "manifest.json"), JSON.stringify(manifest, null, 2) + "\n");
  // The one-liners fetch the installers from the base URL, next to `latest`.
  for (const installer of ["install.sh", "install.ps1"]) copyFileSync(join(ROOT, installer), join(args.out, installer));
  writeFileSync(join(args.out, "latest"), `${args.version}\n`);
  log(`release OK: ${dir} (${manifest.artefacts.length} artefacts) in ${secs(performance.now() - started)}`);
  return manifest;
}

if (import.meta.main) {
  try {
    const args = parseReleaseArgs(process.argv.slice(2));
    if (args === "help") console.log(USAGE);
    else await release(args);
  } catch (error) {
    const known = error instanceof ReleaseError || error instanceof UsageError;
    console.error(`release FAILED: ${known || !(error instanceof Error) ? String((error as Error)?.message ?? error) : (error.stack ?? error.message)}`);
    process.exit(error instanceof UsageError ? 2 : 1);
  }
}
