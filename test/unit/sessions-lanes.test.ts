/**
 * SessionLanes: one task at a time per session, FIFO; at most maxConcurrent across sessions.
 * Tasks block on barriers the test opens, and the order of starts and ends is recorded, so
 * "B did not start before A ended" is read off the log rather than guessed from a delay.
 */
import { expect, test } from "bun:test";
import { DEFAULT_MAX_CONCURRENT, SessionLanes } from "../../src/agent/sessions/session-lanes.ts";

/** A task that logs its start, waits for `open()`, logs its end and returns its name. */
function gate(log: string[], name: string) {
  const barrier = Promise.withResolvers<void>();
  const started = Promise.withResolvers<void>();
  return {
    open: () => barrier.resolve(),
    fail: (error: Error) => barrier.reject(error),
    started: started.promise,
    task: async () => {
      log.push(`start ${name}`);
      started.resolve();
      await barrier.promise;
      log.push(`end ${name}`);
      return name;
    },
  };
}

test("one session runs its tasks one at a time, in arrival order", async () => {
  const lanes = new SessionLanes();
  const log: string[] = [];
  const [a, b, c] = [gate(log, "a"), gate(log, "b"), gate(log, "c")];
  const runs = [lanes.run("s", a.task), lanes.run("s", b.task), lanes.run("s", c.task)];
  expect(lanes.counts()).toEqual({ running: 1, queued: 2, sessions: 1 });
  expect(lanes.busy("s")).toBe(true);
  await a.started;
  c.open(); // opening a later barrier first changes nothing: c waits behind b
  b.open();
  a.open();
  expect(await Promise.all(runs)).toEqual(["a", "b", "c"]);
  expect(log).toEqual(["start a", "end a", "start b", "end b", "start c", "end c"]);
  expect(lanes.counts()).toEqual({ running: 0, queued: 0, sessions: 0 });
  expect(lanes.busy("s")).toBe(false);
});

test("different sessions run side by side", async () => {
  const lanes = new SessionLanes({ maxConcurrent: 2 });
  const log: string[] = [];
  const [a, b] = [gate(log, "a"), gate(log, "b")];
  const runs = [lanes.run("s1", a.task), lanes.run("s2", b.task)];
  await Promise.all([a.started, b.started]);
  expect(lanes.counts()).toEqual({ running: 2, queued: 0, sessions: 2 });
  b.open();
  expect(await runs[1]).toBe("b");
  a.open();
  expect(await runs[0]).toBe("a");
  expect(log).toEqual(["start a", "start b", "end b", "end a"]);
});

test("at most maxConcurrent run across sessions; waiting ones start in arrival order", async () => {
  const lanes = new SessionLanes({ maxConcurrent: 3 });
  const log: string[] = [];
  const gates = Array.from({ length: 8 }, (_, i) => gate(log, `t${i}`));
  let active = 0;
  let peak = 0;
  const runs = gates.map((g, i) =>
    lanes.run(`session-${i}`, async () => {
      peak = Math.max(peak, ++active);
      try {
        return await g.task();
      } finally {
        active--;
      }
    }),
  );
  expect(lanes.counts()).toEqual({ running: 3, queued: 5, sessions: 8 });
  // Release in reverse of start order as slots allow; every release lets exactly one more in.
  for (let i = 0; i < gates.length; i++) {
    await gates[i]!.started;
    gates[i]!.open();
  }
  await Promise.all(runs);
  expect(peak).toBe(3);
  const starts = log.filter((line) => line.startsWith("start")).map((line) => line.slice(6));
  expect(starts).toEqual(gates.map((_, i) => `t${i}`));
  // t3 could only start once one of the first three had ended.
  expect(log.indexOf("start t3")).toBeGreaterThan(log.indexOf("end t0"));
});

