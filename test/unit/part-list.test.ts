/** Parts start in order and stop in reverse; an optional part's failure is reported, a required one's fails the start. */
import { expect, test } from "bun:test";
import type { Part, PartStatus } from "../../src/core/part.ts";
import { PartList } from "../../src/core/part-list.ts";
import { createLogging } from "../../src/log/logger.ts";
import { Redactor } from "../../src/log/redact.ts";

function logger() {
  const lines: string[] = [];
  const root = createLogging({ consoleLevel: "trace", fileLevel: "silent", file: null, redactor: new Redactor(), stdout: (l) => lines.push(l), stderr: (l) => lines.push(l) }).root;
  return { root, lines };
}

function part(name: string, journal: string[], options: { fail?: string; optional?: boolean } = {}): Part & { signal: AbortSignal | null } {
  let running = false;
  return {
    name,
    optional: options.optional,
    signal: null,
    start(ctx) {
      this.signal = ctx.signal;
      journal.push(`start ${name}`);
      if (options.fail) throw new Error(options.fail);
      running = true;
    },
    stop() {
      journal.push(`stop ${name}`);
      running = false;
    },
    status(): PartStatus {
      return { state: running ? "running" : "stopped" };
    },
  };
}

test("start in order, stop in reverse, abort each part's signal, report states", async () => {
  const journal: string[] = [];
  const a = part("a", journal);
  const b = part("b", journal);
  const list = new PartList([a, b], logger().root);
  expect(list.snapshot()).toEqual({ a: { state: "stopped" }, b: { state: "stopped" } });
  expect(list.ready).toBe(false);
  await list.startAll();
  expect(list.snapshot()).toEqual({ a: { state: "running" }, b: { state: "running" } });
  expect(list.ready).toBe(true);
  await list.stopAll();
  expect(journal).toEqual(["start a", "start b", "stop b", "stop a"]);
  expect(a.signal?.aborted).toBe(true);
  expect(list.snapshot()).toEqual({ a: { state: "stopped" }, b: { state: "stopped" } });
});

test("an optional part that fails is marked failed with its reason and the rest start", async () => {
  const journal: string[] = [];
  const log = logger();
  const list = new PartList([part("a", journal), part("canvas", journal, { fail: "port 18793 is busy", optional: true }), part("c", journal)], log.root);
  await list.startAll();
  expect(list.snapshot()).toEqual({ a: { state: "running" }, canvas: { state: "failed", detail: "port 18793 is busy" }, c: { state: "running" } });
  expect(list.ready).toBe(true);
  expect(log.lines.some((l) => l.includes("canvas not started: port 18793 is busy"))).toBe(true);
  await list.stopAll();
  // The failed part never ran, so it is not stopped.
  expect(journal).toEqual(["start a", "start canvas", "start c", "stop c", "stop a"]);
});

test("a required part that fails stops the ones already started and fails the start", async () => {
  const journal: string[] = [];
  const list = new PartList([part("a", journal), part("b", journal, { fail: "no" }), part("c", journal)], logger().root);
  await expect(list.startAll()).rejects.toThrow("no");
  expect(journal).toEqual(["start a", "start b", "stop a"]);
});

test("two parts with one name are refused", () => {
  expect(() => new PartList([part("x", []), part("x", [])], logger().root)).toThrow("two parts named x");
});
