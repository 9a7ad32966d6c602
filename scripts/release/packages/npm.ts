/**
 * npm packages in the esbuild style, packed with `npm pack` into packages/npm/*.tgz:
 *
 *   openclaw-gateway-bun-<target>   one per target: `bin/openclaw[.exe]`, with `os`/`cpu` (and
 *                                   `libc: glibc` on linux) so npm installs only the matching one
 *   openclaw-gateway-bun            the wrapper: `bin/openclaw` (packaging/npm/openclaw.js) and
 *                                   every platform package as an exact-version optionalDependency
 *
 * linux-x64-baseline is a package too, with the same os/cpu as linux-x64: npm installs both on
 * x64 Linux (as Bun's own npm package does with its baseline build) and the launcher runs the
 * baseline binary when /proc/cpuinfo shows no AVX2, where the plain build dies of SIGILL.
 */
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { RELEASE_TARGETS, type Manifest, type ManifestArtefact, type ReleaseTarget } from "../manifest-types.ts";
import { rawBinaryName, targetInfo } from "../targets.ts";
import { artefactFor, checkSemver, PACKAGING, PackagingError, PRODUCT } from "./meta.ts";
import { run } from "./run.ts";

const NPM_OS = { linux: "linux", darwin: "darwin", windows: "win32" } as const;

export const platformPackageName = (target: ReleaseTarget) => `${PRODUCT.npmPlatformPrefix}${target}`;

function common(version: string) {
  return { version, license: PRODUCT.license, homepage: PRODUCT.homepage, author: PRODUCT.maintainer };
}

function readme(title: string, body: string): string {
  return `# ${title}\n\n${body}\n\n${PRODUCT.description.join("\n\n")}\n\nLicence: ${PRODUCT.license} (the binary bundles libsignal, GPL-3.0).\n`;
}

function stagePlatform(stage: string, target: ReleaseTarget, binary: string, version: string): string {
  const t = targetInfo(target);
  const dir = join(stage, target);
  mkdirSync(join(dir, "bin"), { recursive: true });
  const bin = join(dir, "bin", t.binary);
  copyFileSync(binary, bin);
  chmodSync(bin, 0o755);
  const pkg = {
    name: platformPackageName(target),
    ...common(version),
    description: `The ${target} binary of ${PRODUCT.npmWrapper}: install ${PRODUCT.npmWrapper}, not this package`,
    os: [NPM_OS[t.os]],
    cpu: [t.arch],
    // Bun's linux binaries need glibc; npm >= 10 then skips them on musl and the launcher explains.
    ...(t.os === "linux" ? { libc: ["glibc"] } : {}),
    files: ["bin/"],
    preferUnplugged: true,
  };
  writeFileSync(join(dir, "package.json"), JSON.stringify(pkg, null, 2) + "\n");
  writeFileSync(join(dir, "README.md"), readme(pkg.name, `The \`openclaw\` executable for ${target}, used by the \`${PRODUCT.npmWrapper}\` package.`));
  return dir;
}

function stageWrapper(stage: string, targets: ReleaseTarget[], version: string): string {
  const dir = join(stage, "wrapper");
  mkdirSync(join(dir, "bin"), { recursive: true });
  const launcher = join(dir, "bin", "openclaw");
  copyFileSync(join(PACKAGING, "npm", "openclaw.js"), launcher);
  chmodSync(launcher, 0o755);
  const pkg = {
    name: PRODUCT.npmWrapper,
    ...common(version),
    description: PRODUCT.summary,
    bin: { openclaw: "bin/openclaw" },
    files: ["bin/"],
    engines: { node: ">=16" },
    optionalDependencies: Object.fromEntries(targets.map((t) => [platformPackageName(t), version])),
  };
  writeFileSync(join(dir, "package.json"), JSON.stringify(pkg, null, 2) + "\n");
  writeFileSync(
    join(dir, "README.md"),
    readme(PRODUCT.npmWrapper, "`npm install -g openclaw-gateway-bun` puts the `openclaw` command on PATH; npm picks the prebuilt binary for your platform. Then run `openclaw setup` and `openclaw gateway install`."),
  );
  return dir;
}

async function npmPack(dir: string, dest: string): Promise<string> {
  const { stdout } = await run(["npm", "pack", "--json", "--ignore-scripts", "--pack-destination", dest], {
    cwd: dir,
    env: { npm_config_update_notifier: "false", npm_config_fund: "false", npm_config_audit: "false" },
  });
  let parsed: { filename?: string }[];
  try {
    parsed = JSON.parse(stdout) as { filename?: string }[];
  } catch {
    throw new PackagingError(`npm pack in ${dir} printed no JSON: ${stdout.slice(-300)}`);
  }
  const file = parsed[0]?.filename;
  if (!file || !existsSync(join(dest, file))) throw new PackagingError(`npm pack in ${dir} wrote no tarball`);
  return join(dest, file);
}

/** Runs the jobs at most `limit` at a time (npm pack gzips 128 MB each: one per core). */
async function limited<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

export async function writeNpm(opts: { dir: string; manifest: Manifest; log: (line: string) => void; jobs?: number }): Promise<ManifestArtefact[]> {
  const version = checkSemver(opts.manifest.version);
  const targets = RELEASE_TARGETS.filter((t) => existsSync(join(opts.dir, "bin", rawBinaryName(targetInfo(t)))));
  if (targets.length === 0) {
    opts.log("packages: no binaries in bin/, no npm packages written");
    return [];
  }
  const dest = join(opts.dir, "packages", "npm");
  mkdirSync(dest, { recursive: true });
  const stage = mkdtempSync(join(tmpdir(), "openclaw-npm-"));
  try {
    const jobs: { dir: string; target?: ReleaseTarget }[] = [
      { dir: stageWrapper(stage, targets, version) },
      ...targets.map((target) => ({ target, dir: stagePlatform(stage, target, join(opts.dir, "bin", rawBinaryName(targetInfo(target))), version) })),
    ];
    const packed = await limited(jobs, opts.jobs ?? availableParallelism(), async (job) => {
      const path = await npmPack(job.dir, dest);
      if (!job.target) return artefactFor(opts.dir, path, "npm", "tgz");
      const t = targetInfo(job.target);
      return artefactFor(opts.dir, path, "npm", "tgz", { target: job.target, os: t.os, arch: t.arch, variant: t.variant });
    });
    opts.log(`packages: npm ${packed.map((a) => a.file.split("/").pop()).join(", ")}`);
    return packed;
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}
