/** Command line of `bun scripts/release/release.ts` (see release.ts for the meaning). */
import { join, resolve } from "node:path";
import pkg from "../../package.json" with { type: "json" };
import { ROOT } from "./compile.ts";
import { RELEASE_TARGETS, type ReleaseTarget } from "./manifest-types.ts";
import { isReleaseTarget } from "./targets.ts";

export class UsageError extends Error {
  override name = "UsageError";
}

export interface ReleaseArgs {
  out: string;
  version: string;
  targets: ReleaseTarget[];
  skipGen: boolean;
  skipPackages: boolean;
  /** How many targets build at once (each its own process). */
  jobs: number;
}

export const USAGE = `usage: bun scripts/release/release.ts [--out DIR] [--version V] [--targets t1,t2,...] [--jobs N] [--skip-gen] [--skip-packages]
  --out DIR        release directory (default dist/release); writes DIR/<version>/ and DIR/latest
  --version V      version to stamp (default: package.json's ${pkg.version})
  --targets LIST   comma-separated, default all: ${RELEASE_TARGETS.join(",")}
  --jobs N         targets built at the same time (default 3)
  --skip-gen       do not run protocol generation first
  --skip-packages  do not write packages/ (deb, apt, brew, scoop, npm)`;

/** SemVer 2.0 without build metadata: it ends up in file names, package versions and URLs. */
const VERSION_RE = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$/;

export function parseReleaseArgs(argv: string[]): ReleaseArgs | "help" {
  const args: ReleaseArgs = { out: join(ROOT, "dist", "release"), version: pkg.version, targets: [...RELEASE_TARGETS], skipGen: false, skipPackages: false, jobs: 3 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.indexOf("=");
    const name = arg.startsWith("--") && eq > 0 ? arg.slice(0, eq) : arg;
    const value = (): string => {
      const v = eq > 0 && arg.startsWith("--") ? arg.slice(eq + 1) : argv[++i];
      if (v === undefined || v === "") throw new UsageError(`${name} needs a value (see --help)`);
      return v;
    };
    if (name === "--help" || name === "-h") return "help";
    else if (name === "--skip-gen") args.skipGen = true;
    else if (name === "--skip-packages") args.skipPackages = true;
    // Absolute: the packagers run tools (npm pack) in other working directories.
    else if (name === "--out") args.out = resolve(value());
    else if (name === "--version") {
      args.version = value();
      if (!VERSION_RE.test(args.version)) throw new UsageError(`--version ${JSON.stringify(args.version)} is not a version like 1.2.3 or 1.2.3-rc.1`);
    } else if (name === "--jobs") {
      args.jobs = Number(value());
      if (!Number.isInteger(args.jobs) || args.jobs < 1 || args.jobs > 16) throw new UsageError("--jobs must be a whole number from 1 to 16");
    } else if (name === "--targets") {
      const list = value().split(",").map((s) => s.trim().replace(/^bun-/, "")).filter(Boolean);
      const unknown = list.filter((t) => !isReleaseTarget(t));
      if (unknown.length) throw new UsageError(`unknown target ${unknown.join(", ")} (known: ${RELEASE_TARGETS.join(", ")})`);
      // Release order, no duplicates: the manifest and SHA256SUMS then do not depend on how it was typed.
      args.targets = RELEASE_TARGETS.filter((t) => list.includes(t));
      if (!args.targets.length) throw new UsageError("--targets is empty");
    } else throw new UsageError(`unknown argument ${arg} (see --help)`);
  }
  return args;
}
