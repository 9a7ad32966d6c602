/**
 * The apt repository on a hand-made release: Packages and Release as apt reads them (hashes of
 * what they list), then `apt-get update && apt-get install openclaw` from it served on loopback,
 * with a scratch apt configuration, and a purge.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeAptRepo } from "../../scripts/release/packages/apt-repo.ts";
import { writeDebs } from "../../scripts/release/packages/deb.ts";
import { startReleaseServer } from "../helpers/release-server.ts";
import { aptInstallCycle, aptStateSnapshot, controlFields, fakeRelease, systemInstallBlocker, type FakeRelease } from "./packages-fixture.ts";

const VERSION = "0.2.0-rc.1";
let release: FakeRelease;
let scratch: string;
let artefacts: Awaited<ReturnType<typeof writeAptRepo>>;

const sha256 = (path: string) => new Bun.CryptoHasher("sha256").update(readFileSync(path)).digest("hex");

beforeAll(async () => {
  release = await fakeRelease(VERSION, ["linux-x64", "linux-arm64"]);
  scratch = mkdtempSync(join(tmpdir(), "openclaw-apt-scratch-"));
  const debs = await writeDebs({ dir: release.dir, manifest: release.manifest, log: () => {} });
  artefacts = await writeAptRepo({ dir: release.dir, debs, log: () => {} });
}, 60_000);
afterAll(() => {
  release?.cleanup();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe("apt repository files", () => {
  test("pool, Packages(.gz) per arch and Release, all returned as artefacts", () => {
    expect(artefacts.map((a) => a.file).sort()).toEqual(
      [
        "packages/apt/dists/stable/Release",
        "packages/apt/dists/stable/main/binary-amd64/Packages",
        "packages/apt/dists/stable/main/binary-amd64/Packages.gz",
        "packages/apt/dists/stable/main/binary-arm64/Packages",
        "packages/apt/dists/stable/main/binary-arm64/Packages.gz",
        "packages/apt/pool/main/o/openclaw/openclaw_0.2.0~rc.1_amd64.deb",
        "packages/apt/pool/main/o/openclaw/openclaw_0.2.0~rc.1_arm64.deb",
      ].sort(),
    );
    for (const a of artefacts) expect(a.sha256).toBe(sha256(join(release.dir, a.file)));
  });

  test("Packages names the pool file with its real size and SHA256", () => {
    const repo = join(release.dir, "packages/apt");
    for (const arch of ["amd64", "arm64"]) {
      const text = readFileSync(join(repo, `dists/stable/main/binary-${arch}/Packages`), "utf8");
      expect(new TextDecoder().decode(Bun.gunzipSync(readFileSync(join(repo, `dists/stable/main/binary-${arch}/Packages.gz`))))).toBe(text);
      const f = controlFields(text);
      expect(f.Package).toBe("openclaw");
      expect(f.Version).toBe("0.2.0~rc.1");
      expect(f.Architecture).toBe(arch);
      expect(f.Filename).toBe(`pool/main/o/openclaw/openclaw_0.2.0~rc.1_${arch}.deb`);
      expect(Number(f.Size)).toBe(readFileSync(join(repo, f.Filename!)).length);
      expect(f.SHA256).toBe(sha256(join(repo, f.Filename!)));
    }
  });

  test("Release lists every index with its SHA256, for suite stable, component main", () => {
    const dists = join(release.dir, "packages/apt/dists/stable");
    const text = readFileSync(join(dists, "Release"), "utf8");
    const f = controlFields(text);
    expect(f.Suite).toBe("stable");
    expect(f.Components).toBe("main");
    expect(f.Architectures).toBe("amd64 arm64");
    const listed = [...f.SHA256!.matchAll(/^\s+([0-9a-f]{64})\s+(\d+)\s+(\S+)$/gm)].map((m) => [m[3]!, m[1]!, Number(m[2])] as const);
    expect(listed.map(([name]) => name).sort()).toEqual(["main/binary-amd64/Packages", "main/binary-amd64/Packages.gz", "main/binary-arm64/Packages", "main/binary-arm64/Packages.gz"]);
    for (const [name, hash, size] of listed) {
      expect(hash).toBe(sha256(join(dists, name)));
      expect(size).toBe(readFileSync(join(dists, name)).length);
    }
  });

  test("no debs: no repository", async () => {
    const lines: string[] = [];
    const dir = mkdtempSync(join(tmpdir(), "openclaw-apt-empty-"));
    try {
      expect(await writeAptRepo({ dir, debs: [], log: (l) => lines.push(l) })).toEqual([]);
      expect(existsSync(join(dir, "packages"))).toBe(false);
      expect(lines.join("\n")).toContain("no apt repository");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

const blocker = systemInstallBlocker();
if (blocker) console.warn(`skipping apt-get install from the loopback repository: ${blocker}`);
test.skipIf(blocker !== null)("apt-get install openclaw from the repository on loopback, scratch apt config, then purge", async () => {
  await using server = startReleaseServer(release.root);
  const r = await aptInstallCycle(scratch, `${server.base}/${VERSION}/packages/apt`);
  expect(r.update.stdout + r.update.stderr).not.toContain("Err:");
  expect(r.update.code).toBe(0);
  expect(server.log()).toContain(`${VERSION}/packages/apt/dists/stable/Release`);
  expect(r.install!.stderr.split("\n").filter((l) => /^(E|W):/.test(l))).toEqual([]);
  expect(r.install!.code).toBe(0);
  expect(server.log()).toContain(`${VERSION}/packages/apt/pool/main/o/openclaw/openclaw_0.2.0~rc.1_amd64.deb`);
  expect(r.installedVersion).toBe("0.2.0~rc.1");
  expect(r.version.stdout).toBe(`openclaw ${VERSION} (fake, built 2026-12-01, linux-x64)\n`);
  expect(r.purge!.code).toBe(0);
  expect(r.leftBehind).toEqual([]);
  // The machine's own lists and caches were not touched: everything went to the scratch dirs.
  expect(aptStateSnapshot()).toBe(r.before);
  expect(readFileSync(join(scratch, "sources.list"), "utf8")).toContain("[trusted=yes]");
}, 120_000);
