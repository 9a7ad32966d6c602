/**
 * The openclaw command line a hint should show. A hint that says `openclaw setup` to someone
 * running `openclaw --dev …` would set up the default profile instead of theirs, so every hint
 * that names a command carries the profile of the invocation that printed it.
 */
import type { GlobalFlags } from "../config/paths.ts";

/** `commandHint("dev", "setup")` → `openclaw --dev setup`; no profile → `openclaw setup`. */
export function commandHint(profile: string | null | undefined, command: string): string {
  return `openclaw ${profileFlag(profile)}${command}`;
}

/** The flag that selects `profile` (with a trailing space), or "" for the default profile. */
function profileFlag(profile: string | null | undefined): string {
  if (!profile || profile === "default") return "";
  // Profile names are letters, digits, "-" and "_" (paths.ts), so they need no shell quoting.
  return profile === "dev" ? "--dev " : `--profile ${profile} `;
}

/** The profile named by `--dev` / `--profile` alone, for code that has the flags but no resolved paths. */
export function flagsProfile(flags: GlobalFlags): string | undefined {
  return flags.dev ? "dev" : flags.profile;
}
