/**
 * `packages/scoop/openclaw.json`: a Scoop manifest for a bucket. `checkver` reads `<base>/latest`
 * and `autoupdate` rebuilds the URL and takes the hash from the release's SHA256SUMS, so a bucket
 * maintainer's `checkver -u` follows new releases without this script.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Manifest, ManifestArtefact } from "../manifest-types.ts";
import { archiveName, targetInfo } from "../targets.ts";
import { archiveFor } from "./homebrew.ts";
import { artefactFor, artefactUrl, checkSemver, PRODUCT } from "./meta.ts";

export function scoopManifest(manifest: Manifest, base: string): Record<string, unknown> | null {
  const version = checkSemver(manifest.version);
  const zip = archiveFor(manifest, "windows-x64");
  if (!zip) return null;
  const root = base.replace(/\/+$/, "");
  return {
    version,
    description: PRODUCT.summary,
    homepage: PRODUCT.homepage,
    license: PRODUCT.license,
    architecture: { "64bit": { url: artefactUrl(root, version, zip), hash: zip.sha256 } },
    bin: zip.binary ?? "openclaw.exe",
    notes: ["The package starts nothing. To run the gateway as a service:", "  openclaw setup", "  openclaw gateway install", "Upgrade with `scoop update openclaw`."],
    checkver: { url: `${root}/latest`, regex: "^([\\w.+-]+)" },
    autoupdate: {
      architecture: { "64bit": { url: `${root}/$version/${archiveName("$version", targetInfo("windows-x64"))}` } },
      hash: { url: `${root}/$version/SHA256SUMS` },
    },
  };
}

export function writeScoop(opts: { dir: string; manifest: Manifest; base: string; log: (line: string) => void }): ManifestArtefact[] {
  const json = scoopManifest(opts.manifest, opts.base);
  if (!json) {
    opts.log("packages: no windows-x64 archive, no Scoop manifest written");
    return [];
  }
  const path = join(opts.dir, "packages", "scoop", "openclaw.json");
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, JSON.stringify(json, null, 4) + "\n");
  opts.log("packages: Scoop manifest packages/scoop/openclaw.json");
  return [artefactFor(opts.dir, path, "scoop", "json")];
}
