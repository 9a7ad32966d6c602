/** What every port-owner lookup returns and how it fails; shared by lsof, /proc and netstat. */

export interface PortOwner {
  pid: number;
  /** The process name as the OS reports it (lsof's command, /proc comm, tasklist image name). */
  command?: string;
}

export type PortOwnerErrorCode = "unsupported" | "timeout";

export class PortOwnerError extends Error {
  /** `unsupported`: there is no way to look on this machine; `timeout`: a helper program hung. */
  readonly code: PortOwnerErrorCode;

  constructor(code: PortOwnerErrorCode, message: string) {
    super(message);
    this.name = "PortOwnerError";
    this.code = code;
  }
}

/** Keeps the first entry per pid: a dual-stack listener or a shared socket shows up more than once. */
export function uniqueByPid(owners: PortOwner[]): PortOwner[] {
  const seen = new Map<number, PortOwner>();
  for (const owner of owners) if (!seen.has(owner.pid)) seen.set(owner.pid, owner);
  return [...seen.values()];
}
