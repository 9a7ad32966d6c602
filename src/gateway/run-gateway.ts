/**
 * `openclaw gateway`: the foreground process. Loads and checks the config, sets up logging,
 * makes sure a secret exists, optionally frees the port, listens, and stops cleanly on
 * SIGTERM/SIGINT. Returns the exit code; configuration problems exit 78 so supervisors do
 * not restart-loop on them.
 */
import type { LogType } from "consola";
import { fallbackLogDir, loadOptions, type Options } from "../config/load.ts";
import type { GlobalFlags } from "../config/paths.ts";
import { ProfileError } from "../config/paths.ts";
import { ConfigError } from "../config/read-config.ts";
import { FileSink } from "../log/file-sink.ts";
import { createLogging, type LoggingSystem } from "../log/logger.ts";
import { Redactor } from "../log/redact.ts";
import { createGateway } from "./create-gateway.ts";
import { ensureGatewaySecret } from "./ensure-secret.ts";
import { freePort } from "./free-port.ts";
import { GatewayStartError } from "./startup-policy.ts";

export interface RunGatewayRequest {
  flags: GlobalFlags;
  port?: number;
  verbose: boolean;
  force: boolean;
  allowUnconfigured: boolean;
}

const EXIT_CONFIG = 78;

function startLogging(options: Readonly<Options> | null, verbose: boolean): LoggingSystem {
  const level = (options?.config.logging?.level ?? "info") as LogType;
  const consoleLevel = verbose ? "trace" : ((options?.config.logging?.consoleLevel ?? "info") as LogType);
  const file = options
    ? new FileSink({
        dir: options.logging.dir,
        fixedFile: options.logging.fixedFile,
        fallbackDir: fallbackLogDir(),
        onError: (error) => process.stderr.write(`file logging disabled: ${error.message}\n`),
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
    const found = options.file.exists ? `gateway.mode is ${JSON.stringify(options.config.gateway?.mode ?? null)} in ${options.paths.configPath}` : `no config at ${options.paths.configPath}`;
    log.error(`${found}; set gateway.mode to "local" (openclaw setup) or start with --allow-unconfigured`);
    await logging.close();
    return EXIT_CONFIG;
  }

  try {
    options = await ensureGatewaySecret(options, log);
    if (request.force) await freePort(options.port, log);
    const gateway = createGateway({ options, logging });
    const listening = await gateway.listen();
    log.info(`listening on ws://${listening.host}:${listening.port} (auth: ${options.auth.mode}, bind: ${options.bind}, profile: ${options.paths.profile ?? "default"})`);
    if (listening.canvas) log.info(`canvas host on ${listening.canvas.url}`);
    if (logging.file?.path) log.info(`log file ${logging.file.path}`);
    const code = await untilSignal(log);
    log.info("stopping");
    await gateway.stop("gateway stopping", null);
    log.info("stopped");
    await logging.close();
    return code;
  } catch (error) {
    if (error instanceof GatewayStartError) log.error(error.message);
    else log.fatal("gateway failed to start:", error);
    await logging.close();
    return 1;
  }
}

/**
 * Resolves with exit code 0 on SIGTERM/SIGINT, and with 1 after an uncaught error (logged
 * first, so the file log keeps the evidence; the supervisor then restarts us).
 * SIGUSR1 (in-process restart) is not built yet.
 */
function untilSignal(log: LoggingSystem["root"]): Promise<number> {
  return new Promise((resolve) => {
    const handlers: [string, (...args: any[]) => void][] = [
      ["SIGTERM", () => finish("received SIGTERM", 0)],
      ["SIGINT", () => finish("received SIGINT", 0)],
      ["SIGUSR1", () => log.warn("SIGUSR1 ignored: in-process restart is not available in this build yet")],
      ["uncaughtException", (error: unknown) => finish(error, 1)],
      ["unhandledRejection", (error: unknown) => finish(error, 1)],
    ];
    function finish(cause: unknown, code: number): void {
      if (code === 0) log.info(cause);
      else log.fatal("fatal error, stopping:", cause);
      for (const [event, handler] of handlers) process.off(event, handler);
      resolve(code);
    }
    for (const [event, handler] of handlers) process.on(event, handler);
  });
}
