/**
 * The release manifest (`<base>/<version>/manifest.json`): what the installers and `openclaw update`
 * read to find, size-check and verify an artefact. Kept in one place so the writer (release.ts), the
 * packagers and the readers cannot drift apart.
 */

/** Our target names; the Bun compile target is `bun-<name>`. */
export const RELEASE_TARGETS = ["linux-x64", "linux-x64-baseline", "linux-arm64", "darwin-x64", "darwin-arm64", "windows-x64"] as const;
export type ReleaseTarget = (typeof RELEASE_TARGETS)[number];

export type ArtefactKind = "archive" | "deb" | "npm" | "formula" | "scoop" | "apt-repo";

export interface ManifestArtefact {
  /** Release target this artefact is for; absent for target-independent files (formula, scoop manifest). */
  target?: ReleaseTarget;
  os?: "linux" | "darwin" | "windows";
  arch?: "x64" | "arm64";
  /** "baseline" for CPUs without AVX2; null otherwise. */
  variant?: "baseline" | null;
  kind: ArtefactKind;
  /** e.g. "tar.gz", "zip", "deb", "tgz", "rb", "json". */
  format: string;
  /** File name inside `<base>/<version>/` (packages: a relative path such as `packages/openclaw_0.1.0_amd64.deb`). */
  file: string;
  /** Relative to the manifest's own URL (equal to `file` for artefacts published next to it). */
  url: string;
  sha256: string;
  size: number;
  /** Name of the executable inside an archive (`openclaw` or `openclaw.exe`). */
  binary?: string;
}

export interface Manifest {
  schema: 1;
  name: "openclaw";
  version: string;
  /** 40-hex commit the build came from, or "unknown". */
  commit: string;
  /** ISO-8601 build time. */
  date: string;
  artefacts: ManifestArtefact[];
}
