/**
 * Which process(es) listen on a TCP port on this machine. One answer for `--force` and for
 * doctor, found the best way the platform offers: lsof where it is installed, /proc on Linux
 * without lsof, netstat on Windows. Processes of other users are usually invisible to all
 * three unless we run as root, so an empty answer does not prove the port is free.
 */
import { lsofOwners } from "./lsof.ts";
import { netstatOwners } from "./netstat.ts";
import { PortOwnerError, type PortOwner } from "./owner-list.ts";
import { procOwners } from "./proc-net-tcp.ts";

export { PortOwnerError, type PortOwner, type PortOwnerErrorCode } from "./owner-list.ts";

export interface PortOwnerOptions {
  /** Whose rules to follow. Default: `process.platform`. */
  platform?: NodeJS.Platform;
  /** Finds a program on PATH; returning null makes it count as missing. Default: `Bun.which`. */
  which?: (program: string) => string | null;
  /** Where procfs is mounted (Linux without lsof). Default: `/proc`. */
  procRoot?: string;
  /** A helper program (lsof, netstat, tasklist) that has not answered by then is killed. Default: 5000 ms. */
  timeoutMs?: number;
}

/** The processes listening on TCP `port` (IPv4 or IPv6, any address), each pid once. */
export async function findPortOwners(port: number, options: PortOwnerOptions = {}): Promise<PortOwner[]> {
  const platform = options.platform ?? process.platform;
  const which = options.which ?? ((program: string) => Bun.which(program));
  const timeoutMs = options.timeoutMs ?? 5000;
  if (platform === "win32") {
    const netstat = which("netstat");
    if (!netstat) throw new PortOwnerError("unsupported", "needs netstat, which is not on PATH");
    return netstatOwners(port, { netstat, tasklist: which("tasklist"), timeoutMs });
  }
  const lsof = which("lsof");
  if (lsof) return lsofOwners(port, { lsof, timeoutMs });
  if (platform === "linux") return procOwners(port, options.procRoot ?? "/proc");
  throw new PortOwnerError("unsupported", "needs lsof, which is not installed");
}
