/** Running the Debian/npm/Ruby tools the packagers use, with their stderr in the error when they fail. */
import { PackagingError } from "./meta.ts";

/** Where the tools come from on Debian/Ubuntu, for the error when one is missing. */
const HINTS: Record<string, string> = {
  "dpkg-deb": ": apt-get install dpkg",
  "dpkg-scanpackages": ": apt-get install dpkg-dev",
  "apt-ftparchive": ": apt-get install apt-utils",
  npm: ": install Node.js with npm",
};

export interface RunResult {
  stdout: string;
  stderr: string;
}

export async function run(cmd: string[], opts: { cwd?: string; env?: Record<string, string | undefined> } = {}): Promise<RunResult> {
  let proc;
  try {
    proc = Bun.spawn(cmd, { cwd: opts.cwd, env: { ...process.env, ...opts.env }, stdio: ["ignore", "pipe", "pipe"] });
  } catch (error) {
    const hint = HINTS[cmd[0]!] ?? "";
    throw new PackagingError(`cannot run ${cmd[0]} (${(error as Error).message})${hint}; or release with --skip-packages`);
  }
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  if (code !== 0) {
    throw new PackagingError(`\`${cmd.join(" ")}\` failed with exit code ${code}: ${(stderr || stdout).trim().slice(-800)}`);
  }
  return { stdout, stderr };
}
