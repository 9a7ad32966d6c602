/**
 * `openclaw update` in-process (src/update/run-update.ts) with the shell-script releases of
 * fake-release.ts served on 127.0.0.1:0: upgrade, check, every refusal changing nothing,
 * rollback; the service restart through the fake systemctl of
 * test/cli/service-linux.test.ts. update-binary.test.ts runs the real compiled CLI.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadOptions } from "../../src/config/load.ts";
import { applyUpdate, checkUpdate, rollbackUpdate, type UpdateSubject } from "../../src/update/run-update.ts";
import { restartInstalledService } from "../../src/update/service-restart.ts";
import { UpdateError } from "../../src/update/update-error.ts";
import { runCli } from "../helpers/cli.ts";
import { startReleaseServer, type ReleaseServer } from "../helpers/release-server.ts";
import { addFakeRelease, fakeBinary, fakeReleaseDir } from "./fake-release.ts";
import { snapshot, versionOf } from "./install-run.ts";

const V1 = "0.1.0-test.1";
const V2 = "0.1.0-test.2";
const TARGET = "linux-x64";
let out: string;
let server: ReleaseServer;
const dirs: string[] = [];

beforeAll(async () => {
  out = await fakeReleaseDir([V1, V2]);
  server = startReleaseServer(out);
});
afterAll(async () => {
  server.stop();
  await Promise.all([out, ...dirs].map((d) => rm(d, { recursive: true, force: true })));
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "openclaw-update-test-"));
  dirs.push(dir);
  return dir;
}

/** A self-managed install of `version`: `<dir>/bin/openclaw`. */
async function installed(version = V1): Promise<{ bin: string; dir: string; subject: UpdateSubject }> {
  const dir = join(await tempDir(), "bin");
  await mkdir(dir);
  const bin = join(dir, "openclaw");
  await writeFile(bin, fakeBinary(version, TARGET));
  await chmod(bin, 0o755);
  return { bin, dir, subject: { execPath: bin, version, target: TARGET, base: server.base } };
}

const archivePath = (v: string) => `${v}/openclaw-${v}-${TARGET}.tar.gz`;

async function refusedUnchanged(dir: string, work: () => Promise<unknown>, message: RegExp | string): Promise<void> {
  const before = await snapshot(dir);
  const error = await work().then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(UpdateError);
  if (typeof message === "string") expect((error as Error).message).toContain(message);
  else expect((error as Error).message).toMatch(message);
  // Same files, same bytes, and no leftover temp dir next to the binary.
  expect(await snapshot(dir)).toEqual(before);
}

describe("update: check and upgrade", () => {
  test("--check reports an update, up to date, ahead of latest, and a pinned version", async () => {
    const { subject } = await installed(V1);
    expect(await checkUpdate(subject)).toMatchObject({ current: V1, available: V2, pinned: false, updateAvailable: true, aheadOfLatest: false, target: TARGET });
    expect(await checkUpdate({ ...subject, version: V2 })).toMatchObject({ updateAvailable: false, aheadOfLatest: false });
    expect(await checkUpdate({ ...subject, version: "0.2.0" })).toMatchObject({ updateAvailable: false, aheadOfLatest: true });
    expect(await checkUpdate({ ...subject, version: V2 }, V1)).toMatchObject({ available: V1, pinned: true, updateAvailable: true });
  });

  test("upgrade replaces the binary, keeps the old one as .previous, leaves no temp files", async () => {
    const { bin, dir, subject } = await installed(V1);
    const requests = server.requests(archivePath(V2));
    const report = await applyUpdate(subject);
    expect(report).toMatchObject({ changed: true, current: V1, available: V2, binary: bin, previous: `${bin}.previous` });
    expect(await versionOf(bin)).toStartWith(`openclaw ${V2} `);
    expect(await versionOf(`${bin}.previous`)).toStartWith(`openclaw ${V1} `);
    expect((await readdir(dir)).sort()).toEqual(["openclaw", "openclaw.previous"]);
    expect(server.requests(archivePath(V2))).toBe(requests + 1);
  });

  test("work dirs of a killed update are removed; a recent one (another update running) is kept", async () => {
    const { dir, subject } = await installed(V1);
    const stale = join(dir, ".openclaw-update-stale");
    const recent = join(dir, ".openclaw-update-recent");
    await mkdir(join(stale, "x"), { recursive: true });
    await mkdir(recent);
    const dayAgo = new Date(Date.now() - 24 * 3600_000);
    await utimes(stale, dayAgo, dayAgo);
    await applyUpdate(subject);
    expect((await readdir(dir)).sort()).toEqual([".openclaw-update-recent", "openclaw", "openclaw.previous"]);
  });

  test("--version pins a release, also an older one", async () => {
    const { bin, subject } = await installed(V2);
    expect(await applyUpdate(subject, V1)).toMatchObject({ changed: true, pinned: true, available: V1 });
    expect(await versionOf(bin)).toStartWith(`openclaw ${V1} `);
    expect(await applyUpdate({ ...subject, version: V1 }, V1)).toMatchObject({ changed: false });
    await refusedUnchanged(join(bin, ".."), () => applyUpdate({ ...subject, version: V1 }, "9.9.9"), `${server.base}/9.9.9/manifest.json answered HTTP 404 (not published?)`);
  });

  test("up to date: nothing downloaded, nothing changed", async () => {
    const { dir, subject } = await installed(V2);
    const before = await snapshot(dir);
    const requests = server.requests(archivePath(V2));
    expect(await applyUpdate(subject)).toMatchObject({ changed: false, updateAvailable: false });
    expect(server.requests(archivePath(V2))).toBe(requests);
    expect(await snapshot(dir)).toEqual(before);
  });

  test("rollback swaps back, and again forward; without a previous binary it refuses", async () => {
    const { bin, subject } = await installed(V1);
    await refusedUnchanged(join(bin, ".."), () => rollbackUpdate(subject), "there is no previous binary to roll back to");
    await applyUpdate(subject);
    expect((await rollbackUpdate(subject)).now).toStartWith(`openclaw ${V1} `);
    expect(await versionOf(bin)).toStartWith(`openclaw ${V1} `);
    expect(await versionOf(`${bin}.previous`)).toStartWith(`openclaw ${V2} `);
    expect((await rollbackUpdate(subject)).now).toStartWith(`openclaw ${V2} `);
    expect((await readdir(join(bin, ".."))).sort()).toEqual(["openclaw", "openclaw.previous"]);
  });
});

