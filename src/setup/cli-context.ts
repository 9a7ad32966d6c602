/**
 * What `setup`, `config` and `doctor` start from: the resolved paths, the environment and the
 * config file — or, when the file does not parse or validate, the error instead of a throw,
 * because these are the commands a user runs to repair it.
 */
import { loadOptionsForRepair, type Options } from "../config/load.ts";
import type { GlobalFlags } from "../config/paths.ts";
import type { ConfigError } from "../config/read-config.ts";

export interface CliContext {
  /** Options resolved from the file, or from an empty config when the file is invalid. */
  options: Readonly<Options>;
  /** Set when the config file exists but does not parse or validate. */
  configError: ConfigError | null;
}

export function loadCliContext(flags: GlobalFlags): Promise<CliContext> {
  return loadOptionsForRepair({ flags });
}
