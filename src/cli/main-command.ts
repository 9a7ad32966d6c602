/** The `openclaw` command tree. Subcommands load lazily so `--version` and helpers stay fast. */
import { defineCommand, renderUsage, runCommand } from "citty";
import { VERSION } from "../version.ts";
import { CliError } from "./cli-error.ts";
import { helpCommand, resolveCommandPath } from "./command-path.ts";
import { exitCode } from "./exit-code.ts";
import { extractGlobalFlags, setGlobalFlags } from "./global-flags.ts";
import { versionOutput } from "./version.ts";

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
    pairing: () => import("./pairing.ts").then((m) => m.default),
    node: () => import("./node.ts").then((m) => m.default),
    setup: () => import("./setup.ts").then((m) => m.default),
    config: () => import("./config.ts").then((m) => m.default),
    doctor: () => import("./doctor.ts").then((m) => m.default),
    logs: () => import("./logs.ts").then((m) => m.default),
    sessions: () => import("./sessions.ts").then((m) => m.default),
    agent: () => import("./agent.ts").then((m) => m.default),
    message: () => import("./message.ts").then((m) => m.default),
    channels: () => import("./channels.ts").then((m) => m.default),
    dashboard: () => import("./dashboard.ts").then((m) => m.default),
    update: () => import("./update.ts").then((m) => m.default),
  },
});

/** Without a terminal, no colour codes: citty adds them unless NO_COLOR=1, even into pipes and files. */
function write(stream: NodeJS.WriteStream, text: string): void {
  stream.write(stream.isTTY ? text : Bun.stripANSI(text));
}

/** Runs the CLI and returns the process exit code. */
export async function runCli(argv: string[]): Promise<number> {
  const { flags, rest } = extractGlobalFlags(argv);
  setGlobalFlags(flags);
  const version = versionOutput(rest);
  if (version !== null) {
    process.stdout.write(version);
    return 0;
  }
  if (rest.includes("--help") || rest.includes("-h") || rest.length === 0) {
    const { command, parent } = await resolveCommandPath(main, rest);
    write(process.stdout, (await renderUsage(command, parent)) + "\n");
    return 0;
  }
  // Caught before citty runs: its lookup falls for prototype names and loads every subcommand
  // (the gateway server included) just to find out that `gateway xyz` is not one of them.
  const { unknown, names } = await resolveCommandPath(main, rest);
  if (unknown !== undefined) {
    process.stderr.write(`error: Unknown command ${unknown} (see ${helpCommand(names)})\n`);
    return 2;
  }
  try {
    await runCommand(main, { rawArgs: rest });
    return exitCode();
  } catch (error) {
    if (error instanceof CliError) {
      process.stderr.write(`error: ${error.message}\n`);
      return error.exitCode;
    }
    // citty's command errors (a missing subcommand): point at the help of the command they were in.
    if ((error as { code?: string }).code?.startsWith("E_")) {
      write(process.stderr, `error: ${(error as Error).message} (see ${helpCommand(names)})\n`);
      return 2;
    }
    write(process.stderr, `error: ${(error as Error)?.message ?? String(error)}\n`);
    return 1;
  }
}
