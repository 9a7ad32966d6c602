/**
 * What the running binary is: its version and release target, from `BUILD` (src/version.ts,
 * compiled in by the release build). From source the target is `source`, which update refuses.
 */
import { runningFromSource } from "../service/spec.ts";
import { BUILD } from "../version.ts";

export interface RunningBuild {
  version: string;
  /** A release target (`linux-x64`, `linux-x64-baseline`, …) or `source`. */
  target: string;
}

export function runningBuild(execPath: string = process.execPath): RunningBuild {
  // A binary compiled without the release define reports target `source` too: it cannot be matched to a release.
  if (runningFromSource(execPath)) return { version: BUILD.version, target: "source" };
  return { version: BUILD.version, target: BUILD.target };
}
