/** The `openclaw` command tree. Subcommands load lazily so `--version` and helpers stay fast. */
import { defineCommand, renderUsage, runCommand, type CommandDef } from "citty";
import { VERSION } from "../version.ts";
import { CliError } from "./cli-error.ts";
import { exitCode } from "./exit-code.ts";
import { extractGlobalFlags, setGlobalFlags } from "./global-flags.ts";

const main = defineCommand({
  meta: { name: "openclaw", version: VERSION, description: "OpenClaw Gateway and CLI" },
  args: {
    dev: { type: "boolean", description: "Use the isolated dev profile (~/.openclaw-dev, port 19001)" },
    profile: { type: "string", description: "Use a named profile (~/.openclaw-<name>)" },
  },
  subCommands: {
    gateway: () => import("./gateway.ts").then((m) => m.default),
    health: () => import("./health.ts").then((m) => m.default),
    status: () => import("./status.ts").then((m) => m.default),
    nodes: () => import("./nodes.ts").then((m) => m.default),
    devices: () => import("./devices.ts").then((m) => m.default),
    node: () => import("./node.ts").then((m) => m.default),
    setup: () => import("./setup.ts").then((m) => m.default),
    config: () => import("./config.ts").then((m) => m.default),
    doctor: () => import("./doctor.ts").then((m) => m.default),
    logs: () => import("./logs.ts").then((m) => m.default),
  },
});

async function resolveCommand(argv: string[]): Promise<[CommandDef<any>, CommandDef<any> | undefined]> {
  let command: CommandDef<any> = main;
  let parent: CommandDef<any> | undefined;
  for (const arg of argv) {
    if (arg.startsWith("-")) continue;
    const subs = await (typeof command.subCommands === "function" ? command.subCommands() : command.subCommands);
    const next = subs && Object.hasOwn(subs, arg) ? subs[arg] : undefined;
    if (!next) break;
    parent = command;
    command = await (typeof next === "function" ? next() : next);
  }
  return [command, parent];
}

/** Runs the CLI and returns the process exit code. */
export async function runCli(argv: string[]): Promise<number> {
  const { flags, rest } = extractGlobalFlags(argv);
  setGlobalFlags(flags);
  if (rest.length === 1 && (rest[0] === "--version" || rest[0] === "-v")) {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  if (rest.includes("--help") || rest.includes("-h") || rest.length === 0) {
    const [command, parent] = await resolveCommand(rest);
    process.stdout.write((await renderUsage(command, parent)) + "\n");
    return 0;
  }
  try {
    await runCommand(main, { rawArgs: rest });
    return exitCode();
  } catch (error) {
    if (error instanceof CliError) {
      process.stderr.write(`error: ${error.message}\n`);
      return error.exitCode;
    }
    if ((error as { code?: string }).code?.startsWith("E_")) {
      process.stderr.write(`error: ${(error as Error).message} (see openclaw --help)\n`);
      return 2;
    }
    process.stderr.write(`error: ${(error as Error)?.message ?? String(error)}\n`);
    return 1;
  }
}
