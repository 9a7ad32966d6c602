/**
 * install.sh with real releases (`bun scripts/release/release.ts`, host target, via
 * buildTestRelease) served on 127.0.0.1:0: a fresh HOME gets a working `openclaw --version`
 * within the 5 s budget, an upgrade replaces it in place, and a corrupted archive or a 404 leaves
 * the installed binary byte-identical. Each version is its own release dir (and server), as
 * buildTestRelease builds them; "upgrade" points the installer at the newer one.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { buildTestRelease, hostTarget } from "../helpers/release-build.ts";
import { startReleaseServer, type ReleaseServer } from "../helpers/release-server.ts";
import { machine, removeMachines, sha256File, versionOf } from "./install-run.ts";

const V1 = "0.1.0-test.1";
const V2 = "0.1.0-test.2";
let old: ReleaseServer;
let fresh: ReleaseServer;

beforeAll(async () => {
  const [r1, r2] = await Promise.all([buildTestRelease({ version: V1 }), buildTestRelease({ version: V2 })]);
  old = startReleaseServer(r1.out);
  fresh = startReleaseServer(r2.out);
}, 120_000);
afterAll(async () => {
  old?.stop();
  fresh?.stop();
  await removeMachines();
});

const archive = (v: string) => `${v}/openclaw-${v}-${hostTarget()}.tar.gz`;

describe.skipIf(process.platform === "win32")("install.sh with a real release", () => {
  test("fresh HOME → installed and runs; re-run with a newer release upgrades; failures change nothing", async () => {
    const m = await machine(old.base);
    const first = await m.run([]);
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    const bin = join(m.prefix, "openclaw");
    expect(await versionOf(bin)).toMatch(new RegExp(`^openclaw ${V1.replaceAll(".", "\\.")} \\((?:[0-9a-f]+|unknown), built .*, ${hostTarget()}\\)$`));
    console.log(`install.sh (real ${hostTarget()} release, loopback, fresh HOME): ${first.ms.toFixed(0)} ms`);
    expect(first.ms).toBeLessThan(5000);

    const upgrade = await m.run([], { OPENCLAW_INSTALL_BASE: fresh.base });
    expect(upgrade.code).toBe(0);
    console.log(`install.sh (real release, loopback, upgrade): ${upgrade.ms.toFixed(0)} ms`);
    expect((await versionOf(bin)).split(" ")[1]).toBe(V2);
    expect((await versionOf(join(m.prefix, "openclaw.previous"))).split(" ")[1]).toBe(V1);

    const hash = await sha256File(bin);
    const listing = (await readdir(m.prefix)).sort();
    fresh.corrupt(archive(V2));
    const corrupt = await m.run([], { OPENCLAW_INSTALL_BASE: fresh.base }).finally(() => fresh.restore(archive(V2)));
    expect(corrupt.code).toBe(1);
    expect(corrupt.stderr).toContain(`error: checksum mismatch for openclaw-${V2}-${hostTarget()}.tar.gz`);
    fresh.missing(archive(V2));
    const missing = await m.run([], { OPENCLAW_INSTALL_BASE: fresh.base }).finally(() => fresh.restore(archive(V2)));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`error: download failed: ${fresh.base}/${archive(V2)}`);
    expect(await sha256File(bin)).toBe(hash);
    expect((await readdir(m.prefix)).sort()).toEqual(listing);
    expect(await readdir(m.tmp)).toEqual([]);
  }, 60_000);
});
