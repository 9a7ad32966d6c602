/** Port owners through `lsof -F`, whose field output is meant for programs to read. */
import { uniqueByPid, type PortOwner } from "./owner-list.ts";
import { runForText } from "./run-for-text.ts";

/**
 * Parses `lsof -Fpc` output: a `p<pid>` line starts each process, `c<command>` names it.
 * Other field lines (`f<fd>` and the like, which some lsof builds always add) are skipped.
 */
export function parseLsofFields(text: string): PortOwner[] {
  const owners: PortOwner[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (line.startsWith("p")) {
      const pid = Number(line.slice(1));
      if (Number.isInteger(pid) && pid > 0) owners.push({ pid });
    } else if (line.startsWith("c") && owners.length > 0 && line.length > 1) {
      owners[owners.length - 1]!.command = line.slice(1);
    }
  }
  return uniqueByPid(owners);
}

export interface LsofLookup {
  /** Path of the lsof program. */
  lsof: string;
  timeoutMs: number;
}

export async function lsofOwners(port: number, { lsof, timeoutMs }: LsofLookup): Promise<PortOwner[]> {
  // -n and -P: no DNS or service-name lookups, which can take seconds and are never needed.
  return parseLsofFields(await runForText([lsof, "-nP", `-iTCP:${port}`, "-sTCP:LISTEN", "-Fpc"], timeoutMs));
}
