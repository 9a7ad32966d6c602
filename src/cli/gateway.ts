/** `openclaw gateway …`: run the gateway (default) or talk to a running one. */
import { defineCommand } from "citty";
import { runArgs } from "./gateway-run-args.ts";
import type { NotAvailableSpec } from "./not-available.ts";

/** Service management is not built yet; meanwhile the gateway runs in the foreground. */
const service = (verb: string, description: string) => () =>
  import("./not-available.ts").then((m) =>
    m.notAvailable({ command: `gateway ${verb}`, description, instead: { why: "meanwhile run it in the foreground (or under your own supervisor)", command: "gateway" } } satisfies NotAvailableSpec),
  );

export default defineCommand({
  meta: { name: "gateway", description: "Run the gateway, or call a running one" },
  // Declared here too so citty knows `--port 1` takes a value and `1` is not a subcommand.
  args: runArgs,
  default: "run",
  subCommands: {
    run: () => import("./gateway-run.ts").then((m) => m.default),
    call: () => import("./call.ts").then((m) => m.default),
    health: () => import("./health.ts").then((m) => m.default),
    status: () => import("./status.ts").then((m) => m.default),
    install: service("install", "Install the gateway as a system service (launchd/systemd)"),
    uninstall: service("uninstall", "Remove the gateway's system service"),
    start: service("start", "Start the gateway's system service"),
    stop: service("stop", "Stop the gateway's system service"),
    restart: service("restart", "Restart the gateway's system service"),
  },
});
