/**
 * `openclaw gateway`: the foreground process. Loads and checks the config, sets up logging,
 * makes sure a secret exists, optionally frees the port, listens, and stops cleanly on
 * SIGTERM/SIGINT, restarting in-process on request. Returns the exit code; configuration problems exit 78 so supervisors do
 * not restart-loop on them.
 */
import type { LogType } from "consola";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { loadOptions, reloadOptions, type Options } from "../config/load.ts";
import type { GlobalFlags } from "../config/paths.ts";
import { ProfileError } from "../config/paths.ts";
import { ConfigError, readConfigFile } from "../config/read-config.ts";
import { FileSink } from "../log/file-sink.ts";
import { createLogging, type LoggingSystem } from "../log/logger.ts";
import { Redactor } from "../log/redact.ts";
import { commandHint } from "../cli/command-hint.ts";
import { createGateway, type CreateGatewayOptions } from "./create-gateway.ts";
import { ensureGatewaySecret } from "./ensure-secret.ts";
import { freePort } from "../platform/free-port.ts";
import { GatewayStartError } from "./startup-policy.ts";

export interface RunGatewayRequest {
  flags: GlobalFlags;
  port?: number;
  verbose: boolean;
  force: boolean;
  allowUnconfigured: boolean;
  /** The channels this process can run (default: every channel of this build); test entries pass fakes. */
  channels?: CreateGatewayOptions["channels"];
}

const EXIT_CONFIG = 78;

function startLogging(options: Readonly<Options> | null, verbose: boolean): LoggingSystem {
  const level = (options?.config.logging?.level ?? "info") as LogType;
  const consoleLevel = verbose ? "trace" : ((options?.config.logging?.consoleLevel ?? "info") as LogType);
  const file = options
    ? new FileSink({
        dir: options.logging.dir,
        verifyDir: options.logging.verifyDir,
        prefix: options.logging.prefix,
        fixedFile: options.logging.fixedFile,
        fallbackDir: options.logging.fallbackDir,
        // Straight to stderr: the file sink sits below the logger, so it cannot log through it.
        onError: (error) => process.stderr.write(`file logging disabled: ${error.message}\n`),
        onWarning: (message) => process.stderr.write(`file log: ${message}\n`),
      })
    : null;
  return createLogging({ consoleLevel, fileLevel: verbose ? "trace" : level, file, redactor: new Redactor() });
}

export async function runGateway(request: RunGatewayRequest): Promise<number> {
  process.title = "openclaw-gateway";
  let options: Readonly<Options>;
  try {
    options = await loadOptions({ flags: request.flags, port: request.port });
  } catch (error) {
    const logging = startLogging(null, request.verbose);
    if (error instanceof ConfigError || error instanceof ProfileError) {
      logging.root.error(error.message);
      return EXIT_CONFIG;
    }
    throw error;
  }
  const logging = startLogging(options, request.verbose);
  const log = logging.root.withTag("gateway");
  for (const warning of options.file.warnings) log.warn(`${options.paths.configPath}: ${warning}`);

  if (options.config.gateway?.mode !== "local" && !request.allowUnconfigured) {
    log.error(unconfiguredMessage(options));
    await logging.close();
    return EXIT_CONFIG;
  }

  try {
    options = await ensureGatewaySecret(options, log);
    if (request.force) await freePort(options.port, log);
    return await serveUntilStopped(options, logging, request.channels);
  } catch (error) {
    if (error instanceof GatewayStartError) log.error(error.message);
    else log.fatal("gateway failed to start:", error);
    await logging.close();
    return 1;
  }
}

/** Why the gateway will not start here, and the command (for this profile) that fixes it. */
function unconfiguredMessage(options: Readonly<Options>): string {
  const { profile, configPath } = options.paths;
  const mode = options.config.gateway?.mode;
  const setLocal = commandHint(profile, "config set gateway.mode local");
  // `setup` keeps a "remote" mode (that machine is meant to be a client), so only `config set` helps there.
  if (mode !== undefined) return `gateway.mode is ${JSON.stringify(mode)} in ${configPath}; to run the gateway here: ${setLocal} (or start with --allow-unconfigured)`;
  const found = options.file.exists ? `gateway.mode is not set in ${configPath}` : `no config at ${configPath}`;
  return `${found}; run: ${commandHint(profile, "setup")} (or ${setLocal}), or start with --allow-unconfigured`;
}

/**
 * Runs the gateway, restarting it in-process (same pid, same port, fresh config) when a
 * restart is requested, until a stop signal or a fatal error.
 */
