/**
 * `system.which {bins}` → `{bins: {<name>: <absolute path or null>}}`, looked up on the node's
 * own PATH with the same resolution `system.run` uses.
 */
import { resolveExecutable } from "./allowlist.ts";
import { invalidParams, isCleanString, isRecord } from "./command-error.ts";

const MAX_BINS = 256;

export interface WhichResult {
  bins: Record<string, string | null>;
}

export function systemWhich(params: unknown, path: string | undefined): WhichResult {
  if (!isRecord(params) || !Array.isArray(params.bins)) throw invalidParams("system.which", "expected {bins: string[]}");
  const names: unknown[] = params.bins;
  if (names.length > MAX_BINS) throw invalidParams("system.which", `at most ${MAX_BINS} bins per call`);
  if (!names.every(isCleanString)) throw invalidParams("system.which", "every bin must be a non-empty string");
  // A null prototype, so a bin named "__proto__" is just a key.
  const bins: Record<string, string | null> = Object.create(null);
  for (const name of names as string[]) bins[name] = resolveExecutable(name, path);
  return { bins };
}
