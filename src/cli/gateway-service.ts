/**
 * `openclaw gateway install|uninstall|start|stop|restart`: the gateway under the machine's
 * supervisor. `restart` only queues the restart (systemd `--no-block`), so it is safe to run
 * from inside the service itself: it never waits for its own process to stop.
 */
import { defineCommand } from "citty";
import { loadOptions, type Options } from "../config/load.ts";
import { localService } from "../service/local-service.ts";
import { ServiceError, type ServiceManager, type ServiceSpec } from "../service/types.ts";
import { CliError } from "./cli-error.ts";
import { commandHint } from "./command-hint.ts";
import { parsePort } from "./gateway-run-args.ts";
import { globalFlags } from "./global-flags.ts";

interface Target {
  options: Readonly<Options>;
  manager: ServiceManager;
  spec: ServiceSpec;
}

async function target(flags: { port?: string; system?: boolean; force?: boolean }): Promise<Target> {
  const port = parsePort(flags.port);
  const options = await loadOptions({ flags: globalFlags(), port });
  const { manager, spec } = localService(options, { port, system: flags.system, force: flags.force });
  return { options, manager, spec };
}

/** ServiceErrors are the user's to act on: one `error:` line, exit 1. */
async function guarded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ServiceError) throw new CliError(error.message);
    throw error;
  }
}

/**
 * start/stop/restart/uninstall only use the spec's name and unit path, never the program it
 * would run, so they work from a source checkout too.
 */
const NAME_ONLY = true;

const say = (line: string) => process.stdout.write(`${line}\n`);
const scopeArgs = { system: { type: "boolean", description: "A systemd system unit (/etc/systemd/system, needs root) instead of a user unit", default: false } } as const;

const install = defineCommand({
  meta: { name: "install", description: "Install the gateway as a system service (launchd/systemd) and start it" },
  args: {
    port: { type: "string", description: "Port the service's gateway listens on (default: the resolved gateway port)" },
    force: { type: "boolean", description: "Rewrite the service even when it is unchanged (and allow a from-source install)", default: false },
    ...scopeArgs,
  },
  run: ({ args }) =>
    guarded(async () => {
      const { manager, spec } = await target(args);
      const result = await manager.install(spec, { force: args.force });
      const verb = { installed: "installed and started", reinstalled: "rewritten and restarted", unchanged: "already installed, unchanged" }[result.outcome];
      say(`${spec.name} ${verb} (${result.file}), gateway on port ${spec.port}`);
      for (const note of result.notes) say(`note: ${note}`);
      for (const other of await manager.others({ deep: false })) say(`note: another gateway service is installed: ${other}`);
    }),
});

function simple(verb: "start" | "stop" | "restart", description: string, done: string) {
  return defineCommand({
    meta: { name: verb, description },
    args: scopeArgs,
    run: ({ args }) =>
      guarded(async () => {
        const { manager, spec } = await target({ system: args.system, force: NAME_ONLY });
        await manager[verb](spec);
        say(`${spec.name} ${done}`);
      }),
  });
}

const uninstall = defineCommand({
  meta: { name: "uninstall", description: "Stop and remove the gateway's system service" },
  args: scopeArgs,
  run: ({ args }) =>
    guarded(async () => {
      const { options, manager, spec } = await target({ system: args.system, force: NAME_ONLY });
      const result = await manager.uninstall(spec);
      say(result.removed ? `${spec.name} stopped and removed` : `${spec.name} was not installed (install it with: ${commandHint(options.paths.profile, "gateway install")})`);
      for (const note of result.notes) say(`note: ${note}`);
    }),
});

export const serviceCommands = {
  install,
  uninstall,
  start: simple("start", "Start the gateway's system service", "started"),
  stop: simple("stop", "Stop the gateway's system service", "stopped"),
  restart: simple("restart", "Restart the gateway's system service (queued, does not wait)", "restart queued"),
};
