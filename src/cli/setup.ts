/**
 * `openclaw setup`: prepare the state dir, config and workspace for a local gateway
 * (respects `--dev`, `--profile` and `OPENCLAW_*`). The token is never printed, only where it is.
 */
import { defineCommand } from "citty";
import { ConfigError } from "../config/read-config.ts";
import { loadCliContext } from "../setup/cli-context.ts";
import { runSetup, type SetupSummary } from "../setup/run-setup.ts";
import { CliError, EXIT_CONFIG } from "./cli-error.ts";
import { commandHint } from "./command-hint.ts";
import { globalFlags } from "./global-flags.ts";

const state = (created: boolean) => (created ? "created" : "kept");

export function describeSetup(s: SetupSummary): string {
  const cmd = (command: string) => commandHint(s.profile, command);
  const config = s.config.created
    ? `created (${s.config.changed.join(", ")})`
    : s.config.changed.length > 0 ? `updated ${s.config.changed.join(", ")}; other keys kept` : "kept";
  const secret =
    s.secret.source === "generated" ? `generated, saved in ${s.secret.location} (not printed; see: ${cmd("config get gateway.auth.token --show-secret")})`
    : s.secret.location ? `kept, in ${s.secret.location}`
    : "none configured";
  const lines = [
    ...(s.profile ? [`Profile:    ${s.profile}`] : []),
    `State dir:  ${s.stateDir.path} (${state(s.stateDir.created)})`,
    `Config:     ${s.config.path} (${config})`,
    `Auth:       ${secret}`,
    `Workspace:  ${s.workspace.path} (${state(s.workspace.created)}${s.workspace.seeded.length ? `; wrote ${s.workspace.seeded.join(", ")}` : ""})`,
    `Canvas:     ${s.canvas.path} (${state(s.canvas.created)})`,
    `Gateway:    ws://127.0.0.1:${s.port} (port from ${s.portSource})`,
    ...s.notes.map((note) => `Note:       ${note}`),
    s.changed ? `Setup done. Start the gateway with: ${cmd("gateway")}` : "Nothing to do: already set up, nothing changed.",
  ];
  return lines.join("\n");
}

export default defineCommand({
  meta: { name: "setup", description: "Create the state dir, config (with a gateway token) and workspace" },
  args: { json: { type: "boolean", description: "Print a machine-readable summary (never the token)", default: false } },
  async run({ args }) {
    const { options, configError } = await loadCliContext(globalFlags());
    const cmd = (command: string) => commandHint(options.paths.profile, command);
    if (configError) throw new CliError(`${configError.message} (fix it with ${cmd("config set/unset")}, or see ${cmd("doctor")})`, EXIT_CONFIG);
    let summary: SetupSummary;
    try {
      summary = await runSetup(options);
    } catch (error) {
      if (error instanceof ConfigError) throw new CliError(error.message, EXIT_CONFIG);
      throw error;
    }
    process.stdout.write((args.json ? JSON.stringify(summary, null, 2) : describeSetup(summary)) + "\n");
  },
});
