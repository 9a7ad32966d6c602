/**
 * install.sh end to end under dash, against a release served on 127.0.0.1:0: a fresh install,
 * an upgrade in place, every failure (corrupt archive, 404, a broken archive, musl) leaving an
 * existing install byte-identical with no temp files left, PATH handling and --service
 * (target detection: install-sh-detect.test.ts). The "binary" here is the
 * hand-made shell-script release (fake-release.ts); install-sh-real.test.ts does the same with
 * real compiled releases.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdir, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { startReleaseServer, type ReleaseServer } from "../helpers/release-server.ts";
import { addFakeRelease, fakeReleaseDir } from "./fake-release.ts";
import { INSTALL_SH, machine, posixShells, removeMachines, restrictedPath, snapshot, versionOf } from "./install-run.ts";

const V1 = "0.1.0-test.1";
const V2 = "0.1.0-test.2";
let out: string;
let server: ReleaseServer;

beforeAll(async () => {
  out = await fakeReleaseDir([V1]);
  server = startReleaseServer(out);
});
afterAll(async () => {
  server.stop();
  await removeMachines();
  await rm(out, { recursive: true, force: true });
});

const archive = (version: string, target = "linux-x64") => `${version}/openclaw-${version}-${target}.tar.gz`;

describe("install.sh", () => {
  test("is shellcheck-clean and parses under dash", async () => {
    const shellcheck = Bun.which("shellcheck");
    if (!shellcheck) {
      // CI installs it (.ci/run); elsewhere a missing linter is said, not silently passed.
      if (process.env.CI === "true") throw new Error("shellcheck is not installed (apt-get install -y shellcheck)");
      console.warn("shellcheck not installed: skipped the lint");
    } else {
      const lint = Bun.spawnSync([shellcheck, "--shell=sh", "--severity=style", INSTALL_SH]);
      expect(lint.stdout.toString() + lint.stderr.toString()).toBe("");
      expect(lint.exitCode).toBe(0);
    }
    for (const sh of ["dash", "sh"].map((s) => Bun.which(s)).filter(Boolean) as string[]) {
      expect(Bun.spawnSync([sh, "-n", INSTALL_SH]).exitCode).toBe(0);
    }
  });

  test("--help and a wrong option", async () => {
    const m = await machine(server.base);
    const help = await m.run(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("--modify-path");
    expect(help.stdout).toContain("OPENCLAW_INSTALL_BASE");
    const wrong = await m.run(["--frobnicate"]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toBe("error: unknown option '--frobnicate' (see --help)\n");
    const missing = await m.run(["--prefix"]);
    expect(missing.stderr).toBe("error: --prefix needs a value (see --help)\n");
  });

  test("fresh HOME: installs, prints the PATH line, leaves no temp files", async () => {
    const m = await machine(server.base);
    const before = server.requests();
    const result = await m.run([]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(await versionOf(join(m.prefix, "openclaw"))).toStartWith(`openclaw ${V1} (`);
    expect(result.stdout).toContain(`installed: openclaw ${V1}`);
    expect(result.stdout).toContain(`export PATH="${m.prefix}:$PATH"`);
    expect(result.stdout).toContain(join(m.home, ".profile"));
    expect(server.log().slice(before)).toEqual(["latest", `${V1}/SHA256SUMS`, archive(V1)]);
    expect(await readdir(m.tmp)).toEqual([]);
    expect(await readdir(m.prefix)).toEqual(["openclaw"]);
    // Nothing was written into rc files without --modify-path.
    expect(await readdir(m.home)).toEqual([".local"]);
    console.log(`install.sh (fake release, loopback): ${result.ms.toFixed(0)} ms`);
    expect(result.ms).toBeLessThan(5000);
  });

  test("re-running upgrades in place and keeps the previous binary; --version pins (and downgrades)", async () => {
    const m = await machine(server.base);
    expect((await m.run(["--quiet"])).code).toBe(0);
    const local = join(m.prefix, "openclaw");
    const dir = await fakeReleaseDir([V1, V2]);
    using newer = startReleaseServer(dir);
    const upgrade = await m.run(["-q"], { OPENCLAW_INSTALL_BASE: newer.base });
    expect(upgrade).toMatchObject({ code: 0, stdout: "", stderr: "" });
    expect(await versionOf(local)).toStartWith(`openclaw ${V2} `);
    expect(await versionOf(join(m.prefix, "openclaw.previous"))).toStartWith(`openclaw ${V1} `);
    const pinned = await m.run(["--version", V1], { OPENCLAW_INSTALL_BASE: newer.base });
    expect(pinned.code).toBe(0);
    expect(await versionOf(local)).toStartWith(`openclaw ${V1} `);
    expect(newer.requests("latest")).toBe(1);
    await rm(dir, { recursive: true, force: true });
  });

  test.each(posixShells().map((shell) => [shell.join(" "), shell] as const))("under %s: installs, and refuses a corrupted archive", async (_name, shell) => {
    const m = await machine(server.base, [...shell]);
    const result = await m.run(["-q"]);
    expect(result).toMatchObject({ code: 0, stderr: "" });
    expect(await versionOf(join(m.prefix, "openclaw"))).toStartWith(`openclaw ${V1} `);
    const before = await snapshot(m.prefix);
    server.corrupt(archive(V1));
    const corrupt = await m.run([]).finally(() => server.restore(archive(V1)));
    expect(corrupt.code).toBe(1);
    expect(corrupt.stderr).toContain("error: checksum mismatch for ");
    expect(await snapshot(m.prefix)).toEqual(before);
    expect(await readdir(m.tmp)).toEqual([]);
  });

  describe("a failure changes nothing", () => {
    async function installed() {
      const m = await machine(server.base);
      expect((await m.run(["-q"])).code).toBe(0);
      return { m, before: await snapshot(m.prefix) };
    }

    test("corrupted archive: refused before the install dir is touched", async () => {
      const { m, before } = await installed();
      server.corrupt(archive(V1));
      try {
        const result = await m.run([]);
        expect(result.code).toBe(1);
        expect(result.stderr).toMatch(/^error: checksum mismatch for openclaw-0\.1\.0-test\.1-linux-x64\.tar\.gz: expected [0-9a-f]{64}, got [0-9a-f]{64}; nothing was installed\n$/);
      } finally {
        server.restore(archive(V1));
      }
      expect(await snapshot(m.prefix)).toEqual(before);
      expect(await readdir(m.tmp)).toEqual([]);
    });

    test("404 on the archive, on SHA256SUMS, an unknown version, an unreachable base", async () => {
      const { m, before } = await installed();
      server.missing(archive(V1));
      const noArchive = await m.run([]).finally(() => server.restore(archive(V1)));
      expect(noArchive.code).toBe(1);
      expect(noArchive.stderr).toContain(`error: download failed: ${server.base}/${archive(V1)}`);
      server.missing(`${V1}/SHA256SUMS`);
      const noSums = await m.run([]).finally(() => server.restore(`${V1}/SHA256SUMS`));
      expect(noSums.stderr).toContain(`error: download failed: ${server.base}/${V1}/SHA256SUMS`);
      const unknown = await m.run(["--version", "9.9.9"]);
      expect(unknown.stderr).toContain(`error: download failed: ${server.base}/9.9.9/SHA256SUMS`);
      const unreachable = await m.run([], { OPENCLAW_INSTALL_BASE: "http://127.0.0.1:0" });
      expect(unreachable.code).toBe(1);
      expect(unreachable.stderr).toContain("error: download failed: http://127.0.0.1:0/latest");
      expect(await snapshot(m.prefix)).toEqual(before);
      expect(await readdir(m.tmp)).toEqual([]);
    });

    test("a release whose archive is not a tar, or lacks the binary, or has no line for this target", async () => {
      const { m, before } = await installed();
      const dir = await fakeReleaseDir([V2]);
      using bad = startReleaseServer(dir);
      const garbage = new TextEncoder().encode("this is not a gzip file\n");
      await writeFile(join(dir, archive(V2)), garbage);
      const sum = new Bun.CryptoHasher("sha256").update(garbage).digest("hex");
      const sums = await readFile(join(dir, V2, "SHA256SUMS"), "utf8");
      await writeFile(join(dir, V2, "SHA256SUMS"), sums.replace(/^[0-9a-f]{64}(?=  openclaw-[^ ]+-linux-x64\.tar\.gz$)/m, sum));
      const notTar = await m.run([], { OPENCLAW_INSTALL_BASE: bad.base });
      expect(notTar.code).toBe(1);
      expect(notTar.stderr).toContain("error: cannot extract openclaw-0.1.0-test.2-linux-x64.tar.gz; nothing was installed");
      expect(await snapshot(m.prefix)).toEqual(before);
      // A valid tar.gz that holds something else than `openclaw`.
      const stage = join(dir, "stage");
      await mkdir(stage);
      await writeFile(join(stage, "README"), "no binary here\n");
      expect(Bun.spawnSync(["tar", "-czf", join(dir, archive(V2)), "-C", stage, "README"]).exitCode).toBe(0);
      const other = new Bun.CryptoHasher("sha256").update(await readFile(join(dir, archive(V2)))).digest("hex");
      await writeFile(join(dir, V2, "SHA256SUMS"), sums.replace(/^[0-9a-f]{64}(?=  openclaw-[^ ]+-linux-x64\.tar\.gz$)/m, other));
      const noBinary = await m.run([], { OPENCLAW_INSTALL_BASE: bad.base });
      expect(noBinary.code).toBe(1);
      expect(noBinary.stderr).toBe(`error: openclaw-${V2}-linux-x64.tar.gz holds no openclaw binary; nothing was installed\n`);
      expect(await snapshot(m.prefix)).toEqual(before);
      await writeFile(join(dir, V2, "SHA256SUMS"), sums.split("\n").filter((l) => !l.includes("linux-arm64")).join("\n"));
      const missingLine = await m.run(["--target", "linux-arm64"], { OPENCLAW_INSTALL_BASE: bad.base });
      expect(missingLine.code).toBe(1);
      expect(missingLine.stderr).toBe(`error: ${bad.base}/${V2}/SHA256SUMS has no line for openclaw-${V2}-linux-arm64.tar.gz (is there a linux-arm64 build of ${V2}?)\n`);
      expect(await snapshot(m.prefix)).toEqual(before);
      expect(await readdir(m.tmp)).toEqual([]);
      await rm(dir, { recursive: true, force: true });
    });
  });

  test("an install dir whose openclaw is a directory: refused, left alone", async () => {
    const m = await machine(server.base);
    await mkdir(join(m.prefix, "openclaw"), { recursive: true });
    const result = await m.run([]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`error: ${m.prefix}/openclaw is a directory; move it away or pass another --prefix\n`);
    expect(await readdir(join(m.prefix, "openclaw"))).toEqual([]);
    expect(await readdir(m.prefix)).toEqual(["openclaw"]);
    expect(await readdir(m.tmp)).toEqual([]);
  });

  test("--prefix, --modify-path (once, in the shell's rc file), and a prefix already on PATH", async () => {
    const m = await machine(server.base);
    const prefix = join(m.home, "opt", "bin");
    for (let i = 0; i < 2; i++) {
      const result = await m.run(["--prefix", prefix, "--modify-path"], { SHELL: "/usr/bin/zsh" });
      expect(result.code).toBe(0);
    }
    const zshrc = await readFile(join(m.home, ".zshrc"), "utf8");
    expect(zshrc).toBe(`\n# added by the openclaw installer\nexport PATH="${prefix}:$PATH"\n`);
    await m.run(["--prefix", prefix, "--modify-path"], { SHELL: "/usr/bin/fish" });
    expect(await readFile(join(m.home, ".config", "fish", "config.fish"), "utf8")).toContain(`fish_add_path "${prefix}"\n`);
    const onPath = await m.run(["--prefix", prefix], { PATH: `${prefix}:/usr/bin:/bin` });
    expect(onPath.code).toBe(0);
    expect(onPath.stdout).not.toContain("not on your PATH");
  });

  test("--service runs setup (only without a config) and gateway install", async () => {
    const m = await machine(server.base);
    const log = join(m.home, "calls.log");
    expect((await m.run(["-q", "--service"], { FAKE_OPENCLAW_LOG: log })).code).toBe(0);
    expect(await readFile(log, "utf8")).toBe("setup\ngateway install\n");
    await mkdir(join(m.home, ".openclaw"));
    await writeFile(join(m.home, ".openclaw", "openclaw.json"), "{}\n");
    await rm(log);
    expect((await m.run(["-q", "--service"], { FAKE_OPENCLAW_LOG: log })).code).toBe(0);
    expect(await readFile(log, "utf8")).toBe("gateway install\n");
  });

  test("works with wget when there is no curl", async () => {
    if (!Bun.which("wget")) throw new Error("wget is not installed (apt-get install -y wget): the installer's wget path cannot be tested");
    const m = await machine(server.base);
    const tools = ["sh", "dash", "uname", "mktemp", "head", "tr", "awk", "cut", "sha256sum", "tar", "gzip", "mkdir", "cp", "mv", "rm", "chmod", "ln", "grep", "dirname", "cat", "wget"];
    const bin = await restrictedPath(join(m.home, "..", "wget-only"), tools);
    expect(Bun.which("curl", { PATH: bin })).toBeNull();
    const result = await m.run([], { PATH: bin });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(await versionOf(join(m.prefix, "openclaw"))).toStartWith(`openclaw ${V1} `);
    const none = await restrictedPath(join(m.home, "..", "no-downloader"), tools.filter((t) => t !== "wget"));
    const refused = await m.run([], { PATH: none });
    expect(refused.stderr).toBe("error: neither curl nor wget is installed; install one of them and run this again\n");
  });

  test.skipIf(!Bun.which("busybox"))("with nothing but busybox applets (busybox wget, tar, sha256sum, ...)", async () => {
    const m = await machine(server.base, [Bun.which("busybox")!, "sh"]);
    const bin = join(m.home, "..", "busybox-only");
    await mkdir(bin);
    const applets = ["sh", "uname", "mktemp", "head", "tr", "awk", "cut", "sha256sum", "tar", "gzip", "mkdir", "cp", "mv", "rm", "chmod", "ln", "grep", "dirname", "cat", "wget", "ldd"];
    for (const applet of applets) await symlink(Bun.which("busybox")!, join(bin, applet));
    const result = await m.run([], { PATH: bin });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(await versionOf(join(m.prefix, "openclaw"))).toStartWith(`openclaw ${V1} `);
    expect(await readdir(m.tmp)).toEqual([]);
  });

  test("the served release is the newest one added", async () => {
    // Guards the fixture itself: latest moves with each release, which the upgrade test relies on.
    const dir = await fakeReleaseDir([V1]);
    await addFakeRelease(dir, V2, ["linux-x64"]);
    expect((await readFile(join(dir, "latest"), "utf8")).trim()).toBe(V2);
    await rm(dir, { recursive: true, force: true });
  });
});
