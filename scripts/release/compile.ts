/**
 * One `Bun.build --compile` of the gateway, shared by `build.ts` (dist/openclaw) and the release.
 * The build facts (version, commit, date, target) are compiled in through `define` as the global
 * `__OPENCLAW_BUILD__`, which src/version.ts reads; from source it is undefined.
 */
import { rmSync, statSync } from "node:fs";
import { join } from "node:path";

export const ROOT = join(import.meta.dir, "..", "..");
const ENTRY = join(ROOT, "src", "main.ts");

export interface BuildInfo {
  version: string;
  commit: string;
  date: string;
  target: string;
}

export class CompileError extends Error {
  override name = "CompileError";
}

/** HEAD's 40-hex commit, or "unknown" outside a git checkout (a source tarball). */
export function gitCommit(): string {
  try {
    const r = Bun.spawnSync(["git", "rev-parse", "HEAD"], { cwd: ROOT, stdout: "pipe", stderr: "ignore" });
    const out = r.stdout.toString().trim();
    return r.exitCode === 0 && /^[0-9a-f]{40}$/.test(out) ? out : "unknown";
  } catch {
    return "unknown";
  }
}

/** Build time; SOURCE_DATE_EPOCH (reproducible-builds convention) pins it. */
export function buildDate(): string {
  const epoch = process.env.SOURCE_DATE_EPOCH;
  if (epoch && /^\d+$/.test(epoch)) return new Date(Number(epoch) * 1000).toISOString();
  return new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
}

function formatMessage(m: unknown): string {
  if (m && typeof m === "object" && "message" in m) {
    const { message, position } = m as { message: string; position?: { file: string; line: number; column: number } | null };
    return position ? `${position.file}:${position.line}:${position.column}: ${message}` : message;
  }
  return String(m);
}

/**
 * Compiles src/main.ts into `outfile` for `bunTarget` (null: this machine) and returns its size.
 * A stale file is removed first so it can never pass a later check.
 */
export async function compileBinary(opts: { bunTarget: Bun.Build.CompileTarget | null; outfile: string; info: BuildInfo; warn?: (line: string) => void }): Promise<number> {
  const { bunTarget, outfile, info } = opts;
  rmSync(outfile, { force: true });
  const what = bunTarget ?? "the host target";
  let result: Bun.BuildOutput;
  try {
    result = await Bun.build({
      entrypoints: [ENTRY],
      target: "bun",
      format: "esm",
      // No bytecode: it halves start-up (31 → 64 ms to listening, both far inside the 150 ms
      // budget) but adds 13 MB of precompiled code (Baileys' protobufs most of it), which puts
      // the linux and windows archives over their 55 MB budget (60 MB) and idle RSS 1.7 MB
      // nearer its 60 MB limit. Turning it back on needs `format: "esm"`, kept above: bytecode
      // without it writes a binary that exits 0 and does nothing.
      bytecode: false,
      // Lazily imported packages (grammY, Baileys, the model clients) become chunks loaded on first
      // use instead of part of the start-up bundle: about 4 MB less idle RSS.
      splitting: true,
      minify: true,
      define: { __OPENCLAW_BUILD__: JSON.stringify(info) },
      compile: {
        ...(bunTarget ? { target: bunTarget } : {}),
        outfile,
        // A service's working directory must not inject configuration into the gateway.
        autoloadDotenv: false,
        autoloadBunfig: false,
      },
    });
  } catch (error) {
    const details = error instanceof AggregateError ? error.errors.map(formatMessage).join("\n") : String(error);
    throw new CompileError(`compiling ${what} failed:\n${details}`);
  }
  if (!result.success) throw new CompileError(`compiling ${what} failed:\n${result.logs.map(formatMessage).join("\n")}`);
  for (const message of result.logs) (opts.warn ?? console.warn)(formatMessage(message));
  try {
    return statSync(outfile).size;
  } catch {
    throw new CompileError(`compiling ${what} reported success but wrote no ${outfile}`);
  }
}
