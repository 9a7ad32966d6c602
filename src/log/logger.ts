/**
 * Logging: consola for levels and per-subsystem tags, with two reporters of our own so every
 * line is redacted before it leaves the process: human lines on stdout (warnings and errors on
 * stderr) and JSON lines in the file log.
 */
import { createConsola, LogLevels, type ConsolaInstance, type LogObject, type LogType } from "consola/core";
import { formatWithOptions } from "node:util";
import { FileSink } from "./file-sink.ts";
import { Redactor } from "./redact.ts";

export type Logger = ConsolaInstance;

export interface LoggingOptions {
  /** Minimum level on stdout/stderr (`--verbose` makes it `trace`). */
  consoleLevel: LogType;
  /** Minimum level in the file log. */
  fileLevel: LogType;
  file: FileSink | null;
  redactor: Redactor;
  /** Where human lines go; tests and the CLI pass their own. */
  stdout?: (line: string) => void;
  stderr?: (line: string) => void;
  /** Sees every entry, redacted, with its level, whichever sinks it goes to (tests fail on unexpected errors). */
  onEntry?: (entry: LogEntry) => void;
}

export interface LogEntry {
  /** consola's level number: 0 for `fatal` and `error`, 1 for `warn`, … */
  level: number;
  type: LogType;
  tag: string;
  message: string;
}

export interface LoggingSystem {
  root: Logger;
  redactor: Redactor;
  file: FileSink | null;
  close(): Promise<void>;
}

function messageOf(entry: LogObject, redactor: Redactor): string {
  const args = entry.args.map((arg) => redactor.redactValue(arg));
  return redactor.redactText(formatWithOptions({ colors: false, depth: 4, breakLength: Infinity }, ...args));
}

function clock(date: Date): string {
  return date.toTimeString().slice(0, 8);
}

export function createLogging(options: LoggingOptions): LoggingSystem {
  const consoleLevel = LogLevels[options.consoleLevel];
  const fileLevel = LogLevels[options.fileLevel];
  const stdout = options.stdout ?? ((line: string) => process.stdout.write(line + "\n"));
  const stderr = options.stderr ?? ((line: string) => process.stderr.write(line + "\n"));
  const root = createConsola({
    level: Math.max(consoleLevel, options.file ? fileLevel : -1),
    reporters: [
      {
        log(entry) {
          const message = messageOf(entry, options.redactor);
          options.onEntry?.({ level: entry.level, type: entry.type, tag: entry.tag, message });
          if (entry.level <= consoleLevel) {
            const tag = entry.tag ? `[${entry.tag}] ` : "";
            const level = entry.level <= LogLevels.warn ? `${entry.type.toUpperCase()} ` : "";
            (entry.level <= LogLevels.warn ? stderr : stdout)(`${clock(entry.date)} ${level}${tag}${message}`);
          }
          if (options.file && entry.level <= fileLevel) {
            const time = entry.date.getTime();
            options.file.write(
              JSON.stringify({ time: entry.date.toISOString(), level: entry.type, subsystem: entry.tag || "gateway", message }),
              time,
            );
          }
        },
      },
    ],
  });
  return {
    root,
    redactor: options.redactor,
    file: options.file,
    close: async () => options.file?.close(),
  };
}

/** A logger that drops everything, for code paths that run without a logging system. */
export function silentLogger(): Logger {
  return createConsola({ level: -999, reporters: [] });
}
