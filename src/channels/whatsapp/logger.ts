/**
 * Baileys' pino-shaped logger interface over our consola logger, so Baileys never needs pino's
 * own output (its transports run in worker threads, which the compiled binary cannot start).
 * Levels move down one step: Baileys logs routine reconnect noise at `info` and expected
 * stream errors (the 515 after pairing, a closed socket) at `error`, and a gateway log that
 * shows an error for every reconnect teaches people to ignore errors.
 */
import { LogLevels } from "consola/core";
import type { Logger } from "../../log/logger.ts";
import type { BaileysLogger } from "./socket.ts";

type Method = "trace" | "debug" | "info" | "warn";

/** What Baileys logs with our level it goes to. */
const LEVEL_MAP: Record<"trace" | "debug" | "info" | "warn" | "error", Method> = {
  trace: "trace",
  debug: "trace",
  info: "debug",
  warn: "info",
  error: "warn",
};

/** The message of a Baileys log call: `(obj, msg?)` or `(msg)`, plus an error's message when the object carries one. */
export function baileysMessage(obj: unknown, msg: string | undefined, withDetails: boolean): string {
  if (typeof obj === "string") return msg ? `${obj} ${msg}` : obj;
  const parts: string[] = [];
  if (msg) parts.push(msg);
  if (obj && typeof obj === "object") {
    const record = obj as Record<string, unknown>;
    if (typeof record.msg === "string") parts.push(record.msg);
    const error = record.err ?? record.error;
    if (error instanceof Error) parts.push(`(${error.message})`);
    // Objects can hold decoded stanzas and keys: only shown when someone asked for trace.
    if (withDetails) parts.push(safeJson(obj));
  }
  return parts.join(" ") || "(no message)";
}

function safeJson(value: unknown): string {
  try {
    const text = JSON.stringify(value, (_key, v: unknown) => (v instanceof Uint8Array ? `<${v.byteLength} bytes>` : v));
    return text.length > 2000 ? `${text.slice(0, 2000)}…` : text;
  } catch {
    return "[unserialisable]";
  }
}

/** Baileys' level name for ours: it only checks for `trace`/`debug` to skip building expensive messages. */
function levelName(log: Logger): string {
  if (log.level >= LogLevels.trace) return "trace";
  if (log.level >= LogLevels.debug) return "debug";
  return "info";
}

export function baileysLogger(log: Logger, bindings: Record<string, unknown> = {}): BaileysLogger {
  const prefix = typeof bindings.class === "string" ? `${bindings.class}: ` : "";
  const emit = (level: keyof typeof LEVEL_MAP) => (obj: unknown, msg?: string) => {
    const method = LEVEL_MAP[level];
    if (LogLevels[method] > log.level) return;
    log[method](`baileys ${prefix}${baileysMessage(obj, msg, log.level >= LogLevels.trace)}`);
  };
  return {
    get level() {
      return levelName(log);
    },
    set level(_value: string) {
      // Our log level is the user's setting; Baileys does not get to change it.
    },
    child: (more: Record<string, unknown>) => baileysLogger(log, { ...bindings, ...more }),
    trace: emit("trace"),
    debug: emit("debug"),
    info: emit("info"),
    warn: emit("warn"),
    error: emit("error"),
  };
}
