/**
 * Resolves everything the gateway and the CLI need into one frozen object. This is the only
 * module that reads `process.env`; everything else receives what it needs from here.
 */
import { join } from "node:path";
import { homedir, tmpdir } from "node:os";
import { envValue, resolvePaths, type Env, type GlobalFlags, type ResolvedPaths } from "./paths.ts";
import { ConfigError, readConfigFile, type ConfigFile } from "./read-config.ts";
import type { OpenClawConfig } from "../../protocol/config-schema.ts";

export const DEFAULT_PORT = 18789;
/** Shared by every user of the machine, hence checked before use (log/log-dir.ts). */
const DEFAULT_LOG_DIR = "/tmp/openclaw";
const DEV_PROFILE_PORT = 19001;

export type AuthMode = "none" | "token" | "password" | "trusted-proxy";
export type BindMode = "loopback" | "lan" | "auto" | "tailnet" | "custom";

export interface ResolvedAuth {
  mode: AuthMode;
  token?: string;
  password?: string;
  /** Where the secret came from; `generated` is filled in by the gateway when it creates one. */
  source: "config" | "env" | "none";
}

export interface Options {
  paths: ResolvedPaths;
  file: ConfigFile;
  config: OpenClawConfig;
  port: number;
  portSource: "flag" | "env" | "config" | "profile" | "default";
  bind: BindMode;
  /** The address to listen on, or null when the bind mode cannot be served here. */
  bindHost: string | null;
  auth: ResolvedAuth;
  workspace: string;
  canvas: { enabled: boolean; port: number; root: string };
  /**
   * Daily log files are `<dir>/<prefix>-YYYY-MM-DD.log`. The prefix is `openclaw` for the usual
   * state dir and names the profile (or a hash of the state dir) otherwise, so gateways of
   * different profiles never write into each other's logs.
   */
  logging: {
    /** `OPENCLAW_LOG_DIR`, default `/tmp/openclaw`. */
    dir: string;
    /**
     * Whether `dir` must be a real dir owned by this user and writable by nobody else: true for
     * the shared `/tmp/openclaw` default, false for a dir named by `OPENCLAW_LOG_DIR`.
     */
    verifyDir: boolean;
    /**
     * `<os tmp>/openclaw-<uid>`, used when the default dir is unusable or someone else's; null
     * when `OPENCLAW_LOG_DIR` is set, whose logs must not turn up anywhere else.
     */
    fallbackDir: string | null;
    prefix: string;
    fixedFile: string | null;
    level: string;
  };
  /** The gateway's own version string (`OPENCLAW_VERSION` overrides the built-in one). */
  version: string | null;
  env: Env;
}

export interface LoadRequest {
  flags?: GlobalFlags;
  /** `--port` from the command line. */
  port?: number;
  /** For tests and the CLI: an explicit environment instead of `process.env`. */
  env?: Env;
}

export async function loadOptions(request: LoadRequest = {}): Promise<Readonly<Options>> {
  const env = request.env ?? process.env;
  const paths = resolvePaths(request.flags ?? {}, env);
  const file = await readConfigFile(paths.configPath);
  return Object.freeze(resolveOptions(paths, file, env, request.port));
}

/**
 * Like `loadOptions`, but a config file that does not parse or validate is reported instead of
 * thrown (options then come from an empty config): `doctor` and `config set` must work on a
 * broken file, since they are how users repair it.
 */
export async function loadOptionsForRepair(request: LoadRequest = {}): Promise<{ options: Readonly<Options>; configError: ConfigError | null }> {
  const env = request.env ?? process.env;
  const paths = resolvePaths(request.flags ?? {}, env);
  try {
    return { options: Object.freeze(resolveOptions(paths, await readConfigFile(paths.configPath), env, request.port)), configError: null };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const file: ConfigFile = { path: paths.configPath, exists: true, raw: null, config: {}, warnings: [] };
    return { options: Object.freeze(resolveOptions(paths, file, env, request.port)), configError: error };
  }
}

