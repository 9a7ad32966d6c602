/**
 * One queue per config file for the whole process: tasks on the same path run one after the
 * other, in the order they were queued. Process-wide on purpose, so the gateway's RPC writers
 * and CLI-side writers running in the same process (tests, `doctor`, start-up) share it and a
 * read-check-write sequence cannot interleave with another on the same file.
 */
import { resolve } from "node:path";

const tails = new Map<string, Promise<void>>();

/** Runs `task` once every task queued earlier for `path` has settled; its result is returned as is. */
export function runExclusive<T>(path: string, task: () => Promise<T>): Promise<T> {
  const key = resolve(path);
  const run = (tails.get(key) ?? Promise.resolve()).then(task);
  const tail = run.then(
    () => {},
    () => {},
  );
  tails.set(key, tail);
  // Forget idle paths, so the map does not grow with every temp dir a test suite uses.
  void tail.then(() => {
    if (tails.get(key) === tail) tails.delete(key);
  });
  return run;
}
