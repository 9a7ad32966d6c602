/**
 * A plain, unsigned apt repository of this release's debs, made with Debian's own tools:
 *
 *   packages/apt/pool/main/o/openclaw/openclaw_<v>_<arch>.deb
 *   packages/apt/dists/stable/main/binary-<arch>/Packages, Packages.gz   (dpkg-scanpackages)
 *   packages/apt/dists/stable/Release                                    (apt-ftparchive release)
 *
 * Unsigned on purpose: the signing key must not live on the build machine. Users of the unsigned
 * repo add `[trusted=yes]`; packaging/README.md says how a maintainer signs Release into InRelease.
 */
import { copyFileSync, linkSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ManifestArtefact } from "../manifest-types.ts";
import { artefactFor, PackagingError, PRODUCT } from "./meta.ts";
import { run } from "./run.ts";

export const APT_SUITE = "stable";
export const APT_COMPONENT = "main";

/** The pool file is the same bytes as packages/deb/…: a hard link when the filesystem allows. */
function linkOrCopy(from: string, to: string): void {
  try {
    linkSync(from, to);
  } catch {
    copyFileSync(from, to);
  }
}

export async function writeAptRepo(opts: { dir: string; debs: ManifestArtefact[]; log: (line: string) => void }): Promise<ManifestArtefact[]> {
  const { dir, debs } = opts;
  if (debs.length === 0) {
    opts.log("packages: no deb, no apt repository written");
    return [];
  }
  const repo = join(dir, "packages", "apt");
  const pool = join(repo, "pool", APT_COMPONENT, PRODUCT.name.slice(0, 1), PRODUCT.name);
  mkdirSync(pool, { recursive: true });
  const produced: string[] = [];
  for (const deb of debs) {
    const to = join(pool, deb.file.split("/").pop()!);
    linkOrCopy(join(dir, deb.file), to);
    produced.push(to);
  }
  const arches = [...new Set(debs.map((d) => debArch(d)))].sort();
  for (const arch of arches) {
    const binDir = join(repo, "dists", APT_SUITE, APT_COMPONENT, `binary-${arch}`);
    mkdirSync(binDir, { recursive: true });
    // Paths in Packages are relative to the repository root, so it runs there.
    const { stdout } = await run(["dpkg-scanpackages", "--arch", arch, "pool", "/dev/null"], { cwd: repo });
    if (!stdout.includes(`Package: ${PRODUCT.name}`)) throw new PackagingError(`dpkg-scanpackages found no ${arch} package in ${pool}`);
    writeFileSync(join(binDir, "Packages"), stdout);
    writeFileSync(join(binDir, "Packages.gz"), Bun.gzipSync(stdout, { level: 9 }));
    produced.push(join(binDir, "Packages"), join(binDir, "Packages.gz"));
  }
  const conf = (key: string, value: string) => ["-o", `APT::FTPArchive::Release::${key}=${value}`];
  // Written after the Packages files exist: Release lists their sizes and hashes.
  const { stdout: release } = await run(
    [
      "apt-ftparchive",
      ...conf("Origin", PRODUCT.name),
      ...conf("Label", PRODUCT.name),
      ...conf("Suite", APT_SUITE),
      ...conf("Codename", APT_SUITE),
      ...conf("Architectures", arches.join(" ")),
      ...conf("Components", APT_COMPONENT),
      ...conf("Description", `${PRODUCT.name}: ${PRODUCT.summary}`),
      "release",
      join("dists", APT_SUITE),
    ],
    { cwd: repo },
  );
  const releasePath = join(repo, "dists", APT_SUITE, "Release");
  writeFileSync(releasePath, release);
  produced.push(releasePath);
  opts.log(`packages: apt repository packages/apt (${arches.join(", ")})`);
  return produced.map((path) => artefactFor(dir, path, "apt-repo", path.endsWith(".deb") ? "deb" : path.endsWith(".gz") ? "gz" : "text"));
}

function debArch(deb: ManifestArtefact): string {
  const m = /_([a-z0-9]+)\.deb$/.exec(deb.file);
  if (!m) throw new PackagingError(`cannot tell the architecture of ${deb.file}`);
  return m[1]!;
}
