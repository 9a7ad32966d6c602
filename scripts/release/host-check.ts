/**
 * Runs a freshly built binary when this machine can execute it: `--version --json` must print
 * exactly the build facts that were compiled in. A binary built with `--bytecode` but without
 * ESM, or without the `define`, would exit 0 and still fail here.
 */
import type { BuildInfo } from "./compile.ts";
import { hostTarget } from "./targets.ts";

/** Targets whose binaries run here: the host's own, and its -baseline variant (a subset of the CPU). */
export function runsHere(target: string): boolean {
  let host: string;
  try {
    host = hostTarget();
  } catch {
    return false;
  }
  return target === host || target === `${host}-baseline`;
}

export async function checkBuiltVersion(binary: string, expected: BuildInfo): Promise<string> {
  if (!runsHere(expected.target)) return "not run here (foreign target; see test/release/foreign-smoke.test.ts)";
  const t0 = performance.now();
  const proc = Bun.spawn([binary, "--version", "--json"], { stdin: "ignore", stdout: "pipe", stderr: "pipe", env: { PATH: process.env.PATH ?? "", NO_COLOR: "1" } });
  const timer = setTimeout(() => proc.kill("SIGKILL"), 15_000);
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  clearTimeout(timer);
  const ms = performance.now() - t0;
  let got: unknown;
  try {
    got = JSON.parse(stdout);
  } catch {
    got = undefined;
  }
  const want = JSON.stringify(expected);
  if (code !== 0 || JSON.stringify(got) !== want) {
    throw new Error(`${binary} --version --json: exit ${code}, printed ${JSON.stringify(stdout.trim().slice(0, 300))}, expected ${want}${stderr.trim() ? `\nstderr: ${stderr.trim().slice(0, 500)}` : ""}`);
  }
  return `--version --json matches the build [${ms.toFixed(0)} ms]`;
}
