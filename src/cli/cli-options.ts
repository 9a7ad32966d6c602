/** The config as a command sees it: the global flags applied, a broken file a one-line error with EX_CONFIG. */
import { loadOptions, type Options } from "../config/load.ts";
import { ConfigError } from "../config/read-config.ts";
import { CliError, EXIT_CONFIG } from "./cli-error.ts";
import { globalFlags } from "./global-flags.ts";

export async function loadCliOptions(): Promise<Readonly<Options>> {
  try {
    return await loadOptions({ flags: globalFlags() });
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(error.message, EXIT_CONFIG);
    throw error;
  }
}
