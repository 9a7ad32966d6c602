/**
 * `bun run build` / `bun build.ts`: regenerates the protocol artefacts, compiles the gateway into
 * one self-contained executable, and smoke-tests what it wrote.
 *
 *   bun build.ts                    dist/openclaw for this machine
 *   bun build.ts --target <t>       dist/openclaw-<t> for one target (repeatable; "bun-" prefix optional)
 *   bun build.ts --all              the whole release (= bun run release): dist/release/<version>/ with
 *                                   every target, archives, SHA256SUMS, manifest.json, packages
 *   --skip-gen                      do not run protocol generation
 *   --skip-gateway-smoke            only check `--version` (CI runs test/binary/binary-smoke.ts itself)
 *
 * The compile itself (and the version facts it bakes in) is scripts/release/compile.ts.
 * Equivalent CLI: bun build --compile --splitting --format=esm --minify --no-compile-autoload-dotenv
 *                 --no-compile-autoload-bunfig src/main.ts --outfile dist/openclaw
 *
 * A broken compile can still exit 0 (`--bytecode` without `--format=esm` did), so every binary
 * that can run here is run: `--version` must print the package.json version, then (unless
 * --skip-gateway-smoke) test/binary/binary-smoke.ts starts and stops a real gateway.
 * Cross targets download their bun runtime from the npm registry once (cached in
 * ~/.bun/install/cache).
 */
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import pkg from "./package.json" with { type: "json" };
import { RELEASE_TARGETS } from "./scripts/release/manifest-types.ts";
import { buildDate, compileBinary, gitCommit } from "./scripts/release/compile.ts";
import { checkVersion, smokeBinary } from "./test/binary/binary-smoke.ts";

const ROOT = import.meta.dir;
const DIST = join(ROOT, "dist");

const TARGETS = RELEASE_TARGETS.map((t) => `bun-${t}` as const);
type Target = Bun.Build.CompileTarget;

class BuildError extends Error {}

function usage(): never {
  console.log("usage: bun build.ts [--all | --target <bun-os-arch> ...] [--skip-gen] [--skip-gateway-smoke]");
  console.log(`targets: ${TARGETS.join(", ")}`);
  process.exit(0);
}

function parseArgs(argv: string[]) {
  const targets: Target[] = [];
  let skipGen = false;
  let gatewaySmoke = true;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--skip-gen") skipGen = true;
    else if (arg === "--skip-gateway-smoke") gatewaySmoke = false;
    else if (arg === "--help" || arg === "-h") usage();
    else if (arg === "--target" || arg.startsWith("--target=")) {
      const value = arg === "--target" ? argv[++i] : arg.slice("--target=".length);
      if (!value) throw new BuildError("--target needs a value, e.g. --target bun-linux-arm64");
      const t = (value.startsWith("bun-") ? value : `bun-${value}`) as Target;
      if (!/^bun-(linux|darwin|windows)-(x64|arm64)(-[a-z]+)*$/.test(t)) throw new BuildError(`unknown target ${value} (known: ${TARGETS.join(", ")})`);
      targets.push(t);
    } else throw new BuildError(`unknown argument ${arg} (see --help)`);
  }
  return { targets, skipGen, gatewaySmoke };
}

const hostTarget = `bun-${process.platform === "win32" ? "windows" : process.platform}-${process.arch}`;
const outName = (t: Target) => `openclaw-${t.replace(/^bun-/, "")}${t.includes("windows") ? ".exe" : ""}`;
const mb = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MB`;
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

async function run(cmd: string[]): Promise<void> {
  const proc = Bun.spawn(cmd, { cwd: ROOT, stdio: ["ignore", "inherit", "inherit"] });
  const code = await proc.exited;
  if (code !== 0) throw new BuildError(`\`${cmd.slice(1).join(" ")}\` failed with exit code ${code}`);
}

