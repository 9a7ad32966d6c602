/**
 * `bun bench/release-bench.ts [--release DIR] [--targets a,b] [--only a,b] [--compressors "gzip -6,xz -6,zstd -19"]`
 *
 * 1. Times a full release build (scripts/release/release.ts --skip-gen --skip-packages) into a
 *    temp dir (or reuses --release DIR, an existing <out>/<version>).
 * 2. For each raw binary, the archive size with the system gzip, xz and zstd (the budget is
 *    ≤ 55 MB per archive), and how long each takes, to decide whether another format pays off.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const argv = process.argv.slice(2);
const opt = (name: string) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

const COMPRESSORS: Record<string, string[]> = {
  "gzip -6": ["gzip", "-6", "-c"],
  "gzip -9": ["gzip", "-9", "-c"],
  "xz -6": ["xz", "-6", "-T2", "-c"],
  "xz -9e": ["xz", "-9e", "-T2", "-c"],
  "zstd -19": ["zstd", "-19", "-T2", "-c", "-q"],
  "zstd -19 --long": ["zstd", "-19", "--long=27", "-T2", "-c", "-q"],
};

async function compressedSize(cmd: string[], file: string): Promise<number> {
  const proc = Bun.spawn([...cmd, file], { stdout: "pipe", stderr: "inherit", stdin: "ignore" });
  let size = 0;
  for await (const chunk of proc.stdout) size += chunk.length;
  if ((await proc.exited) !== 0) throw new Error(`${cmd.join(" ")} failed`);
  return size;
}

let dir = opt("--release");
let tmp: string | null = null;
if (!dir) {
  tmp = mkdtempSync(join(tmpdir(), "openclaw-release-bench-"));
  const targets = opt("--targets");
  const t0 = performance.now();
  const proc = Bun.spawn([process.execPath, join(import.meta.dir, "..", "scripts", "release", "release.ts"), "--skip-gen", "--skip-packages", "--out", tmp, "--version", "0.0.0-bench", ...(targets ? ["--targets", targets] : [])], { stdio: ["ignore", "inherit", "inherit"] });
  if ((await proc.exited) !== 0) process.exit(1);
  console.log(`release build (${targets ?? "all six targets"}, no packages): ${secs(performance.now() - t0)}`);
  dir = join(tmp, "0.0.0-bench");
}
const wanted = (opt("--compressors") ?? "gzip -6,xz -6,zstd -19").split(",");
const only = opt("--only")?.split(",");
try {
  for (const name of readdirSync(join(dir, "bin")).sort().filter((n) => !only || only.some((o) => n === `openclaw-${o}` || n === `openclaw-${o}.exe`))) {
    const file = join(dir, "bin", name);
    const parts = [`${name.padEnd(32)} raw ${mb(statSync(file).size)}`];
    for (const c of wanted) {
      const cmd = COMPRESSORS[c];
      if (!cmd) throw new Error(`unknown compressor ${c} (known: ${Object.keys(COMPRESSORS).join(", ")})`);
      const t0 = performance.now();
      const size = await compressedSize(cmd, file);
      parts.push(`${c} ${mb(size)} [${secs(performance.now() - t0)}]`);
    }
    console.log(parts.join("  "));
  }
} finally {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
}