async function serveUntilStopped(initial: Readonly<Options>, logging: LoggingSystem, channels: CreateGatewayOptions["channels"]): Promise<number> {
  const log = logging.root.withTag("gateway");
  let options = initial;
  let lastRestartAtMs = 0;
  let boundPort: number | undefined;
  for (;;) {
    let requestRestart!: (reason: string) => void;
    const restartRequested = new Promise<string>((resolve) => (requestRestart = resolve));
    const gateway = createGateway({ options, logging, onRestart: (reason) => requestRestart(reason), lastRestartAtMs, ...(channels ? { channels } : {}) });
    const listening = await gateway.listen();
    // A restart binds the port this run got, also when the user asked for any free port (0).
    boundPort ??= listening.port;
    if (listening.canvas) log.info(`canvas host on ${listening.canvas.url}`);
    if (logging.file) log.info(`log file ${logging.file.path ?? logging.file.pathFor(Date.now())}`);
    await reportRestartSentinel(options, log);
    // Signals are handled before the line below announces us: whoever waits for it may signal at
    // once, and a handler installed just after the write can miss that (default action: killed).
    const stopped = untilStopOrRestart(log, restartRequested, () => {
      // SIGUSR1 restarts only when allowed, or when it runs a restart the gateway itself scheduled.
      if (gateway.services.restart.pending) gateway.services.restart.fireNow();
      else if (gateway.services.options.config.commands?.restart === true) requestRestart("SIGUSR1");
      else log.warn("SIGUSR1 ignored: set commands.restart=true in the config to allow restarts by signal");
    });
    // Last, so whoever waits for this line has seen everything start-up says.
    log.info(`listening on ws://${listening.host}:${listening.port} (auth: ${options.auth.mode}, bind: ${options.bind}, profile: ${options.paths.profile ?? "default"})`);
    const outcome = await stopped;
    if (outcome.kind === "restart") {
      log.info(`restarting in-process (${outcome.reason})`);
      await gateway.stop("gateway restarting", RESTART_EXPECTED_MS);
      lastRestartAtMs = Date.now();
      options = await reloadFromDisk(gateway.services.options, log);
      if (options.port === 0) options = Object.freeze({ ...options, port: boundPort });
      continue;
    }
    log.info("stopping");
    await gateway.stop("gateway stopping", null);
    log.info("stopped");
    await logging.close();
    return outcome.code;
  }
}

/** How long clients are told a restart takes (`shutdown.restartExpectedMs`). */
const RESTART_EXPECTED_MS = 1500;

/** The config as it is on disk now; a broken file keeps the running options. */
async function reloadFromDisk(current: Readonly<Options>, log: LoggingSystem["root"]): Promise<Readonly<Options>> {
  try {
    return reloadOptions(current, await readConfigFile(current.paths.configPath));
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    log.error(`restarting with the previous config: ${error.message}`);
    return current;
  }
}

/** A config write left a note before restarting us: say it happened, then clear it. */
async function reportRestartSentinel(options: Readonly<Options>, log: LoggingSystem["root"]): Promise<void> {
  const path = join(options.paths.stateDir, "restart-sentinel.json");
  const file = Bun.file(path);
  if (!(await file.exists())) return;
  const note = await file.json().catch(() => null);
  log.info(`restarted after ${note?.kind ?? "a config change"}${note?.note ? ` (${note.note})` : ""}`);
  await rm(path, { force: true });
}

type Outcome = { kind: "stop"; code: number } | { kind: "restart"; reason: string };

/**
 * Resolves on SIGTERM/SIGINT (exit 0), on an uncaught error (exit 1, logged first so the file
 * log keeps the evidence; the supervisor then restarts us), or when a restart is requested.
 */
function untilStopOrRestart(log: LoggingSystem["root"], restart: Promise<string>, onSigusr1: () => void): Promise<Outcome> {
  return new Promise((resolve) => {
    const handlers: [string, (...args: any[]) => void][] = [
      ["SIGTERM", () => finish({ kind: "stop", code: 0 }, "received SIGTERM")],
      ["SIGINT", () => finish({ kind: "stop", code: 0 }, "received SIGINT")],
      ["SIGUSR1", () => onSigusr1()],
      ["uncaughtException", (error: unknown) => finish({ kind: "stop", code: 1 }, error)],
      ["unhandledRejection", (error: unknown) => finish({ kind: "stop", code: 1 }, error)],
    ];
    let done = false;
    function finish(outcome: Outcome, cause?: unknown): void {
      if (done) return;
      done = true;
      if (outcome.kind === "stop" && outcome.code !== 0) log.fatal("fatal error, stopping:", cause);
      else if (cause) log.info(cause);
      for (const [event, handler] of handlers) process.off(event, handler);
      resolve(outcome);
    }
    for (const [event, handler] of handlers) process.on(event, handler);
    void restart.then((reason) => finish({ kind: "restart", reason }));
  });
}
