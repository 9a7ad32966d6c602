/**
 * The packages step of the release (scripts/release/release.ts calls it after the archives and
 * raw binaries exist): everything under `<out>/<version>/packages/`, returned as manifest
 * artefacts for manifest.json and SHA256SUMS (paths relative to `<out>/<version>`).
 *
 *   packages/deb/openclaw_<v>_<amd64|arm64>.deb           deb.ts
 *   packages/apt/{pool,dists}/…                           apt-repo.ts
 *   packages/homebrew/openclaw.rb                         homebrew.ts
 *   packages/scoop/openclaw.json                          scoop.ts
 *   packages/npm/openclaw-gateway-bun[-<target>]-<v>.tgz  npm.ts
 *
 * Static inputs (copyright, lintian overrides, man page, npm launcher) are in packaging/.
 * Each packager writes only what the release has binaries for and logs what it left out.
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import type { Manifest, ManifestArtefact } from "../manifest-types.ts";
import { writeAptRepo } from "./apt-repo.ts";
import { writeDebs } from "./deb.ts";
import { writeFormula } from "./homebrew.ts";
import { checkSemver, DEFAULT_INSTALL_BASE, PackagingError } from "./meta.ts";
import { writeNpm } from "./npm.ts";
import { writeScoop } from "./scoop.ts";

export { PackagingError };

export interface WritePackagesOptions {
  /** `<out>/<version>`, holding `bin/openclaw-<target>[.exe]` and the archives. */
  dir: string;
  version: string;
  manifest: Manifest;
  log: (line: string) => void;
  /** Where the release is served from (formula and Scoop URLs); default the project's release base. */
  base?: string;
}

export async function writePackages(opts: WritePackagesOptions): Promise<ManifestArtefact[]> {
  const { dir, manifest, log } = opts;
  if (opts.version !== manifest.version) throw new PackagingError(`packages: version ${opts.version} differs from the manifest's ${manifest.version}`);
  checkSemver(opts.version);
  const base = opts.base ?? DEFAULT_INSTALL_BASE;
  if (!/^https?:\/\/[^\s"'\\]+$/.test(base)) throw new PackagingError(`packages: the base ${JSON.stringify(base)} is not an http(s) URL`);
  const started = Date.now();
  // A re-run into the same dir must not keep a previous run's packages.
  rmSync(join(dir, "packages"), { recursive: true, force: true });
  // The heavy steps (each gzips a 128 MB binary) one after the other, each using every core.
  const debs = await writeDebs({ dir, manifest, log });
  const apt = await writeAptRepo({ dir, debs, log });
  const npm = await writeNpm({ dir, manifest, log });
  const formula = writeFormula({ dir, manifest, base, log });
  const scoop = writeScoop({ dir, manifest, base, log });
  log(`packages: written in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return [...debs, ...apt, ...npm, ...formula, ...scoop];
}
