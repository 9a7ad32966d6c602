/**
 * Reads and validates `openclaw.json` (JSON5). Wrong values are errors that name the file and
 * the key path; unknown keys are warnings, so a config from a newer or older release still loads.
 */
import { locateJson5Error } from "./json5-position.ts";
import type { OpenClawConfig } from "../../protocol/config-schema.ts";
import { lastErrors, validate } from "../../protocol/validate.ts";

export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: readonly string[],
  ) {
    super(`invalid config ${file}: ${problems.join("; ")}`);
    this.name = "ConfigError";
  }
}

export interface ConfigFile {
  path: string;
  exists: boolean;
  /** The file's text, or null when it does not exist. */
  raw: string | null;
  config: OpenClawConfig;
  /** Unknown keys, one line each. */
  warnings: string[];
}

/** `/gateway/auth` + `port` → `gateway.auth.port`. */
function keyPath(instancePath: string, child?: string): string {
  const parts = instancePath.split("/").slice(1).map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"));
  if (child !== undefined) parts.push(child);
  return parts.length > 0 ? parts.join(".") : "(root)";
}

/** Validates an already-parsed config object. */
export function checkConfig(file: string, value: unknown): { config: OpenClawConfig; warnings: string[] } {
  if (validate("OpenClawConfig", value).ok) return { config: value as OpenClawConfig, warnings: [] };
  const warnings: string[] = [];
  const problems: string[] = [];
  for (const error of lastErrors("OpenClawConfig")) {
    if (error.keyword === "additionalProperties") {
      const extra = (error.params as { additionalProperty: string }).additionalProperty;
      warnings.push(`unknown config key ${keyPath(error.instancePath, extra)} (ignored)`);
    } else {
      const allowed = error.keyword === "enum" ? ` (one of: ${(error.params as { allowedValues: unknown[] }).allowedValues.join(", ")})` : "";
      problems.push(`${keyPath(error.instancePath)}: ${error.message ?? "invalid"}${allowed}`);
    }
  }
  if (problems.length > 0) throw new ConfigError(file, problems);
  return { config: value as OpenClawConfig, warnings };
}

export function parseConfigText(file: string, raw: string): { config: OpenClawConfig; warnings: string[] } {
  let parsed: unknown;
  try {
    parsed = raw.trim() === "" ? {} : Bun.JSON5.parse(raw);
  } catch (error) {
    const message = (error as Error).message ?? String(error);
    const at = locateJson5Error(raw, message);
    const where = at ? ` at line ${at.line}, column ${at.column}` : "";
    throw new ConfigError(file, [`not valid JSON5${where}: ${message.replace(/^JSON5 Parse error: /, "")}`]);
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new ConfigError(file, ["(root): must be an object"]);
  }
  return checkConfig(file, parsed);
}

export async function readConfigFile(path: string): Promise<ConfigFile> {
  const file = Bun.file(path);
  if (!(await file.exists())) return { path, exists: false, raw: null, config: {}, warnings: [] };
  let raw: string;
  try {
    raw = await file.text();
  } catch (error) {
    throw new ConfigError(path, [`cannot read file: ${(error as Error).message}`]);
  }
  return { path, exists: true, raw, ...parseConfigText(path, raw) };
}
