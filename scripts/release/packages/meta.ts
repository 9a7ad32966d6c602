/**
 * What every package says about the product, in one place so the deb, the formula, the Scoop
 * manifest and the npm packages cannot drift apart. The homepage and maintainer address are
 * placeholders until the project publishes (same host as the default install base).
 */
import { createHash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { DEFAULT_INSTALL_BASE } from "../../../src/update/manifest.ts";
import type { ArtefactKind, ManifestArtefact } from "../manifest-types.ts";

export { DEFAULT_INSTALL_BASE };

export const PRODUCT = {
  name: "openclaw",
  /** One line, no trailing period, does not start with the package name (lintian, Homebrew audit). */
  summary: "Gateway that owns the messaging channels and serves the OpenClaw control plane",
  /** Paragraphs of the long description (deb, npm README). */
  description: [
    "The always-on process of OpenClaw: it owns the messaging channels and serves the control plane on one WebSocket and HTTP port (default 127.0.0.1:18789), spoken by OpenClaw clients of protocol 3 and 4.",
    "It is one self-contained executable built with Bun. Run `openclaw setup`, then `openclaw gateway install` to run it as a user service; the package itself starts nothing.",
  ],
  homepage: DEFAULT_INSTALL_BASE,
  maintainer: "OpenClaw Gateway on Bun maintainers <maintainers@openclaw-gateway-bun.dev>",
  /**
   * The compiled binary bundles libsignal (GPL-3.0) for WhatsApp, so the binary as distributed is
   * under the GPL-3.0 (README "Licence"). SPDX "GPL-3.0-only" is how libsignal's "GPL-3.0" reads today.
   */
  license: "GPL-3.0-only",
  npmWrapper: "openclaw-gateway-bun",
  npmPlatformPrefix: "openclaw-gateway-bun-",
} as const;

/** Repository root (packaging/ holds the static inputs). */
export const ROOT = join(import.meta.dir, "..", "..", "..");
export const PACKAGING = join(ROOT, "packaging");

export class PackagingError extends Error {}

/** semver as npm and Homebrew take it: `1.2.3`, `1.2.3-rc.1`, `1.2.3+build.5`. */
const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$/;

export function checkSemver(version: string): string {
  if (!SEMVER.test(version)) throw new PackagingError(`version ${JSON.stringify(version)} is not semver (e.g. 0.1.0 or 0.1.0-rc.1); npm, deb and Homebrew need one`);
  return version;
}

/**
 * Debian version of a semver: the pre-release `-` becomes `~` so `0.1.0~rc.1` sorts before
 * `0.1.0` as semver says, other `-` (not allowed in a native version without a revision) become
 * `.`, and build metadata keeps its `+`.
 */
export function debianVersion(version: string): string {
  const m = SEMVER.exec(checkSemver(version))!;
  let v = `${m[1]}.${m[2]}.${m[3]}`;
  if (m[4]) v += `~${m[4].replaceAll("-", ".")}`;
  if (m[5]) v += `+${m[5].replaceAll("-", ".")}`;
  return v;
}

export function sha256File(path: string): string {
  const hash = createHash("sha256");
  hash.update(readFileSync(path));
  return hash.digest("hex");
}

/** A produced file as a manifest artefact; `file` and `url` are relative to the release dir. */
export function artefactFor(dir: string, path: string, kind: ArtefactKind, format: string, extra: Partial<ManifestArtefact> = {}): ManifestArtefact {
  const file = relative(dir, path).split("\\").join("/");
  return { ...extra, kind, format, file, url: file, sha256: sha256File(path), size: statSync(path).size };
}

/** `<base>/<version>/<file>` for a manifest artefact. */
export function artefactUrl(base: string, version: string, artefact: ManifestArtefact): string {
  return `${base.replace(/\/+$/, "")}/${encodeURIComponent(version)}/${artefact.url}`;
}
