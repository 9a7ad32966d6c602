/** Runs a helper program (lsof, netstat, tasklist) and returns what it printed. */
import { PortOwnerError } from "./owner-list.ts";

/**
 * Exit codes are not errors here: lsof exits 1 when nothing matches. A program that hangs
 * (lsof on a dead network mount) is killed and reported, so a half answer is never used.
 */
export async function runForText(cmd: string[], timeoutMs: number): Promise<string> {
  const proc = Bun.spawn(cmd, { stdout: "pipe", stderr: "ignore", stdin: "ignore", timeout: timeoutMs, killSignal: "SIGKILL" });
  const [text] = await Promise.all([new Response(proc.stdout).text(), proc.exited]);
  if (proc.signalCode === "SIGKILL") throw new PortOwnerError("timeout", `${cmd[0]} did not answer within ${timeoutMs} ms`);
  return text;
}