describe("update: a failure changes nothing", () => {
  test("bad checksum", async () => {
    const { dir, subject } = await installed(V1);
    server.corrupt(archivePath(V2));
    try {
      await refusedUnchanged(dir, () => applyUpdate(subject), /^checksum mismatch for http:\/\/127\.0\.0\.1:\d+\/0\.1\.0-test\.2\/openclaw-0\.1\.0-test\.2-linux-x64\.tar\.gz: expected sha256 [0-9a-f]{64}, got [0-9a-f]{64}; refused, nothing changed$/);
    } finally {
      server.restore(archivePath(V2));
    }
  });

  test("404 on the archive, the manifest, latest; an unreachable base; an unknown target", async () => {
    const { dir, subject } = await installed(V1);
    for (const path of [archivePath(V2), `${V2}/manifest.json`, "latest"]) {
      server.missing(path);
      await refusedUnchanged(dir, () => applyUpdate(subject), `${server.base}/${path} answered HTTP 404 (not published?)`).finally(() => server.restore(path));
    }
    await refusedUnchanged(dir, () => applyUpdate({ ...subject, base: "http://127.0.0.1:0" }), "cannot reach http://127.0.0.1:0/latest");
    await refusedUnchanged(dir, () => applyUpdate({ ...subject, target: "windows-x64" }), `release ${V2} has no windows-x64 build (it has: linux-x64, linux-x64-baseline, linux-arm64, darwin-x64, darwin-arm64)`);
  });

  test("a size that disagrees with the manifest, and a binary that does not run", async () => {
    const dir = await fakeReleaseDir([V1]);
    dirs.push(dir);
    const { manifest } = await addFakeRelease(dir, V2, [TARGET]);
    using bad = startReleaseServer(dir);
    const { bin, subject } = await installed(V1);
    const manifestFile = join(dir, V2, "manifest.json");
    const artefact = manifest.artefacts[0]!;
    await writeFile(manifestFile, JSON.stringify({ ...manifest, artefacts: [{ ...artefact, size: artefact.size + 1 }] }));
    await refusedUnchanged(join(bin, ".."), () => applyUpdate({ ...subject, base: bad.base }), `got ${artefact.size} bytes, the manifest says ${artefact.size + 1}; refused`);
    await writeFile(manifestFile, JSON.stringify({ ...manifest, artefacts: [{ ...artefact, size: artefact.size - 1 }] }));
    await refusedUnchanged(join(bin, ".."), () => applyUpdate({ ...subject, base: bad.base }), `is larger than the ${artefact.size - 1} bytes the manifest gives; refused`);

    // A well-formed, correctly hashed archive whose binary fails on this machine.
    const stage = join(dir, "stage");
    await mkdir(stage);
    await writeFile(join(stage, "openclaw"), "#!/bin/sh\necho 'cannot execute binary file: Exec format error' >&2\nexit 126\n");
    await chmod(join(stage, "openclaw"), 0o755);
    const archive = join(dir, V2, artefact.file);
    expect(Bun.spawnSync(["tar", "-czf", archive, "-C", stage, "openclaw"]).exitCode).toBe(0);
    const bytes = await readFile(archive);
    const sha256 = new Bun.CryptoHasher("sha256").update(bytes).digest("hex");
    await writeFile(manifestFile, JSON.stringify({ ...manifest, artefacts: [{ ...artefact, size: bytes.length, sha256 }] }));
    await refusedUnchanged(join(bin, ".."), () => applyUpdate({ ...subject, base: bad.base }), "the downloaded openclaw does not run on this machine (exit 126: cannot execute binary file: Exec format error); nothing changed");
    await writeFile(manifestFile, "{ not json");
    await refusedUnchanged(join(bin, ".."), () => applyUpdate({ ...subject, base: bad.base }), "manifest.json is not JSON");
  });

  test("a directory the user cannot write: a clear error", async () => {
    if (process.getuid?.() === 0) {
      // root writes anywhere; the mode check cannot be shown here, so the error path is driven directly.
      const { subject } = await installed(V1);
      await refusedUnchanged(join(subject.execPath, ".."), () => applyUpdate({ ...subject, execPath: "/proc/openclaw" }), "cannot write next to /proc/openclaw");
      return;
    }
    const { dir, subject } = await installed(V1);
    await chmod(dir, 0o555);
    await refusedUnchanged(dir, () => applyUpdate(subject), "cannot write next to").finally(() => chmod(dir, 0o755));
  });
});

