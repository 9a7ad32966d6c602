/**
 * install.sh's target detection through fake uname/sysctl/ldd first on PATH (and a cpuinfo
 * file): Rosetta → darwin-arm64, no AVX2 → linux-x64-baseline, aarch64 → linux-arm64, musl and
 * unknown systems refused. Each fake target's "binary" prints its target, so the test reads
 * back exactly which archive was installed.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { startReleaseServer, type ReleaseServer } from "../helpers/release-server.ts";
import { fakeReleaseDir } from "./fake-release.ts";
import { machine, removeMachines, snapshot, versionOf } from "./install-run.ts";

let out: string;
let server: ReleaseServer;

beforeAll(async () => {
  out = await fakeReleaseDir(["0.1.0-test.1"]);
  server = startReleaseServer(out);
});
afterAll(async () => {
  server.stop();
  await removeMachines();
  await rm(out, { recursive: true, force: true });
});

describe("target detection", () => {
  const uname = (s: string, mach: string) => `case "$1" in -s) echo ${s} ;; -m) echo ${mach} ;; *) echo ${s} ;; esac`;
  const targetOf = async (m: Awaited<ReturnType<typeof machine>>) => (await versionOf(join(m.prefix, "openclaw"))).replace(/^.*, /, "").replace(/\)$/, "");

  test("Rosetta on Apple silicon → darwin-arm64; a plain Intel Mac → darwin-x64", async () => {
    const m = await machine(server.base);
    await m.fake("uname", uname("Darwin", "x86_64"));
    await m.fake("sysctl", `[ "$2" = sysctl.proc_translated ] && echo 1`);
    expect((await m.run(["-q"])).code).toBe(0);
    expect(await targetOf(m)).toBe("darwin-arm64");
    await m.fake("sysctl", `exit 1`);
    expect((await m.run(["-q"])).code).toBe(0);
    expect(await targetOf(m)).toBe("darwin-x64");
  });

  test("linux x86_64 without AVX2 → linux-x64-baseline; aarch64 → linux-arm64", async () => {
    const m = await machine(server.base);
    const cpuinfo = join(m.home, "cpuinfo");
    await writeFile(cpuinfo, "processor\t: 0\nflags\t\t: fpu sse sse2 ssse3 sse4_1 sse4_2 avx\n");
    expect((await m.run(["-q"], { OPENCLAW_INSTALL_CPUINFO: cpuinfo })).code).toBe(0);
    expect(await targetOf(m)).toBe("linux-x64-baseline");
    await writeFile(cpuinfo, "processor\t: 0\nflags\t\t: fpu sse avx avx2 bmi2\n");
    expect((await m.run(["-q"], { OPENCLAW_INSTALL_CPUINFO: cpuinfo })).code).toBe(0);
    expect(await targetOf(m)).toBe("linux-x64");
    await m.fake("uname", uname("Linux", "aarch64"));
    expect((await m.run(["-q"])).code).toBe(0);
    expect(await targetOf(m)).toBe("linux-arm64");
  });

  test("musl, an unknown OS or CPU: a clear error and nothing installed", async () => {
    const m = await machine(server.base);
    await m.fake("ldd", `echo "musl libc (x86_64)" >&2; exit 1`);
    const musl = await m.run([]);
    expect(musl.code).toBe(1);
    expect(musl.stderr).toStartWith("error: this Linux uses musl libc (e.g. Alpine)");
    await rm(join(m.fakeBin, "ldd"));
    await m.fake("uname", uname("FreeBSD", "amd64"));
    expect((await m.run([])).stderr).toBe("error: no openclaw build for FreeBSD; see the README for building from source\n");
    await m.fake("uname", uname("Linux", "riscv64"));
    expect((await m.run([])).stderr).toBe("error: no openclaw build for the riscv64 CPU on linux (there are x64 and arm64 builds)\n");
    expect(await snapshot(m.prefix)).toEqual({});
    expect(server.log().filter((p) => p.includes("riscv") || p.includes("FreeBSD"))).toEqual([]);
  });
});
