/** `openclaw --version [--json]`: the build facts compiled into this binary (src/version.ts). */
import { BUILD, type BuildFacts } from "../version.ts";

/** `openclaw 0.1.0 (3a7fbc2, built 2026-12-01T11:00:00Z, linux-x64)`; from source: `(source)` only. */
export function formatVersion(build: BuildFacts = BUILD): string {
  if (build.target === "source") return `openclaw ${build.version} (source${build.commit !== "unknown" ? `, ${build.commit.slice(0, 7)}` : ""})`;
  const commit = build.commit === "unknown" ? "commit unknown" : build.commit.slice(0, 7);
  return `openclaw ${build.version} (${commit}, built ${build.date}, ${build.target})`;
}

/** Handles `--version`, `-v`, `--version --json` (either order); null when argv is something else. */
export function versionOutput(argv: string[]): string | null {
  const flags = new Set(argv);
  const asked = flags.has("--version") || flags.has("-v");
  if (!asked || argv.length > 2 || flags.size !== argv.length) return null;
  if (argv.length === 1) return formatVersion() + "\n";
  return flags.has("--json") ? JSON.stringify(BUILD) + "\n" : null;
}
