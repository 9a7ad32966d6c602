/**
 * One `.deb` per linux architecture: `openclaw_<debian version>_<amd64|arm64>.deb` with
 * `/usr/bin/openclaw`, the copyright and changelog lintian asks for, and a lintian override for
 * what a Bun executable cannot change. No maintainer scripts: the package starts no service
 * (`openclaw gateway install` is the user's step). Built with `dpkg-deb --root-owner-group`.
 *
 * linux-x64-baseline gets no deb: a second package would need another name, and then neither the
 * `/var/lib/dpkg/info/openclaw.list` check of `openclaw update` nor `apt-get install openclaw`
 * would find it. Users without AVX2 take the baseline archive (install.sh picks it by itself).
 */
import { createHash } from "node:crypto";
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Manifest, ManifestArtefact, ReleaseTarget } from "../manifest-types.ts";
import { rawBinaryName, targetInfo } from "../targets.ts";
import { minimumGlibc } from "./elf-glibc.ts";
import { artefactFor, debianVersion, PACKAGING, PackagingError, PRODUCT } from "./meta.ts";
import { run } from "./run.ts";

/** Our linux targets that get a deb, and Debian's name for their architecture. */
export const DEB_ARCHES: Partial<Record<ReleaseTarget, "amd64" | "arm64">> = { "linux-x64": "amd64", "linux-arm64": "arm64" };

export const debFileName = (version: string, arch: string) => `${PRODUCT.name}_${debianVersion(version)}_${arch}.deb`;

/** RFC 2822 date as Debian changelogs want it: `Tue, 01 Dec 2026 11:22:16 +0000`. */
function changelogDate(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) throw new PackagingError(`manifest date ${JSON.stringify(iso)} is not an ISO date`);
  return date.toUTCString().replace("GMT", "+0000");
}

function changelog(manifest: Manifest): string {
  const commit = manifest.commit === "unknown" ? "" : ` from commit ${manifest.commit.slice(0, 12)}`;
  return [
    `${PRODUCT.name} (${debianVersion(manifest.version)}) stable; urgency=medium`,
    "",
    `  * Release ${manifest.version}${commit}.`,
    "",
    ` -- ${PRODUCT.maintainer}  ${changelogDate(manifest.date)}`,
    "",
  ].join("\n");
}

