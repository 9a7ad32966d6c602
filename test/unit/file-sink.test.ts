/**
 * The file log: JSON lines into one file per day, only its own old daily files pruned, and
 * never into a dir that is not safely ours.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { chmod, chown, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FileSink, localDate, type FileSinkOptions } from "../../src/log/file-sink.ts";
import { eventually } from "../helpers/condition.ts";

const dir = await mkdtemp(join(tmpdir(), "openclaw-sink-"));
afterAll(() => rm(dir, { recursive: true, force: true }));
const DAY = 86_400_000;

test("daily files by local date; files of this prefix older than the retention are removed, others stay", async () => {
  const now = Date.now();
  const old = `openclaw-work-${localDate(now - 10 * DAY)}.log`;
  const recent = `openclaw-work-${localDate(now - 2 * DAY)}.log`;
  const otherProfile = `openclaw-home-${localDate(now - 10 * DAY)}.log`;
  for (const name of [old, recent, otherProfile, "notes.txt"]) await writeFile(join(dir, name), "x\n");
  const sink = new FileSink({ dir, prefix: "openclaw-work", fallbackDir: dir, fixedFile: null, retentionDays: 7 });
  sink.write('{"message":"today"}', now);
  await sink.close();
  const today = `openclaw-work-${localDate(now)}.log`;
  expect(await readFile(join(dir, today), "utf8")).toBe('{"message":"today"}\n');
  await eventually("the old file to be pruned", async () => ((await readdir(dir)).includes(old) ? undefined : true));
  expect((await readdir(dir)).sort()).toEqual([otherProfile, recent, today, "notes.txt"].sort());
});

test("a day change moves to the next file", async () => {
  const sink = new FileSink({ dir, prefix: "rollover", fallbackDir: dir, fixedFile: null });
  // Today's last minute, so retention (counted from the real clock) never prunes these files.
  const today = new Date();
  const day1 = new Date(today.getFullYear(), today.getMonth(), today.getDate(), 23, 59).getTime();
  sink.write("a", day1);
  sink.write("b", day1 + 2 * 60_000);
  await sink.close();
  expect(await readFile(join(dir, `rollover-${localDate(day1)}.log`), "utf8")).toBe("a\n");
  expect(await readFile(join(dir, `rollover-${localDate(day1 + 2 * 60_000)}.log`), "utf8")).toBe("b\n");
  expect(localDate(day1)).not.toBe(localDate(day1 + 2 * 60_000));
});

describe("a default dir that is not safely ours", () => {
  const today = (prefix: string) => `${prefix}-${localDate(Date.now())}.log`;
  const sinkIn = async (name: string, extra: Partial<FileSinkOptions> = {}) => {
    const base = join(dir, name);
    await mkdir(base, { mode: 0o700 });
    const warnings: string[] = [];
    const errors: Error[] = [];
    const options: FileSinkOptions = {
      dir: join(base, "shared"),
      prefix: "openclaw-x",
      fixedFile: null,
      fallbackDir: join(base, "per-uid"),
      onWarning: (message) => warnings.push(message),
      onError: (error) => errors.push(error),
      ...extra,
    };
    return { base, options, warnings, errors };
  };
  const writeOne = async (options: FileSinkOptions) => {
    const sink = new FileSink(options);
    sink.write('{"message":"hello"}');
    const path = sink.path;
    await sink.close();
    return path;
  };

  test("creates the dir with mode 0700 when missing and logs there", async () => {
    const { options, warnings } = await sinkIn("fresh");
    expect(await writeOne(options)).toBe(join(options.dir, today("openclaw-x")));
    expect((await stat(options.dir)).mode & 0o777).toBe(0o700);
    expect(warnings).toEqual([]);
  });

  test("a symlink, a file or a world-writable dir in its place: the fallback too", async () => {
    for (const [name, plant] of [
      ["symlinked", async (at: string, base: string) => (await mkdir(join(base, "elsewhere")), symlink(join(base, "elsewhere"), at))],
      ["file", (at: string) => writeFile(at, "")],
      ["world-writable", async (at: string) => (await mkdir(at), chmod(at, 0o777))],
    ] as const) {
      const { base, options, warnings } = await sinkIn(name);
      await plant(options.dir, base);
      expect(await writeOne(options)).toBe(join(options.fallbackDir!, today("openclaw-x")));
      expect(warnings).toHaveLength(1);
      if (name === "symlinked") expect(await readdir(join(base, "elsewhere"))).toEqual([]);
    }
  });

  test("the path reported before the first line is the fallback one too", async () => {
    const { options } = await sinkIn("reported");
    await writeFile(options.dir, "");
    expect(new FileSink(options).pathFor(Date.now())).toBe(join(options.fallbackDir!, today("openclaw-x")));
  });

  test("an unsafe fallback is refused as well: file logging is then off, and nothing is written", async () => {
    const { base, options, errors } = await sinkIn("both-bad");
    await writeFile(options.dir, "");
    await writeFile(options.fallbackDir!, "");
    expect(await writeOne(options)).toBeNull();
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toBe(`cannot open a log file: ${options.dir} is not a directory; ${options.fallbackDir} is not a directory`);
    expect((await readdir(base)).sort()).toEqual(["per-uid", "shared"]);
  });

  test("without a fallback (OPENCLAW_LOG_DIR named the dir) nothing is written elsewhere", async () => {
    const { options, errors } = await sinkIn("named", { verifyDir: false, fallbackDir: null });
    await writeFile(options.dir, "");
    expect(await writeOne(options)).toBeNull();
    expect(errors[0]!.message).toBe(`cannot open a log file: ${options.dir} is not a directory`);
  });

  test.skipIf(process.getuid?.() !== 0)("another user's dir (chowned to uid 65534, needs root): logs go to the fallback, with a warning, and nothing into theirs", async () => {
    const { options, warnings } = await sinkIn("chowned");
    await mkdir(options.dir, { mode: 0o700 });
    await chown(options.dir, 65534, 65534);
    expect(await writeOne(options)).toBe(join(options.fallbackDir!, today("openclaw-x")));
    expect(await readdir(options.dir)).toEqual([]);
    expect(warnings[0]).toBe(`${options.dir} belongs to uid 65534, not to this user (uid 0); logging to ${options.fallbackDir} instead`);
    expect((await stat(options.fallbackDir!)).mode & 0o777).toBe(0o700);
  });
});
