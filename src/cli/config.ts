/**
 * `openclaw config get|set|unset <path>`: read and edit `openclaw.json` by dotted key path
 * (`gateway.auth.token`). Edits are validated against the schema before an atomic write that
 * keeps `<config>.bak`; secrets are masked on output unless `--show-secret`. `get` on an unset
 * key that has a default or an environment value prints that, marked (`18789 (default)`);
 * `get --json` always prints `{"path", "value", "source"}` with source config | env | default.
 */
import { defineCommand } from "citty";
import { ConfigError } from "../config/read-config.ts";
import { loadCliContext } from "../setup/cli-context.ts";
import {
  ConfigPathError,
  getAtPath,
  parseDocument,
  redactSecrets,
  setPath,
  splitPath,
  unsetPath,
  type ConfigObject,
} from "../config/config-document.ts";
import { updateConfig } from "../config/config-writer.ts";
import type { Options } from "../config/load.ts";
import { CliError } from "./cli-error.ts";
import { commandHint } from "./command-hint.ts";
import { effectiveValue } from "./config-effective.ts";
import { globalFlags } from "./global-flags.ts";

const pathArg = { type: "positional", description: "Dotted key path, e.g. gateway.auth.token", required: true } as const;

/** The config file's path and its parsed (not validated) content, so a broken file can be repaired. */
async function openDocument(): Promise<{ options: Readonly<Options>; path: string; doc: ConfigObject }> {
  const { options } = await loadCliContext(globalFlags());
  const path = options.paths.configPath;
  const file = Bun.file(path);
  try {
    return { options, path, doc: parseDocument(path, (await file.exists()) ? await file.text() : null) };
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

/**
 * Applies `change` to the file as it is when the config writer writes it (so a change made
 * meanwhile, by the gateway for one, is kept), validates and writes; refuses new unknown keys
 * under the edited path (likely a typo). Returns the config file's path.
 */
async function save(edited: string, change: (doc: ConfigObject) => void): Promise<string> {
  const { options } = await loadCliContext(globalFlags());
  const path = options.paths.configPath;
  try {
    await updateConfig({
      path,
      edit: (current) => {
        let doc: ConfigObject;
        try {
          doc = current.document();
        } catch (error) {
          // Not even JSON5: nothing to edit by key path. Said as the parse error, not as a refused write.
          if (error instanceof ConfigError) throw new CliError(error.message);
          throw error;
        }
        change(doc);
        return doc;
      },
      check: ({ warnings }) => {
        const unknown = warnings.filter((w) => {
          const key = /unknown config key (\S+)/.exec(w)?.[1] ?? "";
          return key === edited || key.startsWith(`${edited}.`) || edited.startsWith(`${key}.`);
        });
        if (unknown.length > 0) throw new CliError(`refusing to write ${path}: ${unknown.map((w) => w.replace(/ \(ignored\)$/, "")).join("; ")}; nothing was changed`);
      },
    });
    return path;
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

/** One value for people: strings as they are, the rest as JSON. */
const show = (value: unknown) => (typeof value === "string" ? value : JSON.stringify(value, null, 2));

const getCommand = defineCommand({
  meta: {
    name: "get",
    description: "Print a config value (secrets masked unless --show-secret); an unset key with a default prints it, e.g. 18789 (default)",
  },
  args: {
    path: pathArg,
    json: { type: "boolean", description: 'Print {"path","value","source"} as JSON; source is "config" (the file), "env" (an environment variable) or "default"', default: false },
    "show-secret": { type: "boolean", description: "Print tokens and passwords in clear", default: false },
  },
  async run({ args }) {
    const { options, doc } = await openDocument();
    const keys = parts(args.path);
    const masked = (value: unknown) => (args["show-secret"] ? value : redactSecrets(value, keys[keys.length - 1]));
    const raw = getAtPath(doc, keys);
    const effective = effectiveValue(options, args.path);
    const found = raw !== undefined ? { value: raw, source: "config" as const, note: undefined } : effective;
    if (found === undefined) throw new CliError(notSetMessage(args.path, options.paths.profile));
    const value = masked(found.value);
    if (args.json) process.stdout.write(`${JSON.stringify({ path: args.path, value, source: found.source }, null, 2)}\n`);
    else process.stdout.write(`${show(value)}${found.note ? ` (${found.note})` : ""}\n`);
    // The file's value is not what the gateway uses when the environment overrides it.
    if (raw !== undefined && effective?.source === "env") {
      process.stderr.write(`note: the gateway uses ${show(masked(effective.value))} instead (${effective.note})\n`);
    }
  },
});

function notSetMessage(path: string, profile: string | null): string {
  if (path !== "gateway.mode") return `${path} is not set`;
  // gateway.mode has no default on purpose: the gateway refuses to start until it is "local".
  return `gateway.mode is not set; the gateway starts only with gateway.mode "local" (run: ${commandHint(profile, "setup")})`;
}

const setCommand = defineCommand({
  meta: { name: "set", description: "Set a config value (JSON5 when it parses, else a string)" },
  args: {
    path: pathArg,
    value: { type: "positional", description: "The value: 19001, true, [\"a\"], {…} or text", required: true },
    string: { type: "boolean", description: "Store the value as a string even if it looks like JSON", default: false },
  },
  async run({ args }) {
    const keys = parts(args.path);
    const value = parseValue(args.value, args.string);
    const path = await save(args.path, (doc) => {
      try {
        setPath(doc, keys, value);
      } catch (error) {
        if (error instanceof ConfigPathError) throw new CliError(error.message);
        throw error;
      }
    });
    const shown = redactSecrets(value, keys[keys.length - 1]);
    process.stdout.write(`Set ${args.path} = ${JSON.stringify(shown)} in ${path} (previous file kept as ${path}.bak)\n`);
  },
});

const unsetCommand = defineCommand({
  meta: { name: "unset", description: "Remove a config value" },
  args: { path: pathArg },
  async run({ args }) {
    const keys = parts(args.path);
    const path = await save(args.path, (doc) => {
      if (!unsetPath(doc, keys)) throw new CliError(`${args.path} is not set`);
    });
    process.stdout.write(`Removed ${args.path} from ${path} (previous file kept as ${path}.bak)\n`);
  },
});

export default defineCommand({
  meta: { name: "config", description: "Read and edit openclaw.json by key path" },
  subCommands: { get: getCommand, set: setCommand, unset: unsetCommand },
});