test("a session's next task queues behind work of other sessions that was already waiting", async () => {
  const lanes = new SessionLanes({ maxConcurrent: 1 });
  const log: string[] = [];
  const [a1, b1, a2] = [gate(log, "a1"), gate(log, "b1"), gate(log, "a2")];
  const runs = [lanes.run("a", a1.task), lanes.run("b", b1.task), lanes.run("a", a2.task)];
  a2.open();
  b1.open();
  await a1.started;
  a1.open();
  await Promise.all(runs);
  expect(log).toEqual(["start a1", "end a1", "start b1", "end b1", "start a2", "end a2"]);
});

test("a task that throws (or rejects) fails only its own run; the lane goes on", async () => {
  const lanes = new SessionLanes({ maxConcurrent: 1 });
  const log: string[] = [];
  const sync = lanes.run("s", () => {
    throw new Error("sync boom");
  });
  const failing = gate(log, "async");
  const rejected = lanes.run("s", failing.task);
  const after = lanes.run("s", () => "still runs");
  await expect(sync).rejects.toThrow("sync boom");
  await failing.started;
  failing.fail(new Error("async boom"));
  await expect(rejected).rejects.toThrow("async boom");
  expect(await after).toBe("still runs");
  expect(lanes.counts()).toEqual({ running: 0, queued: 0, sessions: 0 });
});

test("aborting a waiting task removes it; aborting a running one is the task's business", async () => {
  const lanes = new SessionLanes({ maxConcurrent: 1 });
  const log: string[] = [];
  const [a, b, c] = [gate(log, "a"), gate(log, "b"), gate(log, "c")];
  const other = gate(log, "other");
  const aborts = { a: new AbortController(), b: new AbortController(), other: new AbortController() };
  const runA = lanes.run("s", a.task, { signal: aborts.a.signal });
  const runB = lanes.run("s", b.task, { signal: aborts.b.signal });
  const runC = lanes.run("s", c.task);
  // Waiting for the single slot, at the head of its own lane.
  const runOther = lanes.run("t", other.task, { signal: aborts.other.signal });
  await a.started;
  expect(lanes.counts()).toEqual({ running: 1, queued: 3, sessions: 2 });

  aborts.b.abort(new Error("b cancelled"));
  await expect(runB).rejects.toThrow("b cancelled");
  aborts.other.abort(new Error("other cancelled"));
  await expect(runOther).rejects.toThrow("other cancelled");
  expect(lanes.counts()).toEqual({ running: 1, queued: 1, sessions: 1 });

  aborts.a.abort(new Error("too late"));
  c.open();
  a.open();
  expect(await runA).toBe("a");
  expect(await runC).toBe("c");
  expect(log).toEqual(["start a", "end a", "start c", "end c"]);

  const aborted = new AbortController();
  aborted.abort(new Error("before"));
  await expect(lanes.run("s", () => "never", { signal: aborted.signal })).rejects.toThrow("before");
  expect(lanes.counts()).toEqual({ running: 0, queued: 0, sessions: 0 });
});

test("raising maxConcurrent starts waiting tasks at once; bad values are refused", async () => {
  const lanes = new SessionLanes({ maxConcurrent: 1 });
  expect(new SessionLanes().maxConcurrent).toBe(DEFAULT_MAX_CONCURRENT);
  expect(DEFAULT_MAX_CONCURRENT).toBe(4);
  const log: string[] = [];
  const [a, b] = [gate(log, "a"), gate(log, "b")];
  const runs = [lanes.run("s1", a.task), lanes.run("s2", b.task)];
  expect(lanes.counts()).toEqual({ running: 1, queued: 1, sessions: 2 });
  lanes.maxConcurrent = 2;
  expect(lanes.counts()).toEqual({ running: 2, queued: 0, sessions: 2 });
  await b.started;
  a.open();
  b.open();
  await Promise.all(runs);
  for (const bad of [0, -1, 1.5, Number.NaN]) {
    expect(() => new SessionLanes({ maxConcurrent: bad })).toThrow(RangeError);
    expect(() => (lanes.maxConcurrent = bad)).toThrow(RangeError);
  }
});
