/**
 * writePackages as the release script calls it, on a hand-made release of every target: every
 * file it writes under packages/ comes back exactly once as an artefact with its real size and
 * SHA256 (so SHA256SUMS and the manifest cover them all), and bad input changes nothing.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { RELEASE_TARGETS, type ManifestArtefact } from "../../scripts/release/manifest-types.ts";
import { PackagingError, writePackages } from "../../scripts/release/packages/index.ts";
import { fakeRelease, type FakeRelease } from "./packages-fixture.ts";

const VERSION = "0.4.0";
let release: FakeRelease;
let artefacts: ManifestArtefact[];
const log: string[] = [];

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((p) => statSync(join(dir, p)).isFile());
}

let before: Record<string, string>;

/** Every file of the release outside packages/ with its SHA256. */
function snapshotOutsidePackages(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of filesUnder(release.dir).filter((p) => !p.startsWith("packages/"))) out[p] = new Bun.CryptoHasher("sha256").update(readFileSync(join(release.dir, p))).digest("hex");
  return out;
}

beforeAll(async () => {
  release = await fakeRelease(VERSION, [...RELEASE_TARGETS]);
  before = snapshotOutsidePackages();
  artefacts = await writePackages({ dir: release.dir, version: VERSION, manifest: release.manifest, log: (l) => log.push(l) });
}, 60_000);
afterAll(() => release?.cleanup());

test("every file under packages/ is returned once, with its size and SHA256", () => {
  const onDisk = filesUnder(join(release.dir, "packages")).map((p) => `packages/${p}`).sort();
  expect(artefacts.map((a) => a.file).sort()).toEqual(onDisk);
  for (const a of artefacts) {
    expect(a.url).toBe(a.file);
    const bytes = readFileSync(join(release.dir, a.file));
    expect(a.size).toBe(bytes.length);
    expect(a.sha256).toBe(new Bun.CryptoHasher("sha256").update(bytes).digest("hex"));
  }
  const kinds = new Map<string, number>();
  for (const a of artefacts) kinds.set(a.kind, (kinds.get(a.kind) ?? 0) + 1);
  expect(Object.fromEntries(kinds)).toEqual({ deb: 2, "apt-repo": 7, npm: 7, formula: 1, scoop: 1 });
  expect(log.at(-1)).toMatch(/^packages: written in \d+\.\d s$/);
  // Packagers read the release and write only under packages/.
  expect(snapshotOutsidePackages()).toEqual(before);
});

test("a version that is not the manifest's, or not semver, or a bad base is refused and writes nothing", async () => {
  const other = await fakeRelease("0.5.0", ["linux-x64"]);
  try {
    const call = (version: string, base?: string) => writePackages({ dir: other.dir, version, manifest: { ...other.manifest, version }, log: () => {}, base });
    await expect(writePackages({ dir: other.dir, version: "0.5.1", manifest: other.manifest, log: () => {} })).rejects.toThrow(/differs from the manifest's 0.5.0/);
    await expect(call("0.5")).rejects.toThrow(PackagingError);
    await expect(call("0.5.0", "ftp://example.test")).rejects.toThrow(/not an http\(s\) URL/);
    await expect(call("0.5.0", 'https://example.test/"; system("x")')).rejects.toThrow(/not an http\(s\) URL/);
    expect(existsSync(join(other.dir, "packages"))).toBe(false);
  } finally {
    other.cleanup();
  }
});
