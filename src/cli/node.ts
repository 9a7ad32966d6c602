/**
 * `openclaw node run`: this machine as a node of a gateway. It offers `system.which` and
 * `system.run` (only programs in the node's own allowlist file) and stays connected until
 * SIGTERM/SIGINT.
 */
import { defineCommand } from "citty";
import { resolve } from "node:path";
import { loadOptions } from "../config/load.ts";
import { createLogging } from "../log/logger.ts";
import { Redactor } from "../log/redact.ts";
import { AllowlistError, defaultAllowlistPath } from "../node-host/allowlist.ts";
import { startNodeHost } from "../node-host/node-host.ts";
import { CliError, EXIT_CONFIG } from "./cli-error.ts";
import { connectionArgs, resolveClientOptions } from "./gateway-target.ts";
import { globalFlags } from "./global-flags.ts";

const run = defineCommand({
  meta: { name: "run", description: "Run a node host in the foreground (system.run, system.which)" },
  args: {
    url: connectionArgs.url,
    token: connectionArgs.token,
    password: connectionArgs.password,
    allowlist: { type: "string", description: "Programs system.run may start (default: <stateDir>/node-allowlist.json; missing = none)" },
    "display-name": { type: "string", description: "Name shown in node.list (default: none)" },
  },
  async run({ args }) {
    process.title = "openclaw-node";
    // Same url/credential resolution as every other command that talks to a gateway.
    const client = await resolveClientOptions({ url: args.url, token: args.token, password: args.password }, []);
    const options = await loadOptions({ flags: globalFlags() });
    const logging = createLogging({ consoleLevel: "info", fileLevel: "info", file: null, redactor: new Redactor() });
    const log = logging.root.withTag("node");
    let host;
    try {
      host = await startNodeHost({
        url: client.url,
        token: client.token,
        password: client.password,
        identity: client.identity!,
        allowlistPath: args.allowlist ? resolve(args.allowlist) : defaultAllowlistPath(options.paths.stateDir),
        displayName: args["display-name"],
        env: options.env,
        log,
      });
    } catch (error) {
      if (error instanceof AllowlistError) throw new CliError(error.message, EXIT_CONFIG);
      throw error;
    }
    const stop = (signal: string) => {
      log.info(`received ${signal}, stopping`);
      void host.stop();
    };
    const onTerm = () => stop("SIGTERM");
    const onInt = () => stop("SIGINT");
    process.on("SIGTERM", onTerm);
    process.on("SIGINT", onInt);
    try {
      await host.done;
    } catch (error) {
      throw new CliError((error as Error).message);
    } finally {
      process.off("SIGTERM", onTerm);
      process.off("SIGINT", onInt);
      await logging.close();
    }
  },
});

export default defineCommand({
  meta: { name: "node", description: "Run this machine as a node of a gateway" },
  subCommands: { run: () => Promise.resolve(run) },
});
