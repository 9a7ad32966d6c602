/**
 * How this openclaw got onto the machine, which decides whether `openclaw update` may replace
 * it: a package manager owns its files (and would put its own version back, or lose track),
 * so for those the update only names the package manager's command.
 */
import { existsSync, realpathSync } from "node:fs";
import { runningFromSource } from "../service/spec.ts";

export type InstallKind =
  | { kind: "self" }
  | { kind: "source" }
  | { kind: "brew" | "apt" | "npm" | "scoop"; manager: string; command: string };

export interface InstallFacts {
  /** `process.execPath`: the binary that runs (bun itself when running from source). */
  execPath: string;
  /** The same path with symlinks resolved. */
  realPath: string;
  /** Whether dpkg knows the `openclaw` package (`/var/lib/dpkg/info/openclaw.list` exists). */
  dpkgOwnsOpenclaw: boolean;
  /** `HOMEBREW_PREFIX`, when set. */
  homebrewPrefix?: string;
}

const HOMEBREW_PREFIXES = ["/opt/homebrew/", "/home/linuxbrew/.linuxbrew/"];

const PACKAGE_MANAGERS = {
  brew: { manager: "Homebrew", command: "brew upgrade openclaw" },
  apt: { manager: "apt", command: "sudo apt-get install --only-upgrade openclaw" },
  npm: { manager: "npm", command: "npm install -g openclaw-gateway-bun@latest" },
  scoop: { manager: "Scoop", command: "scoop update openclaw" },
} as const;

/** Pure: decided from the facts alone, so every case is a table test. */
export function detectInstallKind(facts: InstallFacts): InstallKind {
  if (runningFromSource(facts.execPath)) return { kind: "source" };
  // Windows paths are compared with forward slashes and case-folded, as the file system is.
  const paths = [facts.execPath, facts.realPath].map((p) => p.replaceAll("\\", "/"));
  const pm = (kind: keyof typeof PACKAGE_MANAGERS): InstallKind => ({ kind, ...PACKAGE_MANAGERS[kind] });
  if (paths.some((p) => p.toLowerCase().includes("/scoop/apps/"))) return pm("scoop");
  const brewPrefixes = [...HOMEBREW_PREFIXES, ...(facts.homebrewPrefix ? [facts.homebrewPrefix.replace(/\/*$/, "/")] : [])];
  if (paths.some((p) => p.includes("/Cellar/") || brewPrefixes.some((prefix) => p.startsWith(prefix)))) return pm("brew");
  if (paths.some((p) => p.includes("/node_modules/"))) return pm("npm");
  if (facts.dpkgOwnsOpenclaw && paths.includes("/usr/bin/openclaw")) return pm("apt");
  return { kind: "self" };
}

/** The facts of this machine for `execPath`. */
export function probeInstallFacts(execPath: string, env: Readonly<Record<string, string | undefined>>): InstallFacts {
  let realPath = execPath;
  try {
    realPath = realpathSync(execPath);
  } catch {
    // A binary that vanished under us is judged by the path it was started from.
  }
  return {
    execPath,
    realPath,
    dpkgOwnsOpenclaw: process.platform === "linux" && existsSync("/var/lib/dpkg/info/openclaw.list"),
    homebrewPrefix: env.HOMEBREW_PREFIX?.trim() || undefined,
  };
}
