/** The version this build reports (`openclaw --version`, `hello-ok.server.version`). */
import pkg from "../package.json" with { type: "json" };

export interface BuildFacts {
  version: string;
  /** 40-hex commit the binary was built from, or "unknown" (run from source). */
  commit: string;
  /** ISO-8601 build time, or "unknown" (run from source). */
  date: string;
  /** Release target such as "linux-x64", or "source" when run with `bun src/main.ts`. */
  target: string;
}

/** Replaced by the release/build scripts through `Bun.build({ define })`; undefined from source. */
declare const __OPENCLAW_BUILD__: BuildFacts | undefined;

export const BUILD: BuildFacts =
  typeof __OPENCLAW_BUILD__ !== "undefined" ? __OPENCLAW_BUILD__ : { version: pkg.version, commit: "unknown", date: "unknown", target: "source" };

export const VERSION: string = BUILD.version;
