/**
 * Starts a real gateway in this process on port 0 with a throw-away home and state dir.
 * Nothing is mocked: the same createGateway the binary uses, over real sockets.
 */
import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadOptions } from "../../src/config/load.ts";
import { createGateway, type CreateGatewayOptions, type Gateway } from "../../src/gateway/create-gateway.ts";
import { FileSink } from "../../src/log/file-sink.ts";
import { createLogging } from "../../src/log/logger.ts";
import { Redactor } from "../../src/log/redact.ts";

export const TEST_TOKEN = "test-token-0123456789abcdef";

export interface TestGatewayInit extends Omit<CreateGatewayOptions, "options" | "logging"> {
  /** Merged over `{gateway: {mode: "local", auth: {token: TEST_TOKEN}}}`; pass `auth: {}` etc. to change it. */
  config?: Record<string, unknown>;
  env?: Record<string, string>;
  /** Keep the canvas host on (off by default to save a port). */
  canvas?: boolean;
  /** Write the JSON-lines file log to `<home>/gateway.log` (for `logs.tail`). */
  fileLog?: boolean;
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
  canvas: { port: number; url: string } | null;
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

export async function makeTempHome(): Promise<string> {
  return mkdtemp(join(tmpdir(), "openclaw-test-"));
}

export async function startTestGateway(init: TestGatewayInit = {}): Promise<TestGateway> {
  const home = await makeTempHome();
  const stateDir = join(home, ".openclaw");
  await mkdir(stateDir, { recursive: true });
  const { gateway: gatewayConfig, ...rest } = init.config ?? {};
  const config = { gateway: { mode: "local", auth: { token: TEST_TOKEN }, ...(gatewayConfig as object) }, ...rest };
  await writeFile(join(stateDir, "openclaw.json"), JSON.stringify(config, null, 2));
  const env: Record<string, string> = { OPENCLAW_HOME: home, ...(init.canvas ? {} : { OPENCLAW_SKIP_CANVAS_HOST: "1" }), ...init.env };
  const options = await loadOptions({ env, port: 0 });
  const logLines: string[] = [];
  const logging = createLogging({
    consoleLevel: "trace",
    fileLevel: "trace",
    file: init.fileLog ? new FileSink({ dir: home, prefix: "openclaw", fixedFile: join(home, "gateway.log"), fallbackDir: home }) : null,
    redactor: new Redactor(),
    stdout: (line) => logLines.push(line),
    stderr: (line) => logLines.push(line),
  });
  const { config: _c, env: _e, canvas: _k, fileLog: _f, ...gatewayInit } = init;
  const gateway = createGateway({ ...gatewayInit, options, logging });
  let listening;
  try {
    listening = await gateway.listen();
  } catch (error) {
    await rm(home, { recursive: true, force: true });
    throw error;
  }
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await gateway.stop();
    await logging.close();
    await rm(home, { recursive: true, force: true });
  };
  return {
    gateway,
    port: listening.port,
    url: `ws://127.0.0.1:${listening.port}`,
    httpUrl: `http://127.0.0.1:${listening.port}`,
    home,
    stateDir,
    logLines,
    canvas: listening.canvas,
    stop,
    [Symbol.asyncDispose]: stop,
  };
}
