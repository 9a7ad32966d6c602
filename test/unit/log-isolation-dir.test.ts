/**
 * Which dirs may hold our log files: the shared `/tmp/openclaw` default must be a real
 * directory owned by this user and writable by nobody else, else the per-user fallback is used.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { chmod, chown, lstat, mkdir, mkdtemp, rm, stat, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { logDirProblem, prepareLogDir, type DirFacts } from "../../src/log/log-dir.ts";

const root = await mkdtemp(join(tmpdir(), "openclaw-logdir-"));
afterAll(() => rm(root, { recursive: true, force: true }));
const isRoot = process.getuid?.() === 0;
const me = process.getuid?.() ?? 1000;

const facts = (over: Partial<{ dir: boolean; link: boolean; uid: number; mode: number }> = {}): DirFacts => ({
  isDirectory: () => over.dir ?? true,
  isSymbolicLink: () => over.link ?? false,
  uid: over.uid ?? 1000,
  mode: over.mode ?? 0o40700,
});

describe("logDirProblem", () => {
  test("our own private directory is fine, also when others may read it", () => {
    expect(logDirProblem("/tmp/openclaw", facts(), 1000)).toBeNull();
    expect(logDirProblem("/tmp/openclaw", facts({ mode: 0o40755 }), 1000)).toBeNull();
  });

  test("another user's dir, a symlink, a file and a dir others can write are refused, each saying why", () => {
    expect(logDirProblem("/tmp/openclaw", facts({ uid: 1001 }), 1000)).toBe("/tmp/openclaw belongs to uid 1001, not to this user (uid 1000)");
    expect(logDirProblem("/tmp/openclaw", facts({ link: true, dir: false }), 1000)).toBe("/tmp/openclaw is a symlink");
    expect(logDirProblem("/tmp/openclaw", facts({ dir: false }), 1000)).toBe("/tmp/openclaw is not a directory");
    expect(logDirProblem("/tmp/openclaw", facts({ mode: 0o41777 }), 1000)).toBe("/tmp/openclaw is writable by other users (mode 0777)");
    expect(logDirProblem("/tmp/openclaw", facts({ mode: 0o40770 }), 1000)).toBe("/tmp/openclaw is writable by other users (mode 0770)");
    // root is no exception: a dir of another uid would still mix users' logs.
    expect(logDirProblem("/tmp/openclaw", facts({ uid: 1000 }), 0)).toContain("belongs to uid 1000");
  });

  test("without uids (Windows) only the type is checked", () => {
    expect(logDirProblem("C:\\tmp\\openclaw", facts({ uid: 0, mode: 0o40777 }), null)).toBeNull();
    expect(logDirProblem("C:\\tmp\\openclaw", facts({ link: true }), null)).toBe("C:\\tmp\\openclaw is a symlink");
  });
});

describe("prepareLogDir", () => {
  test("creates a missing dir and its parents with mode 0700", async () => {
    const dir = join(root, "made", "logs");
    expect(prepareLogDir(dir, true, me)).toBeNull();
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    expect((await stat(join(root, "made"))).mode & 0o777).toBe(0o700);
    expect(logDirProblem(dir, await lstat(dir), me)).toBeNull();
  });

  test("refuses a symlink, a file and a world-writable dir when verifying", async () => {
    const real = join(root, "real");
    await mkdir(real, { mode: 0o700 });
    await symlink(real, join(root, "link"));
    expect(prepareLogDir(join(root, "link"), true, me)).toBe(`${join(root, "link")} is a symlink`);
    await writeFile(join(root, "file"), "x");
    expect(prepareLogDir(join(root, "file"), true, me)).toBe(`${join(root, "file")} is not a directory`);
    await mkdir(join(root, "open"));
    await chmod(join(root, "open"), 0o777);
    expect(prepareLogDir(join(root, "open"), true, me)).toContain("is writable by other users (mode 0777)");
  });

  test("a dir the user named only has to be a writable directory, symlinks followed", async () => {
    await mkdir(join(root, "named"), { mode: 0o700 });
    await symlink(join(root, "named"), join(root, "named-link"));
    expect(prepareLogDir(join(root, "named-link"), false, me)).toBeNull();
    await writeFile(join(root, "named-file"), "x");
    expect(prepareLogDir(join(root, "named-file"), false, me)).toBe(`${join(root, "named-file")} is not a directory`);
  });

  test.skipIf(!isRoot)("a real dir chowned to another uid is refused (needs root to chown)", async () => {
    const theirs = join(root, "theirs");
    await mkdir(theirs, { mode: 0o700 });
    await chown(theirs, 65534, 65534);
    expect(prepareLogDir(theirs, true, 0)).toBe(`${theirs} belongs to uid 65534, not to this user (uid 0)`);
  });
});