function control(manifest: Manifest, arch: string, installedKiB: number, glibc: string | null): string {
  const long = PRODUCT.description.map((p) => wrap(p, 72).map((line) => ` ${line}`).join("\n")).join("\n .\n");
  const fields: [string, string | null][] = [
    ["Package", PRODUCT.name],
    ["Version", debianVersion(manifest.version)],
    ["Architecture", arch],
    ["Maintainer", PRODUCT.maintainer],
    ["Installed-Size", String(installedKiB)],
    // Bun's runtime links glibc dynamically (and nothing else); the version comes from the binary.
    ["Depends", glibc ? `libc6 (>= ${glibc})` : null],
    ["Section", "net"],
    ["Priority", "optional"],
    ["Homepage", PRODUCT.homepage],
    ["Description", `${PRODUCT.summary}\n${long}`],
  ];
  return fields.filter(([, v]) => v !== null).map(([k, v]) => `${k}: ${v}`).join("\n") + "\n";
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

/** The files of the package (relative to its root), for DEBIAN/md5sums. */
const PAYLOAD = [
  `usr/bin/${PRODUCT.name}`,
  `usr/share/doc/${PRODUCT.name}/changelog.gz`,
  `usr/share/doc/${PRODUCT.name}/copyright`,
  `usr/share/lintian/overrides/${PRODUCT.name}`,
  `usr/share/man/man1/${PRODUCT.name}.1.gz`,
];

/** `dpkg --verify` reads these; lintian asks for them. */
function md5sums(root: string, files: string[]): string {
  return files.map((f) => `${createHash("md5").update(readFileSync(join(root, f))).digest("hex")}  ${f}\n`).join("");
}

/** A file of packaging/deb/ with the release's facts filled in. */
function template(name: string, manifest: Manifest): string {
  const date = new Date(manifest.date);
  return readFileSync(join(PACKAGING, "deb", name), "utf8")
    .replaceAll("@MAINTAINER@", PRODUCT.maintainer)
    .replaceAll("@HOMEPAGE@", PRODUCT.homepage)
    .replaceAll("@VERSION@", manifest.version)
    .replaceAll("@YEAR@", String(date.getUTCFullYear()))
    .replaceAll("@DATE@", date.toISOString().slice(0, 10));
}

function writeFile(path: string, content: string | Uint8Array, mode: number): number {
  mkdirSync(join(path, ".."), { recursive: true, mode: 0o755 });
  writeFileSync(path, content);
  chmodSync(path, mode);
  return statSync(path).size;
}

/** Builds one deb into `outDir`; returns its path. */
export async function buildDeb(opts: { binary: string; arch: "amd64" | "arm64"; manifest: Manifest; outDir: string }): Promise<string> {
  const { binary, arch, manifest, outDir } = opts;
  if (!existsSync(binary)) throw new PackagingError(`no binary for the ${arch} deb at ${binary}`);
  const stage = mkdtempSync(join(tmpdir(), "openclaw-deb-"));
  try {
    const root = join(stage, "root");
    const doc = join(root, "usr/share/doc", PRODUCT.name);
    const bin = join(root, "usr/bin", PRODUCT.name);
    mkdirSync(join(root, "usr/bin"), { recursive: true, mode: 0o755 });
    copyFileSync(binary, bin);
    chmodSync(bin, 0o755);
    let bytes = statSync(bin).size;
    bytes += writeFile(join(doc, "copyright"), template("copyright", manifest), 0o644);
    // Level 9 with no name or time in the header: what lintian checks for changelog.gz and man pages.
    bytes += writeFile(join(doc, "changelog.gz"), Bun.gzipSync(changelog(manifest), { level: 9 }), 0o644);
    bytes += writeFile(join(root, "usr/share/man/man1", `${PRODUCT.name}.1.gz`), Bun.gzipSync(template("openclaw.1", manifest), { level: 9 }), 0o644);
    bytes += writeFile(join(root, "usr/share/lintian/overrides", PRODUCT.name), readFileSync(join(PACKAGING, "deb/lintian-overrides")), 0o644);
    writeFile(join(root, "DEBIAN/md5sums"), md5sums(root, PAYLOAD), 0o644);
    // Installed-Size is in KiB; dpkg counts every file and directory at least 1 KiB.
    const installedKiB = Math.ceil(bytes / 1024) + 8;
    writeFile(join(root, "DEBIAN/control"), control(manifest, arch, installedKiB, minimumGlibc(bin)), 0o644);
    // mkdtemp makes 0700; every directory in the package must be 0755.
    for (const d of ["", "usr", "usr/bin", "usr/share", "usr/share/doc", `usr/share/doc/${PRODUCT.name}`, "usr/share/lintian", "usr/share/lintian/overrides", "usr/share/man", "usr/share/man/man1", "DEBIAN"]) chmodSync(join(root, d), 0o755);
    mkdirSync(outDir, { recursive: true });
    const out = join(outDir, debFileName(manifest.version, arch));
    rmSync(out, { force: true });
    // gzip -6, not dpkg's default xz: xz takes over a minute for a 128 MB binary on a 2-core
    // machine (budget: the whole release in 2 minutes) and saves only about a quarter of the size.
    const epoch = String(Math.floor(new Date(manifest.date).getTime() / 1000));
    await run(["dpkg-deb", "--root-owner-group", "-Zgzip", "-z6", "--build", root, out], { env: { SOURCE_DATE_EPOCH: epoch } });
    return out;
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

/** A deb for each linux target the release has a binary for. */
export async function writeDebs(opts: { dir: string; manifest: Manifest; log: (line: string) => void }): Promise<ManifestArtefact[]> {
  const outDir = join(opts.dir, "packages", "deb");
  const targets = Object.keys(DEB_ARCHES) as ReleaseTarget[];
  const built = await Promise.all(
    targets.map(async (target) => {
      const binary = join(opts.dir, "bin", rawBinaryName(targetInfo(target)));
      if (!existsSync(binary)) return null;
      const arch = DEB_ARCHES[target]!;
      const path = await buildDeb({ binary, arch, manifest: opts.manifest, outDir });
      return artefactFor(opts.dir, path, "deb", "deb", { target, os: "linux", arch: targetInfo(target).arch, variant: null });
    }),
  );
  const debs = built.filter((a): a is ManifestArtefact => a !== null);
  opts.log(debs.length ? `packages: deb ${debs.map((d) => d.file).join(", ")}` : "packages: no linux-x64/linux-arm64 binary, no deb written");
  return debs;
}
