/**
 * Builds one release target into `<dir>`: compile → (darwin) ad-hoc sign + verify → `bin/` copy →
 * archive → sha256. Runs in its own process (release.ts starts one per target, several at once),
 * so compiling and gzip of one target overlap with the others:
 *
 *   bun scripts/release/build-target.ts '<json BuildTargetRequest>'
 *
 * Progress goes to stderr; the last stdout line is the JSON `ManifestArtefact`.
 */
import { chmodSync, mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tarGzOneFile } from "./archive/tar-gz.ts";
import { zipOneFile } from "./archive/zip.ts";
import { compileBinary, type BuildInfo } from "./compile.ts";
import type { ManifestArtefact, ReleaseTarget } from "./manifest-types.ts";
import { archiveName, rawBinaryName, targetInfo } from "./targets.ts";

export interface BuildTargetRequest {
  target: ReleaseTarget;
  /** `<out>/<version>`. */
  dir: string;
  info: Omit<BuildInfo, "target">;
}

const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

export async function buildTarget(req: BuildTargetRequest, log: (line: string) => void): Promise<ManifestArtefact> {
  const t = targetInfo(req.target);
  const binDir = join(req.dir, "bin");
  mkdirSync(binDir, { recursive: true });
  const rawPath = join(binDir, rawBinaryName(t));
  const t0 = performance.now();
  // Compiled under a temporary name: bin/ only ever holds binaries that passed signing and checks.
  // (Bun appends ".exe" to a windows outfile that does not end in it.)
  const tmpPath = t.os === "windows" ? rawPath.replace(/\.exe$/, ".partial.exe") : `${rawPath}.partial`;
  const size = await compileBinary({ bunTarget: t.bunTarget, outfile: tmpPath, info: { ...req.info, target: t.target }, warn: log });
  log(`  ${t.target}: compiled ${mb(size)} [${secs(performance.now() - t0)}]`);

  let data: Uint8Array = await Bun.file(tmpPath).bytes();
  if (t.os === "darwin") {
    const { signAdHoc } = await import("./macho/sign.ts");
    const { verifyMachO } = await import("./macho/verify.ts");
    const s0 = performance.now();
    data = signAdHoc(data, "openclaw");
    const report = verifyMachO(data, "openclaw"); // throws with the reason: the release must not ship it
    writeFileSync(tmpPath, data);
    log(`  ${t.target}: ad-hoc signed, verified ${report.pages} page hashes [${secs(performance.now() - s0)}]`);
  }
  chmodSync(tmpPath, 0o755);
  renameSync(tmpPath, rawPath);

  const a0 = performance.now();
  const mtime = new Date(req.info.date);
  const archive = t.format === "zip" ? zipOneFile(t.binary, data, mtime) : tarGzOneFile(t.binary, data, 0o755, mtime);
  const file = archiveName(req.info.version, t);
  await Bun.write(join(req.dir, file), archive);
  const sha256 = new Bun.CryptoHasher("sha256").update(archive).digest("hex");
  log(`  ${t.target}: ${file} ${mb(archive.length)} [${secs(performance.now() - a0)}]`);
  return { target: t.target, os: t.os, arch: t.arch, variant: t.variant, kind: "archive", format: t.format, file, url: file, sha256, size: archive.length, binary: t.binary };
}

if (import.meta.main) {
  try {
    const req = JSON.parse(process.argv[2] ?? "") as BuildTargetRequest;
    const artefact = await buildTarget(req, (line) => console.error(line));
    console.log(JSON.stringify(artefact));
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
