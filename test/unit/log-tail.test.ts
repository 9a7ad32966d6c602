/** logs.tail slicing: whole lines only, cursors that continue exactly, resets after rotation, limits. */
import { afterAll, expect, test } from "bun:test";
import { appendFile, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { tailLog } from "../../src/core/log-tail.ts";

const dir = await mkdtemp(join(tmpdir(), "openclaw-tail-"));
afterAll(() => rm(dir, { recursive: true, force: true }));
const file = join(dir, "log.jsonl");

test("no cursor: the last lines; a cursor continues exactly where the last call stopped", async () => {
  await writeFile(file, "a\nb\nc\n");
  const first = await tailLog(file, {});
  expect(first).toEqual({ file, cursor: 6, size: 6, lines: ["a", "b", "c"] });
  await appendFile(file, "d\npart");
  const second = await tailLog(file, { cursor: first.cursor });
  expect(second).toEqual({ file, cursor: 8, size: 12, lines: ["d"] });
  await appendFile(file, "ial\n");
  expect((await tailLog(file, { cursor: second.cursor })).lines).toEqual(["partial"]);
});

test("maxBytes without a cursor starts at a whole line and says it truncated", async () => {
  await writeFile(file, "0123456789\nabc\ndef\n");
  expect(await tailLog(file, { maxBytes: 9 })).toEqual({ file, cursor: 19, size: 19, lines: ["abc", "def"], truncated: true });
});

test("a cursor past the end (rotation) or too far behind resets", async () => {
  await writeFile(file, "x\ny\n");
  expect(await tailLog(file, { cursor: 100 })).toEqual({ file, cursor: 4, size: 4, lines: ["x", "y"], reset: true });
  await writeFile(file, "1\n".repeat(100));
  const behind = await tailLog(file, { cursor: 0, maxBytes: 10 });
  expect(behind.reset).toBe(true);
  // 10 bytes back from the end is exactly the start of a line: all five lines are whole.
  expect(behind.lines.length).toBe(5);
});

test("a window that starts mid-line drops only the partial line", async () => {
  await writeFile(file, "first line\nsecond\n");
  expect((await tailLog(file, { maxBytes: 10 })).lines).toEqual(["second"]);
  expect((await tailLog(file, { maxBytes: 7 })).lines).toEqual(["second"]);
  expect((await tailLog(file, { maxBytes: 6 })).lines).toEqual([]);
});

test("limit keeps the newest lines", async () => {
  await writeFile(file, "1\n2\n3\n4\n");
  expect(await tailLog(file, { limit: 2 })).toEqual({ file, cursor: 8, size: 8, lines: ["3", "4"], truncated: true });
});

test("a missing file is empty, not an error", async () => {
  expect(await tailLog(join(dir, "nope.log"), {})).toEqual({ file: join(dir, "nope.log"), cursor: 0, size: 0, lines: [] });
});
