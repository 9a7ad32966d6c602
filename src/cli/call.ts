/** `openclaw gateway call <method> --params '<json>'`: a raw method caller for debugging and scripts. */
import { defineCommand } from "citty";
import { CliError } from "./cli-error.ts";
import { CLI_SCOPES, connectionArgs, withGateway } from "./gateway-target.ts";

export default defineCommand({
  meta: { name: "call", description: "Call a gateway method and print the result" },
  args: {
    method: { type: "positional", description: "Method name, e.g. health", required: true },
    params: { type: "string", description: "Params as JSON", default: "{}" },
    ...connectionArgs,
  },
  async run({ args }) {
    let params: unknown;
    try {
      params = JSON.parse(args.params);
    } catch {
      throw new CliError(`--params is not valid JSON: ${args.params.slice(0, 80)}`);
    }
    const result = await withGateway(args, CLI_SCOPES, (client) => client.call(args.method, params));
    process.stdout.write(JSON.stringify(result, null, 2) + "\n");
  },
});
