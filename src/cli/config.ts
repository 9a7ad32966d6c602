/**
 * `openclaw config get|set|unset <path>`: read and edit `openclaw.json` by dotted key path
 * (`gateway.auth.token`). Edits are validated against the schema before an atomic write that
 * keeps `<config>.bak`; secrets are masked on output unless `--show-secret`.
 */
import { defineCommand } from "citty";
import { checkConfig, ConfigError } from "../config/read-config.ts";
import { loadCliContext } from "../setup/cli-context.ts";
import {
  ConfigPathError,
  getAtPath,
  parseDocument,
  redactSecrets,
  saveDocument,
  setPath,
  splitPath,
  unsetPath,
  type ConfigObject,
} from "../config/config-document.ts";
import { CliError } from "./cli-error.ts";
import { globalFlags } from "./global-flags.ts";

const pathArg = { type: "positional", description: "Dotted key path, e.g. gateway.auth.token", required: true } as const;

/** The config file's path and its parsed (not validated) content, so a broken file can be repaired. */
async function openDocument(): Promise<{ path: string; doc: ConfigObject }> {
  const { options } = await loadCliContext(globalFlags());
  const path = options.paths.configPath;
  const file = Bun.file(path);
  try {
    return { path, doc: parseDocument(path, (await file.exists()) ? await file.text() : null) };
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(error.message);
    throw error;
  }
}

function parts(path: string): string[] {
  try {
    return splitPath(path);
  } catch (error) {
    if (error instanceof ConfigPathError) throw new CliError(error.message);
    throw error;
  }
}

/** Validates and writes; refuses new unknown keys under the edited path (likely a typo). */
async function save(path: string, doc: ConfigObject, edited: string): Promise<void> {
  try {
    const unknown = checkConfig(path, doc).warnings.filter((w) => {
      const key = /unknown config key (\S+)/.exec(w)?.[1] ?? "";
      return key === edited || key.startsWith(`${edited}.`) || edited.startsWith(`${key}.`);
    });
    if (unknown.length > 0) throw new CliError(`refusing to write ${path}: ${unknown.map((w) => w.replace(/ \(ignored\)$/, "")).join("; ")}; nothing was changed`);
    await saveDocument(path, doc);
  } catch (error) {
    if (error instanceof ConfigError) {
      throw new CliError(`refusing to write ${path}: ${error.problems.join("; ")}; nothing was changed`);
    }
    throw error;
  }
}

/** The value as typed: JSON5 when it parses (`19001`, `true`, `["a"]`), else the plain string. */
export function parseValue(text: string, forceString: boolean): unknown {
  if (forceString) return text;
  try {
    return Bun.JSON5.parse(text);
  } catch {
    return text;
  }
}

const getCommand = defineCommand({
  meta: { name: "get", description: "Print a config value (secrets masked unless --show-secret)" },
  args: {
    path: pathArg,
    json: { type: "boolean", description: "Print the value as JSON", default: false },
    "show-secret": { type: "boolean", description: "Print tokens and passwords in clear", default: false },
  },
  async run({ args }) {
    const { doc } = await openDocument();
    const keys = parts(args.path);
    const raw = getAtPath(doc, keys);
    if (raw === undefined) throw new CliError(`${args.path} is not set`);
    const value = args["show-secret"] ? raw : redactSecrets(raw, keys[keys.length - 1]);
    const text = args.json || typeof value !== "string" ? JSON.stringify(value, null, 2) : value;
    process.stdout.write(`${text}\n`);
  },
});

const setCommand = defineCommand({
  meta: { name: "set", description: "Set a config value (JSON5 when it parses, else a string)" },
  args: {
    path: pathArg,
    value: { type: "positional", description: "The value: 19001, true, [\"a\"], {…} or text", required: true },
    string: { type: "boolean", description: "Store the value as a string even if it looks like JSON", default: false },
  },
  async run({ args }) {
    const { path, doc } = await openDocument();
    const keys = parts(args.path);
    const value = parseValue(args.value, args.string);
    try {
      setPath(doc, keys, value);
    } catch (error) {
      if (error instanceof ConfigPathError) throw new CliError(error.message);
      throw error;
    }
    await save(path, doc, args.path);
    const shown = redactSecrets(value, keys[keys.length - 1]);
    process.stdout.write(`Set ${args.path} = ${JSON.stringify(shown)} in ${path} (previous file kept as ${path}.bak)\n`);
  },
});

const unsetCommand = defineCommand({
  meta: { name: "unset", description: "Remove a config value" },
  args: { path: pathArg },
  async run({ args }) {
    const { path, doc } = await openDocument();
    if (!unsetPath(doc, parts(args.path))) throw new CliError(`${args.path} is not set`);
    await save(path, doc, args.path);
    process.stdout.write(`Removed ${args.path} from ${path} (previous file kept as ${path}.bak)\n`);
  },
});

export default defineCommand({
  meta: { name: "config", description: "Read and edit openclaw.json by key path" },
  subCommands: { get: getCommand, set: setCommand, unset: unsetCommand },
});
