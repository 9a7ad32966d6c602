/**
 * Service management: the gateway installed under the machine's supervisor (launchd, systemd,
 * a Windows Scheduled Task). Every supervisor call goes through a `CommandRunner`, so the flows
 * are tested here with recording fake executables on PATH.
 */

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CommandRunner {
  /** Runs `command` (looked up on PATH) with `args`; never throws for a non-zero exit. */
  run(command: string, args: readonly string[], options?: { input?: string; env?: Record<string, string> }): Promise<CommandResult>;
}

export type ServicePlatform = "launchd" | "systemd" | "windows";

/** What every platform's service runs and knows; built once from the options and flags. */
export interface ServiceSpec {
  platform: ServicePlatform;
  /** null for the default profile. */
  profile: string | null;
  /** launchd label `bot.molt.gateway[.<profile>]`, unit `openclaw-gateway[-<profile>].service`, task `OpenClaw Gateway (<profile>)`. */
  name: string;
  /** The stable path of the binary the service runs, then its arguments (`gateway --port N`). */
  program: string[];
  /** OPENCLAW_SERVICE_MARKER/KIND/VERSION, profile, state dir, config path, port. Never a secret. */
  env: Record<string, string>;
  workingDirectory: string;
  /** Where stdout/stderr of the service go (launchd, Windows launcher). */
  logDir: string;
  port: number;
  /** systemd: a system unit (`/etc/systemd/system`, `User=`) instead of a user unit. */
  system: boolean;
  /** The user the system unit runs as. */
  user: string;
  version: string;
}

export interface SupervisorStatus {
  platform: ServicePlatform;
  name: string;
  installed: boolean;
  /** Path of the unit/plist/task file, when installed. */
  file: string | null;
  loaded: boolean;
  running: boolean;
  pid: number | null;
  lastExitCode: number | null;
  lastExitAt: number | null;
  /** Anything the supervisor said that a person should read. */
  detail: string | null;
}

export interface InstallResult {
  /** `unchanged` when the same definition was already installed (install is then a no-op). */
  outcome: "installed" | "reinstalled" | "unchanged";
  file: string;
  notes: string[];
}

export interface AuditFinding {
  key: string;
  expected: string;
  actual: string | null;
}

export interface ServiceManager {
  readonly platform: ServicePlatform;
  /** The file contents `install` would write for `spec` (golden-file tests, doctor audits). */
  render(spec: ServiceSpec): { path: string; contents: string | Uint8Array }[];
  install(spec: ServiceSpec, options: { force: boolean }): Promise<InstallResult>;
  uninstall(spec: ServiceSpec): Promise<{ removed: boolean; notes: string[] }>;
  start(spec: ServiceSpec): Promise<void>;
  stop(spec: ServiceSpec): Promise<void>;
  restart(spec: ServiceSpec): Promise<void>;
  status(spec: ServiceSpec): Promise<SupervisorStatus>;
  /** Differences between what is installed and what `install` would write today. */
  audit(spec: ServiceSpec): Promise<AuditFinding[]>;
  /** Other gateway-like services (reference `ai.openclaw.*`, legacy `com.openclaw.*`, `clawdbot-gateway`); `deep` adds system-wide places. */
  others(options: { deep: boolean }): Promise<string[]>;
}

/** A supervisor call failed in a way the user must hear about (with what to do). */
export class ServiceError extends Error {
  override name = "ServiceError";
}
