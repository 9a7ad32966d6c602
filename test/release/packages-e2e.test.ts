/**
 * The packages of a real release (`buildTestRelease` with packages, linux-x64 + linux-arm64):
 * listed in manifest.json and SHA256SUMS; the debs' libc dependency read from the real binary;
 * lintian on both debs with only the overrides the real binary needs (none unused, no errors);
 * `apt-get install openclaw` from the repository on loopback → the real `openclaw --version` →
 * purge; `npm install -g` from the tarballs → the real binary through the launcher.
 * The fast, fake-binary tests of each packager are in packages-{deb,apt,npm,formula,index}.test.ts.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { minimumGlibc } from "../../scripts/release/packages/elf-glibc.ts";
import { buildTestRelease, type TestRelease } from "../helpers/release-build.ts";
import { startReleaseServer } from "../helpers/release-server.ts";
import { aptInstallCycle, controlFields, npmInstallGlobal, sh, shAsync, systemInstallBlocker } from "./packages-fixture.ts";

const VERSION = "0.1.0-test.1";
const linuxX64 = process.platform === "linux" && process.arch === "x64";
let rel: TestRelease;
let scratch: string;

describe.skipIf(!linuxX64)("packages of a real release (linux-x64, linux-arm64)", () => {
  beforeAll(async () => {
    rel = await buildTestRelease({ version: VERSION, targets: ["linux-x64", "linux-arm64"], packages: true });
    scratch = mkdtempSync(join(tmpdir(), "openclaw-packages-e2e-"));
  }, 300_000);
  afterAll(() => {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  const deb = (arch: string) => join(rel.dir, "packages/deb", `openclaw_0.1.0~test.1_${arch}.deb`);

  test("manifest.json and SHA256SUMS list every package with its real hash", () => {
    const packages = rel.manifest.artefacts.filter((a) => a.kind !== "archive");
    expect(packages.filter((a) => a.kind === "deb").map((a) => a.target).sort()).toEqual(["linux-arm64", "linux-x64"]);
    expect(packages.filter((a) => a.kind === "npm").map((a) => a.file).sort()).toEqual(
      ["openclaw-gateway-bun", "openclaw-gateway-bun-linux-arm64", "openclaw-gateway-bun-linux-x64"].map((n) => `packages/npm/${n}-${VERSION}.tgz`),
    );
    expect(packages.filter((a) => a.kind === "formula").map((a) => a.file)).toEqual(["packages/homebrew/openclaw.rb"]);
    expect(packages.filter((a) => a.kind === "apt-repo")).toHaveLength(7);
    const sums = readFileSync(join(rel.dir, "SHA256SUMS"), "utf8");
    for (const a of packages) {
      expect(sums).toContain(`${a.sha256}  ${a.file}\n`);
      expect(statSync(join(rel.dir, a.file)).size).toBe(a.size);
    }
    const check = sh(["sha256sum", "--check", "--quiet", "SHA256SUMS"], { cwd: rel.dir });
    expect(check.stdout + check.stderr).toBe("");
    expect(check.code).toBe(0);
  }, 60_000);

  test("each deb depends on the glibc its binary needs and carries that binary unchanged", () => {
    for (const [arch, target] of [["amd64", "linux-x64"], ["arm64", "linux-arm64"]] as const) {
      const binary = join(rel.dir, "bin", `openclaw-${target}`);
      const glibc = minimumGlibc(binary);
      expect(glibc).toMatch(/^2\.\d+$/);
      const objdump = sh(["sh", "-c", `objdump -p '${binary}' | grep -o 'GLIBC_2\\.[0-9.]*' | sort -uV | tail -1`]).stdout.trim();
      if (objdump) expect(objdump).toBe(`GLIBC_${glibc}`);
      const f = controlFields(sh(["dpkg-deb", "--field", deb(arch)]).stdout);
      expect(f.Depends).toBe(`libc6 (>= ${glibc})`);
      expect(Number(f["Installed-Size"])).toBeGreaterThanOrEqual(Math.ceil(statSync(binary).size / 1024));
      const inDeb = sh(["sh", "-c", `dpkg-deb --fsys-tarfile '${deb(arch)}' | tar -xO ./usr/bin/openclaw | sha256sum`]).stdout.split(" ")[0];
      expect(inDeb).toBe(new Bun.CryptoHasher("sha256").update(readFileSync(binary)).digest("hex"));
    }
  }, 60_000);

  test("lintian: no errors, and every override is one the real binary needs", async () => {
    // One run per deb, both at once (lintian takes 10-20 s on a 128 MB binary). Its exit status is
    // not used: with --show-overrides lintian 2.116 exits 2 even for a clean package; the E: lines
    // decide, and the O: lines show the overrides are ones this binary really needs.
    const runs = await Promise.all(["amd64", "arm64"].map((arch) => shAsync(["lintian", "-I", "--show-overrides", deb(arch)])));
    for (const r of runs) {
      const lines = (r.stdout + r.stderr).split("\n");
      expect(lines.filter((l) => l.startsWith("E:"))).toEqual([]);
      expect(lines.filter((l) => l.includes("unused-override") || l.includes("mismatched-override"))).toEqual([]);
      expect(lines).toContain("O: openclaw: unstripped-binary-or-object [usr/bin/openclaw]");
      expect(lines).toContain("O: openclaw: hardening-no-pie [usr/bin/openclaw]");
      const warnings = lines.filter((l) => l.startsWith("W:"));
      if (warnings.length) console.log(`lintian warnings (not errors):\n${warnings.join("\n")}`);
    }
  }, 120_000);

  const blocker = systemInstallBlocker();
  if (blocker) console.warn(`skipping apt-get install of the real deb: ${blocker}`);
  test.skipIf(blocker !== null)("apt-get install openclaw from the real repository on loopback → openclaw --version → purge", async () => {
    await using server = startReleaseServer(rel.out);
    // `openclaw update` must leave a dpkg-owned binary to apt (release contract), here for real.
    const r = await aptInstallCycle(scratch, `${server.base}/${VERSION}/packages/apt`, () =>
      shAsync(["/usr/bin/openclaw", "update", "--check", "--json"], { env: { HOME: join(scratch, "home"), OPENCLAW_INSTALL_BASE: server.base } }),
    );
    expect(r.update.code).toBe(0);
    expect(r.install?.stderr.split("\n").filter((l) => /^(E|W):/.test(l))).toEqual([]);
    expect(r.install?.code).toBe(0);
    expect(r.installedVersion).toBe("0.1.0~test.1");
    expect(r.version.stdout.split(/\s+/)[1]).toBe(VERSION);
    expect(r.version.stdout).toContain("linux-x64)");
    const update = r.during as Awaited<ReturnType<typeof shAsync>>;
    expect(update.stderr).toBe("");
    expect(JSON.parse(update.stdout)).toMatchObject({ installKind: "apt", current: VERSION });
    expect(r.purge?.code).toBe(0);
    expect(r.leftBehind).toEqual([]);
  }, 180_000);

  test("npm install -g from the real tarballs → openclaw --version --json through the launcher", async () => {
    const prefix = join(scratch, "npm-prefix");
    const npmDir = join(rel.dir, "packages/npm");
    const r = await npmInstallGlobal(prefix, [join(npmDir, `openclaw-gateway-bun-${VERSION}.tgz`), join(npmDir, `openclaw-gateway-bun-linux-x64-${VERSION}.tgz`)], join(scratch, "home"));
    expect(r.code).toBe(0);
    const run = sh([join(prefix, "bin/openclaw"), "--version", "--json"], { env: { OPENCLAW_BASELINE: undefined } });
    expect(run.stderr).toBe("");
    expect(JSON.parse(run.stdout)).toMatchObject({ version: VERSION, target: "linux-x64" });
    // This release has no baseline build: a machine without AVX2 is told so instead of crashing.
    const baseline = sh([join(prefix, "bin/openclaw"), "--version"], { env: { OPENCLAW_BASELINE: "1" } });
    expect(baseline.code).toBe(1);
    expect(baseline.stderr).toContain("openclaw-gateway-bun-linux-x64-baseline");
  }, 120_000);

  test("the formula of a linux-only release: valid Ruby, the real archives' sha256, darwin refused in words", () => {
    const rb = join(rel.dir, "packages/homebrew/openclaw.rb");
    expect(sh(["ruby", "-c", rb]).code).toBe(0);
    const text = readFileSync(rb, "utf8");
    for (const a of rel.manifest.artefacts.filter((x) => x.kind === "archive")) {
      expect(text).toContain(`url "https://releases.openclaw-gateway-bun.dev/${VERSION}/${a.file}"\n      sha256 "${a.sha256}"`);
    }
    expect(text).toContain(`odie "openclaw ${VERSION} has no darwin-arm64 build"`);
  });
});
