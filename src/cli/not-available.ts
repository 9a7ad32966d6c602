/**
 * Commands the product has and this build does not have yet. They are listed in `--help` and
 * say so in words, because "Unknown command install" reads like a typo or a broken install.
 * They exit 1 (a plain failure: scripts must not mistake them for done).
 */
import { defineCommand, type CommandDef } from "citty";
import { CliError } from "./cli-error.ts";
import { commandHint, flagsProfile } from "./command-hint.ts";
import { globalFlags } from "./global-flags.ts";

export interface NotAvailableSpec {
  /** The words after `openclaw`, e.g. `gateway install`. */
  command: string;
  /** What the command is for; `(not available yet)` is appended in `--help`. */
  description: string;
  /** A command to use meanwhile, named without `openclaw` (the profile is added), e.g. `gateway`. */
  instead?: { command: string; why: string };
  /** Subcommands of a group that is not built yet; not available either. */
  subCommands?: Record<string, NotAvailableSpec>;
}

export function notAvailable(spec: NotAvailableSpec): CommandDef {
  const subCommands = spec.subCommands
    ? Object.fromEntries(Object.entries(spec.subCommands).map(([name, sub]) => [name, notAvailable(sub)]))
    : undefined;
  return defineCommand({
    meta: { name: spec.command.split(" ").at(-1), description: `${spec.description} (not available yet)` },
    subCommands,
    // citty runs this only when no subcommand was named (a named one throws first).
    run() {
      const instead = spec.instead ? `; ${spec.instead.why}: ${commandHint(flagsProfile(globalFlags()), spec.instead.command)}` : "";
      throw new CliError(`openclaw ${spec.command} is not available in this build yet${instead}`);
    },
  });
}
