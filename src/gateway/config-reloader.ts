/**
 * Hot reload (`gateway.reload.mode`) as a gateway part: `hybrid` applies safe changes in place
 * and restarts in-process when a change needs it; `hot` applies safe changes and only warns
 * about the rest; `restart` restarts on any change; `off` does not watch. The mode and the
 * debounce are read from the running options, so a change to `gateway.reload.*` (turning it
 * off included) takes effect at once, without a restart. An edit that does not parse or
 * validate is logged with its key path and the running config stays.
 */
import type { Options } from "../config/load.ts";
import { planReload } from "../config/reload-rules.ts";
import { ConfigError, parseConfigText } from "../config/read-config.ts";
import { watchConfig, type ConfigWatcher } from "../config/watch-config.ts";
import type { Part, PartContext, PartStatus } from "../core/part.ts";
import type { Logger } from "../log/logger.ts";
import type { RestartController } from "./restart-controller.ts";
import type { GatewayServices } from "./services.ts";

export const DEFAULT_RELOAD_DEBOUNCE_MS = 300;
export const DEFAULT_RELOAD_MODE = "hybrid";

/** Makes new options the running ones: new connections and requests see them at once. */
export function applyOptions(services: GatewayServices, next: Readonly<Options>): void {
  services.applyOptions(next);
}

function reloadSettings(options: Readonly<Options>) {
  const reload = options.config.gateway?.reload;
  return { mode: reload?.mode ?? DEFAULT_RELOAD_MODE, debounceMs: reload?.debounceMs ?? DEFAULT_RELOAD_DEBOUNCE_MS };
}

/** The reloader is also how the gateway's own writes tell the watcher "not an outside edit". */
export interface ConfigReloaderPart extends Part {
  markSeen(text: string): void;
}

export function configReloader(services: GatewayServices, restart: RestartController): ConfigReloaderPart {
  let watcher: ConfigWatcher | null = null;
  let watching: { mode: string; debounceMs: number } | null = null;
  let log: Logger = services.log;
  let problem: string | null = null;

  const onChange = (text: string) => {
    const path = services.options.paths.configPath;
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
    const { mode } = reloadSettings(services.options);
    if (mode === "restart" || (mode === "hybrid" && plan.needsRestart)) {
      log.info(`config changed (${changed}); restarting in-process`);
      restart.request(`config change: ${changed}`, 0);
      return;
    }
    services.applyOptions(services.reloadOptions(file));
    log.info(`config reloaded (${changed})`);
    const pendingRestart = plan.changes.filter((c) => c.kind === "restart").map((c) => c.path);
    if (pendingRestart.length > 0) log.warn(`these changes apply after a restart (gateway.reload.mode=hot): ${pendingRestart.join(", ")}`);
    if (plan.channels.length > 0) log.info(`channel settings changed: ${plan.channels.join(", ")}`);
  };

  /** Watches (or stops watching) as the running options say. */
  const follow = (options: Readonly<Options>) => {
    const wanted = reloadSettings(options);
    if (watching && watching.mode !== "off" && wanted.mode !== "off" && watching.debounceMs === wanted.debounceMs) {
      watching = wanted; // mode changes between watching modes need no new watcher
      return;
    }
    watcher?.close();
    watcher = null;
    watching = wanted;
    problem = null;
    if (wanted.mode === "off") {
      log.info("hot reload is off (gateway.reload.mode=off)");
      return;
    }
    try {
      watcher = watchConfig(options.paths.configPath, wanted.debounceMs, options.file.raw, onChange, () =>
        log.debug(`${options.paths.configPath} is gone; the running config stays until it is back`),
      );
    } catch (error) {
      problem = `not watching ${options.paths.configPath} for changes: ${(error as Error).message}`;
      log.warn(problem);
    }
  };

  return {
    name: "config-reload",
    optional: true,
    start(ctx: PartContext) {
      log = ctx.log;
      follow(services.options);
    },
    stop() {
      watcher?.close();
      watcher = null;
      watching = null;
    },
    optionsChanged(next, previous) {
      const before = reloadSettings(previous);
      const after = reloadSettings(next);
      if (before.mode !== after.mode || before.debounceMs !== after.debounceMs) follow(next);
    },
    markSeen(text: string) {
      watcher?.markSeen(text);
    },
    status(): PartStatus {
      const info = { mode: watching?.mode ?? reloadSettings(services.options).mode, debounceMs: watching?.debounceMs, watching: watcher !== null };
      if (problem) return { state: "degraded", detail: problem, info };
      return { state: watcher ? "running" : "disabled", ...(watcher ? {} : { detail: "gateway.reload.mode is off" }), info };
    },
  };
}
