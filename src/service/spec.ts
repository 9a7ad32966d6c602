/**
 * Builds the `ServiceSpec` every platform's manager works from: the service's name for the
 * profile, the binary it runs, and the environment written into the unit/plist/script.
 */
import { basename, join } from "node:path";
import type { Options } from "../config/load.ts";
import { VERSION } from "../version.ts";
import { ServiceError, type ServicePlatform, type ServiceSpec } from "./types.ts";

export interface ServiceSpecRequest {
  options: Readonly<Options>;
  platform: ServicePlatform;
  /** `--port`; else the resolved port of the options. */
  port?: number;
  /** `--system` (systemd only): a system unit instead of a user unit. */
  system?: boolean;
  /** Install even when running from source (`bun src/main.ts`), whose paths move with the checkout. */
  force?: boolean;
  /** `process.execPath` of this process: the compiled `openclaw` binary, or `bun`. */
  execPath: string;
  /** The script bun runs when not compiled (`process.argv[1]`); only used with `force`. */
  entry?: string;
  /** The user the service runs as (the `User=` of a system unit). */
  user: string;
  /** The user's home: the working directory of the service. */
  home: string;
}

export function serviceName(platform: ServicePlatform, profile: string | null): string {
  switch (platform) {
    case "launchd":
      return profile ? `bot.molt.${profile}` : "bot.molt.gateway";
    case "systemd":
      return profile ? `openclaw-gateway-${profile}.service` : "openclaw-gateway.service";
    case "windows":
      return profile ? `OpenClaw Gateway (${profile})` : "OpenClaw Gateway";
  }
}

/**
 * Homebrew runs a binary from `…/Cellar/<formula>/<version>/…`, which the next `brew upgrade`
 * deletes; `…/opt/<formula>/…` is the symlink that follows upgrades, so the service names that.
 */
export function stableBinaryPath(execPath: string): string {
  const match = /^(.*)\/Cellar\/([^/]+)\/[^/]+\/(.+)$/.exec(execPath);
  return match ? `${match[1]}/opt/${match[2]}/${match[3]}` : execPath;
}

/** Bun itself is running a script: the service would point at a checkout, not an install. */
export function runningFromSource(execPath: string): boolean {
  return /^bun(-debug)?(\.exe)?$/i.test(basename(execPath));
}

export function buildServiceSpec(request: ServiceSpecRequest): ServiceSpec {
  const { options, platform } = request;
  const profile = options.paths.profile;
  const name = serviceName(platform, profile);
  const port = request.port ?? options.port;
  const version = options.version ?? VERSION;
  if (request.system && platform !== "systemd") throw new ServiceError("--system is for systemd (Linux) only");

  let binary: string[];
  if (runningFromSource(request.execPath)) {
    if (!request.force || !request.entry) {
      throw new ServiceError(
        `this openclaw runs from source (${request.execPath} ${request.entry ?? ""}); a service must run an installed binary — install openclaw, or pass --force to point the service at this checkout`.replace("  ", " "),
      );
    }
    binary = [request.execPath, request.entry];
  } else {
    binary = [stableBinaryPath(request.execPath)];
  }

  // Only facts about where things are: the service reads its secrets from the config like any
  // other start, so a unit file readable by others never holds a token.
  const env: Record<string, string> = {
    OPENCLAW_SERVICE_MARKER: "openclaw",
    OPENCLAW_SERVICE_KIND: "gateway",
    OPENCLAW_SERVICE_VERSION: version,
    ...(profile ? { OPENCLAW_PROFILE: profile } : {}),
    OPENCLAW_STATE_DIR: options.paths.stateDir,
    OPENCLAW_CONFIG_PATH: options.paths.configPath,
    OPENCLAW_GATEWAY_PORT: String(port),
    ...(platform === "systemd" ? { OPENCLAW_SYSTEMD_UNIT: name } : {}),
    ...(platform === "launchd" ? { OPENCLAW_LAUNCHD_LABEL: name } : {}),
    ...(platform === "windows" ? { OPENCLAW_WINDOWS_TASK_NAME: name } : {}),
  };

  return {
    platform,
    profile,
    name,
    program: [...binary, "gateway", "--port", String(port)],
    env,
    workingDirectory: request.home,
    logDir: join(options.paths.stateDir, "logs"),
    port,
    system: request.system ?? false,
    user: request.user,
    version,
  };
}
