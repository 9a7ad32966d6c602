/**
 * `--dev` and `--profile <name>` may stand anywhere before `--` (`openclaw --dev gateway`,
 * `openclaw gateway --profile work`), so they are taken out of argv before citty parses it.
 */
import type { GlobalFlags } from "../config/paths.ts";

let current: GlobalFlags = {};

export function extractGlobalFlags(argv: readonly string[]): { flags: GlobalFlags; rest: string[] } {
  const flags: GlobalFlags = {};
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") {
      rest.push(...argv.slice(i));
      break;
    }
    if (arg === "--dev") flags.dev = true;
    else if (arg === "--profile" && i + 1 < argv.length) flags.profile = argv[++i];
    else if (arg.startsWith("--profile=")) flags.profile = arg.slice("--profile=".length);
    else rest.push(arg);
  }
  return { flags, rest };
}

export function setGlobalFlags(flags: GlobalFlags): void {
  current = flags;
}

/** The global flags of this invocation (set once by main). */
export function globalFlags(): GlobalFlags {
  return current;
}
