/** Picks the service manager of this machine's supervisor. */
import { join } from "node:path";
import { createLaunchdManager } from "./launchd.ts";
import { systemdManager } from "./systemd.ts";
import { createWindowsManager } from "./windows.ts";
import { ServiceError, type CommandRunner, type ServiceManager, type ServicePlatform } from "./types.ts";

export interface ManagerDeps {
  runner: CommandRunner;
  /** The user's home (tests pass a temp dir, so nothing lands in the real ~/.config). */
  home: string;
  /** `XDG_CONFIG_HOME`, when set. */
  xdgConfigHome?: string;
  /** systemd's system unit dir; default `/etc/systemd/system`. */
  systemDir?: string;
  user: string;
  /** Windows: where the launcher and task XML are written (default `<stateDir>/service`). */
  scriptDir?: string;
  /** Windows: the user's Startup folder (`%APPDATA%\Microsoft\Windows\Start Menu\Programs\Startup`). */
  startupDir?: string;
}

export type ManagerFactory = (deps: ManagerDeps) => ServiceManager;

/** One factory per supervisor this build can drive. */
export const managerFactories: Partial<Record<ServicePlatform, ManagerFactory>> = {
  systemd: (deps) => systemdManager(deps),
  launchd: (deps) => createLaunchdManager({ runner: deps.runner, home: deps.home }),
  windows: (deps) =>
    createWindowsManager({
      runner: deps.runner,
      scriptDir: deps.scriptDir ?? join(deps.home, ".openclaw", "service"),
      startupDir: deps.startupDir ?? join(deps.home, "AppData", "Roaming", "Microsoft", "Windows", "Start Menu", "Programs", "Startup"),
      userId: deps.user,
    }),
};

export function servicePlatformFor(platform: NodeJS.Platform): ServicePlatform | null {
  if (platform === "darwin") return "launchd";
  if (platform === "win32") return "windows";
  if (platform === "linux") return "systemd";
  return null;
}

export function managerFor(platform: NodeJS.Platform, deps: ManagerDeps, factories = managerFactories): ServiceManager {
  const servicePlatform = servicePlatformFor(platform);
  const factory = servicePlatform ? factories[servicePlatform] : undefined;
  if (!servicePlatform || !factory) {
    throw new ServiceError(`installing the gateway as a service is not supported on ${platform} in this build; run it under your own supervisor: openclaw gateway`);
  }
  return factory(deps);
}
