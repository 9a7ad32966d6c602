/**
 * `bun run build` / `bun build.ts`: regenerates the protocol artefacts, compiles the gateway into
 * one self-contained executable, and smoke-tests what it wrote.
 *
 *   bun build.ts                    dist/openclaw for this machine
 *   bun build.ts --target <t>       dist/openclaw-<t> for one target (repeatable; "bun-" prefix optional)
 *   bun build.ts --all              dist/openclaw-<t> for every release target
 *   --skip-gen                      do not run protocol generation
 *   --skip-gateway-smoke            only check `--version` (CI runs test/binary/binary-smoke.ts itself)
 *
 * Equivalent CLI: bun build --compile --bytecode --splitting --format=esm --minify --no-compile-autoload-dotenv
 *                 --no-compile-autoload-bunfig src/main.ts --outfile dist/openclaw
 *
 * `--bytecode` without `--format=esm` writes a broken binary and still exits 0, so every binary
 * that can run here is run: `--version` must print the package.json version, then (unless
 * --skip-gateway-smoke) test/binary/binary-smoke.ts starts and stops a real gateway.
 * Cross targets download their bun runtime from the npm registry once (cached in
 * ~/.bun/install/cache).
 */
import { mkdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import pkg from "./package.json" with { type: "json" };
import { checkVersion, smokeBinary } from "./test/binary/binary-smoke.ts";

const ROOT = import.meta.dir;
const ENTRY = join(ROOT, "src", "main.ts");
const DIST = join(ROOT, "dist");

const TARGETS = ["bun-linux-x64", "bun-linux-arm64", "bun-darwin-x64", "bun-darwin-arm64", "bun-windows-x64"] as const;
type Target = Bun.Build.CompileTarget;

class BuildError extends Error {}

function usage(): never {
  console.log("usage: bun build.ts [--all | --target <bun-os-arch> ...] [--skip-gen] [--skip-gateway-smoke]");
  console.log(`targets: ${TARGETS.join(", ")}`);
  process.exit(0);
}

function parseArgs(argv: string[]) {
  const targets: Target[] = [];
  let all = false;
  let skipGen = false;
  let gatewaySmoke = true;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--all") all = true;
    else if (arg === "--skip-gen") skipGen = true;
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
  if (all) targets.push(...TARGETS.filter((t) => !targets.includes(t)));
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

function formatMessage(m: unknown): string {
  if (m && typeof m === "object" && "message" in m) {
    const { message, position } = m as { message: string; position?: { file: string; line: number; column: number } | null };
    return position ? `${position.file}:${position.line}:${position.column}: ${message}` : message;
  }
  return String(m);
}

async function compile(target: Target | null, outfile: string): Promise<number> {
  rmSync(outfile, { force: true }); // a stale binary must never pass the smoke test
  const t0 = performance.now();
  let result: Bun.BuildOutput;
  try {
    result = await Bun.build({
      entrypoints: [ENTRY],
      target: "bun",
      format: "esm",
      bytecode: true,
      // Lazily imported packages (grammY, Baileys, the model clients) become chunks loaded on first
      // use instead of part of the start-up bundle: about 4 MB less idle RSS.
      splitting: true,
      minify: true,
      compile: {
        ...(target ? { target } : {}),
        outfile,
        autoloadDotenv: false,
        autoloadBunfig: false,
      },
    });
  } catch (error) {
    const details = error instanceof AggregateError ? error.errors.map(formatMessage).join("\n") : String(error);
    throw new BuildError(`compiling ${target ?? hostTarget} failed:\n${details}`);
  }
  if (!result.success) throw new BuildError(`compiling ${target ?? hostTarget} failed:\n${result.logs.map(formatMessage).join("\n")}`);
  for (const message of result.logs) console.warn(formatMessage(message));
  let size: number;
  try {
    size = statSync(outfile).size;
  } catch {
    throw new BuildError(`compiling ${target ?? hostTarget} reported success but wrote no ${outfile}`);
  }
  console.log(`  ${target ?? `${hostTarget} (host)`} -> ${outfile.slice(ROOT.length + 1)}  ${mb(size)}  [${secs(performance.now() - t0)}]`);
  return size;
}

async function main(): Promise<void> {
  const { targets, skipGen, gatewaySmoke } = parseArgs(process.argv.slice(2));
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
