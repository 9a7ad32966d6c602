/**
 * Hot reload (`gateway.reload.mode`): `hybrid` applies safe changes in place and restarts
 * in-process when a change needs it; `hot` applies safe changes and only warns about the rest;
 * `restart` restarts on any change; `off` does not watch. An edit that does not parse or
 * validate is logged with its key path and the running config stays.
 */
import { reloadOptions, type Options } from "../config/load.ts";
import { planReload } from "../config/reload-rules.ts";
import { ConfigError, parseConfigText } from "../config/read-config.ts";
import { watchConfig, type ConfigWatcher } from "../config/watch-config.ts";
import type { RestartController } from "./restart-controller.ts";
import type { GatewayServices } from "./services.ts";

export const DEFAULT_RELOAD_DEBOUNCE_MS = 300;

/** Makes new options the running ones: new connections and requests see them at once. */
export function applyOptions(services: GatewayServices, next: Readonly<Options>): void {
  services.options = next;
  services.auth.current = next.auth;
  services.redactor.addSecret(next.auth.token);
  services.redactor.addSecret(next.auth.password);
}

export function startConfigReloader(services: GatewayServices, restart: RestartController): ConfigWatcher | null {
  const initial = services.options;
  const mode = initial.config.gateway?.reload?.mode ?? "hybrid";
  if (mode === "off") return null;
  const log = services.log.withTag("reload");
  const path = initial.paths.configPath;

  const onChange = (text: string | null) => {
    if (text === null) return;
    let file;
    try {
      file = { path, exists: true, raw: text, ...parseConfigText(path, text) };
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      log.error(`config change ignored, the running config stays: ${error.message}`);
      return;
    }
    for (const warning of file.warnings) log.warn(`${path}: ${warning}`);
    const plan = planReload(services.options.config, file.config);
    if (plan.changes.length === 0) return;
    const changed = plan.changes.map((c) => c.path).join(", ");
    if (mode === "restart" || (mode === "hybrid" && plan.needsRestart)) {
      log.info(`config changed (${changed}); restarting in-process`);
      restart.request(`config change: ${changed}`, 0);
      return;
    }
    applyOptions(services, reloadOptions(services.options, file));
    log.info(`config reloaded (${changed})`);
    const pendingRestart = plan.changes.filter((c) => c.kind === "restart").map((c) => c.path);
    if (pendingRestart.length > 0) log.warn(`these changes apply after a restart (gateway.reload.mode=hot): ${pendingRestart.join(", ")}`);
    // Channels restart here once they exist; today none run.
    if (plan.channels.length > 0) log.info(`channel settings changed: ${plan.channels.join(", ")} (no channel is running)`);
  };

  const debounceMs = initial.config.gateway?.reload?.debounceMs ?? DEFAULT_RELOAD_DEBOUNCE_MS;
  try {
    return watchConfig(path, debounceMs, initial.file.raw, onChange);
  } catch (error) {
    log.warn(`not watching ${path} for changes: ${(error as Error).message}`);
    return null;
  }
}
