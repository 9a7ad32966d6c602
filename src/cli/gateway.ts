/** `openclaw gateway …`: run the gateway (default) or talk to a running one. */
import { defineCommand } from "citty";
import { runArgs } from "./gateway-run-args.ts";

/** The service commands load together: they share the supervisor code. */
const service = (verb: "install" | "uninstall" | "start" | "stop" | "restart") => () => import("./gateway-service.ts").then((m) => m.serviceCommands[verb]);

export default defineCommand({
  meta: { name: "gateway", description: "Run the gateway, or call a running one" },
  // Declared here too so citty knows `--port 1` takes a value and `1` is not a subcommand.
  args: runArgs,
  default: "run",
  subCommands: {
    run: () => import("./gateway-run.ts").then((m) => m.default),
    call: () => import("./call.ts").then((m) => m.default),
    health: () => import("./health.ts").then((m) => m.default),
    // Supervisor state plus RPC probe; plain `openclaw status` stays the RPC-only summary.
    status: () => import("./gateway-status.ts").then((m) => m.default),
    install: service("install"),
    uninstall: service("uninstall"),
    start: service("start"),
    stop: service("stop"),
    restart: service("restart"),
  },
});
