/**
 * Which command of the tree an argv names, found the way citty dispatches (the first
 * positional picks the subcommand; a string flag's value is not a positional), so `--help`
 * and error hints point at the page of the command the user was actually in.
 */
import type { ArgsDef, CommandDef } from "citty";

export interface CommandPath {
  command: CommandDef<any>;
  parent: CommandDef<any> | undefined;
  /** The subcommand names from the root, e.g. `["gateway", "call"]`. */
  names: string[];
  /** A word where `command` expects a subcommand but has none of that name (`gateway xyz`). */
  unknown?: string;
}

type Resolvable<T> = T | (() => T | Promise<T>);
const resolve = async <T>(value: Resolvable<T>): Promise<T> => (typeof value === "function" ? (value as () => T | Promise<T>)() : value);

function takesValue(args: ArgsDef, flag: string): boolean {
  if (flag.includes("=")) return false;
  const name = flag.replace(/^-{1,2}/, "");
  return Object.entries(args).some(([key, def]) => (def.type === "string" || def.type === "enum") && (key === name || [def.alias ?? []].flat().includes(name)));
}

export async function resolveCommandPath(root: CommandDef<any>, argv: readonly string[]): Promise<CommandPath> {
  const path: CommandPath = { command: root, parent: undefined, names: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") break;
    if (arg.startsWith("-")) {
      if (takesValue(await resolve(path.command.args ?? {}), arg)) i++;
      continue;
    }
    const subs = path.command.subCommands ? await resolve(path.command.subCommands) : undefined;
    if (!subs || Object.keys(subs).length === 0) break;
    // Own keys only: citty's own lookup (`name in subCommands`) would run `openclaw constructor`
    // as Object.prototype.constructor and exit 0 having done nothing.
    const next = Object.hasOwn(subs, arg) ? subs[arg] : undefined;
    if (!next) {
      path.unknown = arg;
      break;
    }
    path.parent = path.command;
    path.command = await resolve(next);
    path.names.push(arg);
  }
  return path;
}

/** `openclaw gateway --help` for `["gateway"]`: where to read about the command that failed. */
export function helpCommand(names: readonly string[]): string {
  return ["openclaw", ...names, "--help"].join(" ");
}
