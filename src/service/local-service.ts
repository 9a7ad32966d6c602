/**
 * The service manager and spec for this machine, built once for every command that needs them
 * (`gateway install|…`, `gateway status`, `doctor`). The environment comes from the resolved
 * options (load.ts is the only reader of process.env): HOME decides where the unit lives, PATH
 * which systemctl runs, APPDATA where the Windows Startup folder is.
 */
import { homedir, userInfo } from "node:os";
import { join } from "node:path";
import type { Options } from "../config/load.ts";
import { managerFor } from "./manager-for.ts";
import { spawnRunner } from "./runner.ts";
import { buildServiceSpec } from "./spec.ts";
import type { ServiceManager, ServiceSpec } from "./types.ts";

export interface LocalService {
  manager: ServiceManager;
  spec: ServiceSpec;
}

export interface LocalServiceFlags {
  /** `--port`: what the service passes to `gateway --port`. Default: the options' port. */
  port?: number;
  /** `--system`: a system unit instead of a user unit (systemd). */
  system?: boolean;
  /** `--force`: allows a source checkout (and, for install, a rewrite). */
  force?: boolean;
}

export function localService(options: Readonly<Options>, flags: LocalServiceFlags = {}): LocalService {
  const env = options.env;
  const home = env.HOME?.trim() || homedir();
  const user = env.USER?.trim() || userInfo().username;
  const appData = env.APPDATA?.trim();
  const manager = managerFor(process.platform, {
    runner: spawnRunner({ env: { ...env } }),
    home,
    xdgConfigHome: env.XDG_CONFIG_HOME?.trim() || undefined,
    user,
    scriptDir: join(options.paths.stateDir, "service"),
    startupDir: appData ? join(appData, "Microsoft", "Windows", "Start Menu", "Programs", "Startup") : undefined,
  });
  const spec = buildServiceSpec({
    options,
    platform: manager.platform,
    port: flags.port,
    system: flags.system,
    force: flags.force,
    execPath: process.execPath,
    entry: process.argv[1],
    user,
    home,
  });
  return { manager, spec };
}
