/**
 * Port owners on Linux without lsof, straight from procfs: /proc/net/tcp{,6} list sockets
 * with their inode, and /proc/<pid>/fd/* link to `socket:[inode]` for every socket a process
 * holds. Like lsof, this sees other users' processes only when we run as root.
 */
import { readdir, readFile, readlink } from "node:fs/promises";
import { join } from "node:path";
import { PortOwnerError, type PortOwner } from "./owner-list.ts";

/** The kernel's TCP_LISTEN state, as /proc/net/tcp writes it. */
export const TCP_LISTEN = "0A";

export interface ProcNetTcpEntry {
  /** Local port (the table writes it in hex after the address). */
  port: number;
  /** State in hex, e.g. `0A` (listen) or `01` (established). */
  state: string;
  /** Socket inode as text, the same digits as in a `socket:[…]` fd link; `0` for sockets no process holds. */
  inode: string;
}

/** Parses /proc/net/tcp or /proc/net/tcp6 (same columns; only the address width differs). */
export function parseProcNetTcp(text: string): ProcNetTcpEntry[] {
  const entries: ProcNetTcpEntry[] = [];
  for (const line of text.split("\n")) {
    // sl  local_address  rem_address  st  tx:rx  tr:when  retrnsmt  uid  timeout  inode …
    const fields = line.trim().split(/\s+/);
    if (fields.length < 10 || !/^\d+:$/.test(fields[0]!)) continue;
    const portHex = fields[1]!.split(":")[1];
    if (!portHex || !/^[0-9A-Fa-f]+$/.test(portHex)) continue;
    entries.push({ port: parseInt(portHex, 16), state: fields[3]!.toUpperCase(), inode: fields[9]! });
  }
  return entries;
}

/** Inodes of the sockets listening on `port`, from the text of one or more tables. */
export function listeningInodes(tables: string[], port: number): Set<string> {
  const inodes = new Set<string>();
  for (const entry of tables.flatMap(parseProcNetTcp)) {
    if (entry.port === port && entry.state === TCP_LISTEN && entry.inode !== "0") inodes.add(entry.inode);
  }
  return inodes;
}

async function readTable(path: string): Promise<string | null> {
  try {
    return await readFile(path, "utf8");
  } catch {
    return null;
  }
}

/** True when one of the process's fds is one of `inodes`. Gone or unreadable processes hold nothing we can see. */
async function holdsSocket(fdDir: string, inodes: Set<string>): Promise<boolean> {
  let fds: string[];
  try {
    fds = await readdir(fdDir);
  } catch {
    return false;
  }
  const links = await Promise.all(fds.map((fd) => readlink(join(fdDir, fd)).catch(() => "")));
  return links.some((link) => link.startsWith("socket:[") && inodes.has(link.slice(8, -1)));
}

async function ownerOf(procRoot: string, pid: string): Promise<PortOwner> {
  const command = (await readFile(join(procRoot, pid, "comm"), "utf8").catch(() => "")).trim();
  return command ? { pid: Number(pid), command } : { pid: Number(pid) };
}

export async function procOwners(port: number, procRoot: string): Promise<PortOwner[]> {
  // tcp6 is absent when IPv6 is disabled; only both missing means there is no procfs to read.
  const tables = (await Promise.all([readTable(join(procRoot, "net", "tcp")), readTable(join(procRoot, "net", "tcp6"))])).filter((t) => t !== null);
  if (tables.length === 0) throw new PortOwnerError("unsupported", `needs lsof or ${join(procRoot, "net", "tcp")}, and neither is available`);
  const inodes = listeningInodes(tables, port);
  if (inodes.size === 0) return [];
  const pids = (await readdir(procRoot)).filter((name) => /^\d+$/.test(name));
  const holds = await Promise.all(pids.map((pid) => holdsSocket(join(procRoot, pid, "fd"), inodes)));
  const holders = pids.filter((_, i) => holds[i]);
  return Promise.all(holders.map((pid) => ownerOf(procRoot, pid)));
}
