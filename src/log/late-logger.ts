/**
 * A logger that forwards to whatever `current()` returns at each call: for parts built before
 * their tagged logger exists (it arrives with `start`), so their helpers need not be rebuilt then.
 */
import type { Logger } from "./logger.ts";

export function lateBoundLogger(current: () => Logger): Logger {
  return new Proxy({} as Logger, {
    get: (_target, property) => {
      const log = current();
      const value = Reflect.get(log, property);
      return typeof value === "function" ? value.bind(log) : value;
    },
  });
}
