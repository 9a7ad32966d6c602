/**
 * The .deb packager on a hand-made release (shell-script binaries): control fields, contents and
 * modes, no maintainer scripts, lintian without errors, and a dpkg -i → --version → purge cycle.
 * test/release/packages-e2e.test.ts does the same with the real binaries.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { debFileName, writeDebs } from "../../scripts/release/packages/deb.ts";
import { minimumGlibc } from "../../scripts/release/packages/elf-glibc.ts";
import { debianVersion, PackagingError } from "../../scripts/release/packages/meta.ts";
import { controlFields, fakeRelease, purgeOpenclaw, sh, systemInstallBlocker, type FakeRelease } from "./packages-fixture.ts";

const VERSION = "0.1.0-test.1";
let release: FakeRelease;
const log: string[] = [];

beforeAll(async () => {
  release = await fakeRelease(VERSION, ["linux-x64", "linux-arm64", "darwin-arm64"]);
}, 60_000);
afterAll(() => release?.cleanup());

describe("debian version", () => {
  test("semver pre-release sorts before the release, as dpkg compares", () => {
    expect(debianVersion("0.1.0")).toBe("0.1.0");
    expect(debianVersion("0.1.0-test.1")).toBe("0.1.0~test.1");
    expect(debianVersion("1.2.3-rc-2+build-7")).toBe("1.2.3~rc.2+build.7");
    for (const [older, newer] of [["0.1.0-rc.1", "0.1.0"], ["0.1.0", "0.1.1"], ["0.1.0-rc.1", "0.1.0-rc.2"]] as const) {
      expect(sh(["dpkg", "--compare-versions", debianVersion(older), "lt", debianVersion(newer)]).code).toBe(0);
    }
  });
  test("a version that is not semver is refused in words", () => {
    expect(() => debianVersion("1.0")).toThrow(PackagingError);
    expect(() => debianVersion("1.0.0; rm -rf /")).toThrow(/not semver/);
  });
});

test("glibc requirement is read from the ELF version needs, null for a script", () => {
  const ls = minimumGlibc("/bin/ls");
  expect(ls).toMatch(/^2\.\d+$/);
  // objdump (binutils, which lintian pulls in) names the same newest GLIBC_ version.
  const objdump = sh(["sh", "-c", "objdump -p /bin/ls | grep -o 'GLIBC_2\\.[0-9.]*' | sort -uV | tail -1"]).stdout.trim();
  if (objdump) expect(`GLIBC_${ls}`).toBe(objdump);
  expect(minimumGlibc(join(release.dir, "bin", "openclaw-linux-x64"))).toBeNull();
});

describe("deb from a hand-made release", () => {
  let debs: Awaited<ReturnType<typeof writeDebs>>;
  beforeAll(async () => {
    debs = await writeDebs({ dir: release.dir, manifest: release.manifest, log: (l) => log.push(l) });
  });

  test("one deb per linux arch, none for darwin", () => {
    expect(debs.map((d) => d.file).sort()).toEqual([`packages/deb/${debFileName(VERSION, "amd64")}`, `packages/deb/${debFileName(VERSION, "arm64")}`]);
    expect(debs.map((d) => d.target).sort()).toEqual(["linux-arm64", "linux-x64"]);
    for (const d of debs) expect(d.sha256).toBe(new Bun.CryptoHasher("sha256").update(readFileSync(join(release.dir, d.file))).digest("hex"));
  });

  test("dpkg-deb --info: the control fields", () => {
    for (const [deb, arch] of [[debs.find((d) => d.target === "linux-x64")!, "amd64"], [debs.find((d) => d.target === "linux-arm64")!, "arm64"]] as const) {
      const info = sh(["dpkg-deb", "--field", join(release.dir, deb.file)]);
      expect(info.code).toBe(0);
      const f = controlFields(info.stdout);
      expect(f.Package).toBe("openclaw");
      expect(f.Version).toBe("0.1.0~test.1");
      expect(f.Architecture).toBe(arch);
      expect(f.Maintainer).toMatch(/^.+ <[^@\s]+@[^@\s]+>$/);
      expect(Number(f["Installed-Size"])).toBeGreaterThan(0);
      expect(f.Section).toBe("net");
      expect(f.Priority).toBe("optional");
      expect(f.Homepage).toMatch(/^https:\/\//);
      expect(f.Description).toContain("openclaw gateway install");
      // A shell script needs no libc; the real binary's Depends is checked in packages-e2e.
      expect(f.Depends).toBeUndefined();
    }
  });

  test("dpkg-deb --contents: the files, their modes and owners; no maintainer scripts", () => {
    const deb = join(release.dir, debs[0]!.file);
    const contents = sh(["dpkg-deb", "--contents", deb]).stdout.trim().split("\n");
    const files = contents.map((line) => {
      const [mode, owner, , , , path] = line.split(/\s+/);
      return `${mode} ${owner} ${path}`;
    });
    expect(files.filter((f) => !f.startsWith("d"))).toEqual([
      "-rwxr-xr-x root/root ./usr/bin/openclaw",
      "-rw-r--r-- root/root ./usr/share/doc/openclaw/changelog.gz",
      "-rw-r--r-- root/root ./usr/share/doc/openclaw/copyright",
      "-rw-r--r-- root/root ./usr/share/lintian/overrides/openclaw",
      "-rw-r--r-- root/root ./usr/share/man/man1/openclaw.1.gz",
    ]);
    for (const dir of files.filter((f) => f.startsWith("d"))) expect(dir).toStartWith("drwxr-xr-x root/root ");
    const control = sh(["sh", "-c", `dpkg-deb --ctrl-tarfile '${deb}' | tar -t`]).stdout.trim().split("\n").sort();
    expect(control).toEqual(["./", "./control", "./md5sums"]);
    const text = sh(["sh", "-c", `dpkg-deb --fsys-tarfile '${deb}' | tar -xO ./usr/share/doc/openclaw/copyright`]).stdout;
    expect(text).toStartWith("Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/");
    expect(text).toContain("libsignal");
    expect(text).toContain("GPL-3.0");
    expect(text).not.toMatch(/@[A-Z]+@/); // every placeholder of packaging/deb/copyright filled in
  });

  test("lintian: no errors", () => {
    const r = sh(["lintian", "--fail-on", "error", join(release.dir, debs[0]!.file)]);
    const errors = (r.stdout + r.stderr).split("\n").filter((l) => l.startsWith("E:"));
    expect(errors).toEqual([]);
    expect(r.code).toBe(0);
  }, 60_000);

  const blocker = systemInstallBlocker();
  if (blocker) console.warn(`skipping the dpkg -i cycle: ${blocker}`);
  test.skipIf(blocker !== null)("dpkg -i → openclaw --version → dpkg --purge leaves nothing behind", () => {
    try {
      const deb = join(release.dir, debs.find((d) => d.target === "linux-x64")!.file);
      const install = sh(["dpkg", "-i", deb]);
      expect(install.stderr).toBe("");
      expect(install.code).toBe(0);
      expect(sh(["/usr/bin/openclaw", "--version"]).stdout).toBe(`openclaw ${VERSION} (fake, built 2026-12-01, linux-x64)\n`);
      expect(sh(["dpkg", "-V", "openclaw"]).stdout).toBe("");
      expect(sh(["dpkg", "--purge", "openclaw"]).code).toBe(0);
      expect(existsSync("/usr/bin/openclaw")).toBe(false);
      expect(existsSync("/usr/share/doc/openclaw")).toBe(false);
    } finally {
      purgeOpenclaw();
    }
  }, 60_000);

  test("no linux binary: no deb, said in the log", async () => {
    const mac = await fakeRelease(VERSION, ["darwin-arm64"]);
    try {
      const lines: string[] = [];
      expect(await writeDebs({ dir: mac.dir, manifest: mac.manifest, log: (l) => lines.push(l) })).toEqual([]);
      expect(lines.join("\n")).toContain("no deb written");
      expect(existsSync(join(mac.dir, "packages", "deb"))).toBe(false);
    } finally {
      mac.cleanup();
    }
  });
});
