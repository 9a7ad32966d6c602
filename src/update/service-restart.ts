/**
 * After a swap, the installed gateway service still runs the old binary: restart it through
 * the same service code as `openclaw gateway restart` (queued on systemd, kickstart on launchd).
 */
import { existsSync } from "node:fs";
import type { Options } from "../config/load.ts";
import { localService } from "../service/local-service.ts";

export type ServiceRestart =
  | { outcome: "none" }
  | { outcome: "restarted"; name: string }
  | { outcome: "failed"; name: string; error: string };

export async function restartInstalledService(options: Readonly<Options>): Promise<ServiceRestart> {
  let service: ReturnType<typeof localService>;
  try {
    // Only the service's name and file are used, which a from-source spec has too.
    service = localService(options, { force: true });
  } catch {
    return { outcome: "none" }; // no supervisor this build can drive: nothing can be installed
  }
  const { manager, spec } = service;
  const file = manager.render(spec)[0]?.path;
  if (!file || !existsSync(file)) return { outcome: "none" };
  try {
    await manager.restart(spec);
    return { outcome: "restarted", name: spec.name };
  } catch (error) {
    return { outcome: "failed", name: spec.name, error: (error as Error).message };
  }
}
