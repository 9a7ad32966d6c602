/** The file log: JSON lines into one file per day, and only its own old daily files pruned. */
import { afterAll, expect, test } from "bun:test";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FileSink, localDate } from "../../src/log/file-sink.ts";
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
  const day1 = new Date(2026, 0, 1, 23, 59).getTime();
  sink.write("a", day1);
  sink.write("b", day1 + 2 * 60_000);
  await sink.close();
  expect(await readFile(join(dir, "rollover-2026-01-01.log"), "utf8")).toBe("a\n");
  expect(await readFile(join(dir, "rollover-2026-01-02.log"), "utf8")).toBe("b\n");
});
