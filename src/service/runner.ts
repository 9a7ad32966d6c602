/** The real `CommandRunner`: runs supervisor tools (systemctl, loginctl, launchctl, schtasks) with Bun.spawn. */
import type { CommandResult, CommandRunner } from "./types.ts";

export interface SpawnRunnerOptions {
  /** The environment the tools run in (PATH decides which `systemctl` runs; tests put fakes first). */
  env: Record<string, string | undefined>;
  /** Kills a tool that hangs (a supervisor waiting on a bus) after this long; default 30 s. */
  timeoutMs?: number;
}

export function spawnRunner(options: SpawnRunnerOptions): CommandRunner {
  const base = Object.fromEntries(Object.entries(options.env).filter((entry): entry is [string, string] => entry[1] !== undefined));
  return {
    async run(command, args, runOptions): Promise<CommandResult> {
      let proc: ReturnType<typeof Bun.spawn<"pipe" | "ignore", "pipe", "pipe">>;
      try {
        proc = Bun.spawn([command, ...args], {
          env: { ...base, ...runOptions?.env },
          stdin: runOptions?.input === undefined ? "ignore" : "pipe",
          stdout: "pipe",
          stderr: "pipe",
        });
      } catch (error) {
        // A missing tool is an answer ("not found", 127 as a shell says), not a crash of the CLI.
        return { code: 127, stdout: "", stderr: `${command}: ${(error as Error).message}` };
      }
      if (runOptions?.input !== undefined && proc.stdin && typeof proc.stdin !== "number") {
        proc.stdin.write(runOptions.input);
        await proc.stdin.end();
      }
      const timer = setTimeout(() => proc.kill("SIGKILL"), options.timeoutMs ?? 30_000);
      const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
      clearTimeout(timer);
      return { code, stdout, stderr };
    },
  };
}
