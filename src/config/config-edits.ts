/**
 * The edits behind `config.set|apply` (whole config) and `config.patch` (merge patch), as
 * ConfigEdits for `updateConfig`: the caller's JSON5 text is parsed once, and placeholders of
 * redacted secrets it sends back keep the values the file has.
 */
import type { ConfigEdit, CurrentConfig } from "./config-writer.ts";
import type { ConfigObject } from "./config-document.ts";
import { mergePatch } from "./merge-patch.ts";
import { ConfigError } from "./read-config.ts";
import { restoreRedacted } from "./redact-config.ts";

const isObject = (value: unknown): value is ConfigObject => value !== null && typeof value === "object" && !Array.isArray(value);

function parseIncoming(path: string, raw: string): unknown {
  try {
    return Bun.JSON5.parse(raw);
  } catch (error) {
    throw new ConfigError(path, [`raw is not valid JSON5: ${(error as Error).message}`]);
  }
}

function asDocument(path: string, value: unknown): ConfigObject {
  if (!isObject(value)) throw new ConfigError(path, ["(root): must be an object"]);
  return value;
}

/** The current document, or `{}` when the file does not parse: a broken file may be replaced. */
function baseOrEmpty(current: CurrentConfig): ConfigObject {
  try {
    return current.document();
  } catch (error) {
    if (error instanceof ConfigError) return {};
    throw error;
  }
}

/** `config.set` / `config.apply`: `raw` is the whole new config. */
export function replaceEdit(raw: string): ConfigEdit {
  return (current) => {
    const incoming = parseIncoming(current.path, raw);
    return asDocument(current.path, restoreRedacted(incoming, baseOrEmpty(current)));
  };
}

/** `config.patch`: `raw` is merged over the current config (`null` deletes); needs a file that parses. */
export function patchEdit(raw: string): ConfigEdit {
  return (current) => {
    const incoming = parseIncoming(current.path, raw);
    let base: ConfigObject;
    try {
      base = current.document();
    } catch (error) {
      if (error instanceof ConfigError) throw new ConfigError(current.path, ["the current file does not parse; use config.apply"]);
      throw error;
    }
    return asDocument(current.path, restoreRedacted(mergePatch(base, incoming), base));
  };
}
