/**
 * Port owners on Windows: `netstat -ano` lists listening sockets with the owning pid, and
 * `tasklist` turns a pid into an image name (nice to have, so it may be missing).
 */
import { uniqueByPid, type PortOwner } from "./owner-list.ts";
import { runForText } from "./run-for-text.ts";

export interface NetstatListener {
  /** As netstat prints it: `0.0.0.0`, `127.0.0.1`, `[::]`, `[fe80::1%4]`. */
  localAddress: string;
  port: number;
  pid: number;
}

function splitHostPort(text: string): { host: string; port: number } | null {
  const colon = text.lastIndexOf(":");
  const port = Number(text.slice(colon + 1));
  return colon > 0 && Number.isInteger(port) ? { host: text.slice(0, colon), port } : null;
}

/**
 * Parses the TCP rows of `netstat -ano` (`-p tcp` and `-p tcpv6` print the same columns).
 * A row listens when its state says LISTENING or, on Windows in other languages where the
 * state word is translated, when the foreign address has port 0: only listeners have no peer.
 */
export function parseNetstatListeners(text: string): NetstatListener[] {
  const listeners: NetstatListener[] = [];
  for (const line of text.split(/\r?\n/)) {
    const fields = line.trim().split(/\s+/);
    if (fields.length !== 5 || fields[0]!.toUpperCase() !== "TCP") continue;
    const [, local, foreign, state, pidText] = fields as [string, string, string, string, string];
    const address = splitHostPort(local);
    const peer = splitHostPort(foreign);
    const pid = Number(pidText);
    if (!address || !Number.isInteger(pid)) continue;
    if (state.toUpperCase() === "LISTENING" || peer?.port === 0) listeners.push({ localAddress: address.host, port: address.port, pid });
  }
  return listeners;
}

/** Parses `tasklist /FO CSV /NH` rows (`"bun.exe","5678","Console","1","45,000 K"`); the INFO line of an empty result yields nothing. */
export function parseTasklistCsv(text: string): PortOwner[] {
  const owners: PortOwner[] = [];
  for (const line of text.split(/\r?\n/)) {
    const cells = [...line.matchAll(/"((?:[^"]|"")*)"/g)].map((match) => match[1]!.replaceAll('""', '"'));
    const pid = Number(cells[1]);
    if (cells.length >= 2 && cells[0] && Number.isInteger(pid)) owners.push({ pid, command: cells[0] });
  }
  return owners;
}

export interface NetstatLookup {
  /** Path of netstat.exe. */
  netstat: string;
  /** Path of tasklist.exe, or null to report pids without names. */
  tasklist: string | null;
  timeoutMs: number;
}

async function nameOf(pid: number, tasklist: string | null, timeoutMs: number): Promise<PortOwner> {
  if (!tasklist) return { pid };
  const text = await runForText([tasklist, "/FO", "CSV", "/NH", "/FI", `PID eq ${pid}`], timeoutMs).catch(() => "");
  return parseTasklistCsv(text).find((owner) => owner.pid === pid) ?? { pid };
}

export async function netstatOwners(port: number, { netstat, tasklist, timeoutMs }: NetstatLookup): Promise<PortOwner[]> {
  // `-p tcp` lists IPv4 only; IPv6 listeners need their own run.
  const tables = await Promise.all(["tcp", "tcpv6"].map((family) => runForText([netstat, "-ano", "-p", family], timeoutMs)));
  const pids = uniqueByPid(tables.flatMap(parseNetstatListeners).filter((listener) => listener.port === port)).map((listener) => listener.pid);
  return Promise.all(pids.map((pid) => nameOf(pid, tasklist, timeoutMs)));
}
