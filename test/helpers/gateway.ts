/**
 * Starts a real gateway in this process on port 0 with a throw-away home and state dir.
 * Nothing is mocked: the same createGateway the binary uses, over real sockets.
 *
 * A gateway that logs at error or fatal level fails its test when it stops, unless the test
 * said it expects that error (`expectErrors`, `gw.expectError()`): an error nobody looked at is
 * a bug the test would otherwise hide.
 */
import { LogLevels } from "consola/core";
import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadOptions } from "../../src/config/load.ts";
import { createGateway, type CreateGatewayOptions, type Gateway } from "../../src/gateway/create-gateway.ts";
import { FileSink } from "../../src/log/file-sink.ts";
import { createLogging, type LogEntry } from "../../src/log/logger.ts";
import { Redactor } from "../../src/log/redact.ts";
import { Condition } from "./condition.ts";

export const TEST_TOKEN = "test-token-0123456789abcdef";

export interface TestGatewayInit extends Omit<CreateGatewayOptions, "options" | "logging"> {
  /** Merged over `{gateway: {mode: "local", auth: {token: TEST_TOKEN}}}`; pass `auth: {}` etc. to change it. */
  config?: Record<string, unknown>;
  env?: Record<string, string>;
  /** Keep the canvas host on (off by default to save a port). */
  canvas?: boolean;
  /** Write the JSON-lines file log to `<home>/gateway.log` (for `logs.tail`). */
  fileLog?: boolean;
  /**
   * Error/fatal entries this test expects, matched against `[tag] message`; any other error
   * entry makes `stop()` throw. Default: none.
   */
  expectErrors?: RegExp[];
  /** Start on this home (a restart of an earlier test gateway); its owner removes it. Default: a new temp home. */
  home?: string;
}

export interface TestGateway {
  gateway: Gateway;
  port: number;
  url: string;
  httpUrl: string;
  home: string;
  stateDir: string;
  /** Every log line the gateway wrote (console side), for leak checks. */
  logLines: string[];
  /** Every log entry with its level, in order. */
  logEntries: LogEntry[];
  /**
   * Waits until `count` (default 1) log lines (console side) match `pattern`, counting lines
   * written before the call too, and returns the last of them. Default timeout 5000 ms.
   */
  waitForLog(pattern: RegExp | string, options?: { count?: number; timeoutMs?: number }): Promise<string>;
  /** Allows error/fatal entries matching `pattern` (see `expectErrors`). */
  expectError(pattern: RegExp): void;
  /** The error/fatal entries no expectation allows, as `LEVEL [tag] message`. */
  unexpectedErrors(): string[];
  canvas: { port: number; url: string } | null;
  /** Stops the gateway and removes its home; throws when the gateway logged an unexpected error. */
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

export async function makeTempHome(): Promise<string> {
  return mkdtemp(join(tmpdir(), "openclaw-test-"));
}

export async function startTestGateway(init: TestGatewayInit = {}): Promise<TestGateway> {
  // A test that restarts a gateway passes the first one's home (and removes it itself).
  const ownsHome = init.home === undefined;
  const home = init.home ?? (await makeTempHome());
  const stateDir = join(home, ".openclaw");
  await mkdir(stateDir, { recursive: true });
  const { gateway: gatewayConfig, ...rest } = init.config ?? {};
  const config = { gateway: { mode: "local", auth: { token: TEST_TOKEN }, ...(gatewayConfig as object) }, ...rest };
  await writeFile(join(stateDir, "openclaw.json"), JSON.stringify(config, null, 2));
  const env: Record<string, string> = { OPENCLAW_HOME: home, ...(init.canvas ? {} : { OPENCLAW_SKIP_CANVAS_HOST: "1" }), ...init.env };
  const options = await loadOptions({ env, port: 0 });
  const logLines: string[] = [];
  const logEntries: LogEntry[] = [];
  const logged = new Condition();
  const onLine = (line: string) => {
    logLines.push(line);
    logged.wake();
  };
  const logging = createLogging({
    consoleLevel: "trace",
    fileLevel: "trace",
    file: init.fileLog ? new FileSink({ dir: home, prefix: "openclaw", fixedFile: join(home, "gateway.log"), fallbackDir: home }) : null,
    redactor: new Redactor(),
    stdout: onLine,
    stderr: onLine,
    onEntry: (entry) => logEntries.push(entry),
  });
  const expected = [...(init.expectErrors ?? [])];
  const unexpectedErrors = () =>
    logEntries
      .filter((entry) => entry.level <= LogLevels.error)
      .map((entry) => ({ entry, text: `${entry.tag ? `[${entry.tag}] ` : ""}${entry.message}` }))
      .filter(({ text }) => !expected.some((pattern) => pattern.test(text)))
      .map(({ entry, text }) => `${entry.type.toUpperCase()} ${text}`);
  const waitForLog = (pattern: RegExp | string, { count = 1, timeoutMs = 5000 }: { count?: number; timeoutMs?: number } = {}) => {
    const matches = (line: string) => (typeof pattern === "string" ? line.includes(pattern) : pattern.test(line));
    return logged.waitFor(
      `${count > 1 ? `${count} log lines` : "a log line"} matching ${pattern}`,
      () => logLines.filter(matches)[count - 1],
      timeoutMs,
      () => `; last lines:\n${logLines.slice(-8).join("\n")}`,
    );
  };
  const { config: _c, env: _e, canvas: _k, fileLog: _f, expectErrors: _x, home: _h, ...gatewayInit } = init;
  const gateway = createGateway({ ...gatewayInit, options, logging });
  let listening;
  try {
    listening = await gateway.listen();
  } catch (error) {
    if (ownsHome) await rm(home, { recursive: true, force: true });
    throw error;
  }
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await gateway.stop();
    await logging.close();
    if (ownsHome) await rm(home, { recursive: true, force: true });
    const unexpected = unexpectedErrors();
    if (unexpected.length > 0) {
      throw new Error(`the test gateway logged ${unexpected.length} unexpected error(s); pass expectErrors (or call gw.expectError) if the test means them:\n${unexpected.join("\n")}`);
    }
  };
  return {
    gateway,
    port: listening.port,
    url: `ws://127.0.0.1:${listening.port}`,
    httpUrl: `http://127.0.0.1:${listening.port}`,
    home,
    stateDir,
    logLines,
    logEntries,
    waitForLog,
    expectError: (pattern) => void expected.push(pattern),
    unexpectedErrors,
    canvas: listening.canvas,
    stop,
    [Symbol.asyncDispose]: stop,
  };
}