async function compile(target: Target | null, outfile: string): Promise<number> {
  const t0 = performance.now();
  const name = (target ?? hostTarget).replace(/^bun-/, "");
  const info = { version: pkg.version, commit: gitCommit(), date: buildDate(), target: name };
  const size = await compileBinary({ bunTarget: target, outfile, info }).catch((e) => {
    throw new BuildError(e instanceof Error ? e.message : String(e));
  });
  console.log(`  ${target ?? `${hostTarget} (host)`} -> ${outfile.slice(ROOT.length + 1)}  ${mb(size)}  [${secs(performance.now() - t0)}]`);
  if (name.startsWith("darwin-")) {
    // Bun's cross-compiled darwin signature is broken (scripts/release/README.md): re-sign ad hoc, verify.
    const { signAdHoc } = await import("./scripts/release/macho/sign.ts");
    const { verifyMachO } = await import("./scripts/release/macho/verify.ts");
    let signed: Uint8Array;
    let report: { pages: number };
    try {
      signed = signAdHoc(await Bun.file(outfile).bytes(), "openclaw");
      report = verifyMachO(signed, "openclaw");
    } catch (e) {
      rmSync(outfile, { force: true }); // an unverified darwin binary must not be left to ship
      throw new BuildError(`signing ${outfile.slice(ROOT.length + 1)} failed: ${e instanceof Error ? e.message : e}`);
    }
    await Bun.write(outfile, signed);
    console.log(`    ad-hoc signed, ${report.pages} page hashes verified`);
  }
  return size;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes("--all")) {
    // One command for every artefact: the release script, with the remaining flags passed on.
    const rest = argv.filter((a) => a !== "--all" && a !== "--skip-gateway-smoke");
    const code = await Bun.spawn([process.execPath, join(ROOT, "scripts", "release", "release.ts"), ...rest], { cwd: ROOT, stdio: ["ignore", "inherit", "inherit"] }).exited;
    if (code !== 0) process.exit(code);
    return;
  }
  const { targets, skipGen, gatewaySmoke } = parseArgs(argv);
  const started = performance.now();

  if (!skipGen) {
    console.log("protocol generation");
    await run([process.execPath, "protocol/gen/schema.ts"]);
    await run([process.execPath, "protocol/gen/validators.ts"]);
    await run([process.execPath, "protocol/gen/swift.ts"]);
  }

  mkdirSync(DIST, { recursive: true });
  console.log(`compiling ${pkg.name} ${pkg.version} with bun ${Bun.version}`);
  const built: { target: string; outfile: string; runsHere: boolean }[] = [];
  if (targets.length === 0) {
    const outfile = join(DIST, process.platform === "win32" ? "openclaw.exe" : "openclaw");
    await compile(null, outfile);
    built.push({ target: hostTarget, outfile, runsHere: true });
  } else {
    for (const target of targets) {
      const outfile = join(DIST, outName(target));
      await compile(target, outfile);
      // Only the plain target for this OS/arch is certain to run here (not -baseline/-musl variants).
      built.push({ target, outfile, runsHere: target === hostTarget });
    }
  }

  const runnable = built.filter((b) => b.runsHere);
  for (const b of runnable) {
    const rel = b.outfile.slice(ROOT.length + 1);
    const { ms } = await checkVersion(b.outfile).catch((e) => {
      throw new BuildError(`smoke test of ${rel} failed: ${e instanceof Error ? e.message : e}`);
    });
    console.log(`  ${rel} --version -> ${pkg.version} [${ms.toFixed(0)} ms]`);
    if (gatewaySmoke) {
      await smokeBinary(b.outfile, (line) => console.log(line.replace(/^/gm, "  "))).catch((e) => {
        throw new BuildError(`gateway smoke test of ${rel} failed: ${e instanceof Error ? e.message : e}`);
      });
    }
  }
  for (const b of built.filter((b) => !b.runsHere)) console.log(`  ${b.outfile.slice(ROOT.length + 1)}: not run (cannot execute ${b.target} on ${hostTarget})`);
  console.log(`build OK in ${secs(performance.now() - started)}`);
}

try {
  await main();
} catch (error) {
  console.error(`build FAILED: ${error instanceof BuildError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
}