export function resolveOptions(paths: ResolvedPaths, file: ConfigFile, env: Env, flagPort?: number): Options {
  const config = file.config;
  const gateway = config.gateway ?? {};
  const { port, portSource } = resolvePort(flagPort, env, gateway.port, paths.profile);
  const bind = gateway.bind ?? "loopback";
  // The config key wins over OPENCLAW_WORKSPACE_DIR and the derived default (both in
  // paths.defaultWorkspace): it is the per-instance choice the runbook asks for, the env var only
  // replaces the default, as OPENCLAW_STATE_DIR does for the state dir.
  const workspace = expandHome(config.agents?.defaults?.workspace ?? paths.defaultWorkspace, paths.home);
  const logDir = envValue(env, "OPENCLAW_LOG_DIR");
  const canvasEnvPort = Number.parseInt(envValue(env, "OPENCLAW_CANVAS_HOST_PORT") ?? "", 10);
  return {
    paths,
    file,
    config,
    port,
    portSource,
    bind,
    bindHost: bindHostFor(bind, gateway.customBindHost),
    auth: resolveAuth(config, env),
    workspace,
    canvas: {
      enabled: config.canvasHost?.enabled !== false && envValue(env, "OPENCLAW_SKIP_CANVAS_HOST") !== "1",
      // An ephemeral gateway port (0, in tests) gets an ephemeral canvas port too.
      port: Number.isInteger(canvasEnvPort) ? canvasEnvPort : config.canvasHost?.port ?? (port === 0 ? 0 : port + 4),
      root: expandHome(config.canvasHost?.root ?? join(workspace, "canvas"), paths.home),
    },
    logging: {
      dir: logDir ? expandHome(logDir, paths.home) : DEFAULT_LOG_DIR,
      verifyDir: !logDir,
      fallbackDir: logDir ? null : fallbackLogDir(),
      prefix: logPrefix(paths),
      fixedFile: config.logging?.file ? expandHome(config.logging.file, paths.home) : null,
      level: config.logging?.level ?? "info",
    },
    version: envValue(env, "OPENCLAW_VERSION") ?? null,
    env,
  };
}

/** Options for a new version of the config file, keeping paths, environment and `--port`. */
export function reloadOptions(previous: Readonly<Options>, file: ConfigFile): Readonly<Options> {
  const flagPort = previous.portSource === "flag" ? previous.port : undefined;
  return Object.freeze(resolveOptions(previous.paths, file, previous.env, flagPort));
}

function logPrefix(paths: ResolvedPaths): string {
  if (paths.stateDir === join(homedir(), ".openclaw")) return "openclaw";
  if (paths.profile) return `openclaw-${paths.profile}`;
  return `openclaw-${new Bun.CryptoHasher("sha256").update(paths.stateDir).digest("hex").slice(0, 8)}`;
}

/** The fallback log dir when /tmp/openclaw is unusable: `<os tmp>/openclaw-<uid>`, one per user. */
function fallbackLogDir(): string {
  return join(tmpdir(), `openclaw-${process.getuid?.() ?? "user"}`);
}

function resolvePort(flagPort: number | undefined, env: Env, configPort: number | undefined, profile: string | null) {
  if (flagPort !== undefined) return { port: flagPort, portSource: "flag" as const };
  const fromEnv = envValue(env, "OPENCLAW_GATEWAY_PORT", "CLAWDBOT_GATEWAY_PORT");
  if (fromEnv !== undefined) {
    const parsed = Number(fromEnv);
    if (Number.isInteger(parsed) && parsed >= 0 && parsed <= 65535) return { port: parsed, portSource: "env" as const };
  }
  if (configPort !== undefined) return { port: configPort, portSource: "config" as const };
  if (profile === "dev") return { port: DEV_PROFILE_PORT, portSource: "profile" as const };
  return { port: DEFAULT_PORT, portSource: "default" as const };
}

function bindHostFor(bind: BindMode, customHost: string | undefined): string | null {
  switch (bind) {
    case "loopback":
    case "auto":
      return "127.0.0.1";
    case "lan":
      return "0.0.0.0";
    case "custom":
      return customHost?.trim() || null;
    case "tailnet":
      return null;
  }
}

function resolveAuth(config: OpenClawConfig, env: Env): ResolvedAuth {
  const auth = config.gateway?.auth ?? {};
  const token = auth.token?.trim() || envValue(env, "OPENCLAW_GATEWAY_TOKEN", "CLAWDBOT_GATEWAY_TOKEN");
  const password = auth.password?.trim() || envValue(env, "OPENCLAW_GATEWAY_PASSWORD", "CLAWDBOT_GATEWAY_PASSWORD");
  const mode: AuthMode = auth.mode ?? (password ? "password" : "token");
  const secretFromConfig = mode === "password" ? auth.password?.trim() : auth.token?.trim();
  const secret = mode === "password" ? password : token;
  return {
    mode,
    token,
    password,
    source: secret === undefined ? "none" : secretFromConfig ? "config" : "env",
  };
}

export function expandHome(path: string, home: string): string {
  if (path === "~") return home;
  if (path.startsWith("~/")) return join(home, path.slice(2));
  return path;
}
