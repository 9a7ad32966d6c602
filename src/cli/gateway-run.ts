/** `openclaw gateway [run]`: start the gateway in the foreground. */
import { defineCommand } from "citty";
import { runGateway } from "../gateway/run-gateway.ts";
import { setExitCode } from "./exit-code.ts";
import { globalFlags } from "./global-flags.ts";
import { parsePort, runArgs } from "./gateway-run-args.ts";

export default defineCommand({
  meta: { name: "run", description: "Run the gateway in the foreground" },
  args: runArgs,
  async run({ args }) {
    const code = await runGateway({
      flags: globalFlags(),
      port: parsePort(args.port),
      verbose: args.verbose,
      force: args.force,
      allowUnconfigured: args["allow-unconfigured"],
    });
    setExitCode(code);
  },
});