describe("service restart after an update", () => {
  /** The fake systemctl/loginctl of test/cli/service-linux.test.ts: log their argv. */
  async function machine(systemctlBody = "exit 0") {
    const home = await tempDir();
    const bin = join(home, "bin");
    await mkdir(bin);
    const log = join(home, "calls.log");
    await writeFile(join(bin, "systemctl"), `#!/bin/sh\necho "systemctl $*" >> "${log}"\n${systemctlBody}\n`);
    await chmod(join(bin, "systemctl"), 0o755);
    const options = await loadOptions({ env: { HOME: home, OPENCLAW_HOME: home, USER: "alice", PATH: `${bin}:/usr/bin:/bin` } });
    const calls = async () => (await readFile(log, "utf8").catch(() => "")).split("\n").filter(Boolean);
    const unit = join(home, ".config", "systemd", "user", "openclaw-gateway.service");
    return { options, calls, unit };
  }

  test.skipIf(process.platform !== "linux")("an installed unit is restarted (queued); without one nothing is called", async () => {
    const m = await machine();
    expect(await restartInstalledService(m.options)).toEqual({ outcome: "none" });
    expect(await m.calls()).toEqual([]);
    await mkdir(join(m.unit, ".."), { recursive: true });
    await writeFile(m.unit, "[Unit]\n");
    expect(await restartInstalledService(m.options)).toEqual({ outcome: "restarted", name: "openclaw-gateway.service" });
    expect(await m.calls()).toEqual(["systemctl --user restart --no-block openclaw-gateway.service"]);
  });

  test.skipIf(process.platform !== "linux")("a failing restart is reported, not thrown (the binary is already replaced)", async () => {
    const m = await machine(`echo "Unit openclaw-gateway.service is masked." >&2; exit 1`);
    await mkdir(join(m.unit, ".."), { recursive: true });
    await writeFile(m.unit, "[Unit]\n");
    const result = await restartInstalledService(m.options);
    expect(result).toMatchObject({ outcome: "failed", name: "openclaw-gateway.service" });
    expect((result as { error: string }).error).toContain("Unit openclaw-gateway.service is masked.");
  });
});

describe("openclaw update from source", () => {
  test("is refused with a clear message, --check too", async () => {
    const home = await tempDir();
    const requests = server.requests();
    for (const args of [["update"], ["update", "--check"], ["update", "--rollback"]]) {
      const result = await runCli(args, { home, env: { OPENCLAW_INSTALL_BASE: server.base } });
      expect(result.code).toBe(1);
      expect(result.stderr).toStartWith("error: this openclaw runs from source (");
      expect(result.stderr).toContain("update the checkout with git instead");
    }
    // Refused before any request: the release server saw nothing.
    expect(server.requests()).toBe(requests);
  });

  test("appears in the help", async () => {
    const result = await runCli(["--help"], { home: await tempDir() });
    expect(result.stdout).toMatch(/update\s+Replace this openclaw/);
  });
});
