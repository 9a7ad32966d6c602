/**
 * `openclaw gateway --force`: stop whatever listens on the port so the gateway can bind it.
 * SIGTERM first so a gateway can drain, SIGKILL for what is still listening after the grace
 * period, and a log line for every signal sent.
 */
// The gateway reports GatewayStartError as a plain startup refusal (no stack), which is what
// every failure here is; a platform error would surface as a crash.
import { GatewayStartError } from "../gateway/startup-policy.ts";
import { findPortOwners, PortOwnerError, type PortOwner, type PortOwnerOptions } from "./port-owner.ts";

export interface FreePortOptions {
  /** How long owners get to exit after SIGTERM before they get SIGKILL. Default: 5000 ms. */
  graceMs?: number;
  /** How long to wait for the port after SIGKILL before giving up. Default: 2000 ms. */
  killWaitMs?: number;
  /** Pause between looks at the port while waiting. Default: 100 ms. */
  pollMs?: number;
  /** Passed to `findPortOwners` (platform, which, procRoot). Default: this machine as it is. */
  lookup?: PortOwnerOptions;
}

/** Where `--force` says what it stopped; the gateway's logger fits. */
export interface FreePortLog {
  warn(message: string): void;
}

export interface StoppedOwner extends PortOwner {
  /** The last signal it got. */
  signal: "SIGTERM" | "SIGKILL";
}

const label = (owner: PortOwner) => `pid ${owner.pid} (${owner.command ?? "unknown"})`;

/**
 * Never ourselves: a socket we inherited would otherwise make --force kill the gateway it is
 * starting. Never pid 1 or below: init or systemd can hold a socket-activated port, and
 * signalling it would hit the whole machine.
 */
function mayStop(owner: PortOwner): boolean {
  return owner.pid !== process.pid && owner.pid > 1;
}

async function lookUp(port: number, options: FreePortOptions): Promise<PortOwner[]> {
  try {
    return await findPortOwners(port, options.lookup);
  } catch (error) {
    if (error instanceof PortOwnerError) throw new GatewayStartError(`--force ${error.message}; stop the process on port ${port} yourself`);
    throw error;
  }
}

/** Sends `signal`; false when the process is already gone. */
function signal(owner: PortOwner, name: StoppedOwner["signal"], port: number): boolean {
  try {
    process.kill(owner.pid, name);
    return true;
  } catch (error) {
    if ((error as { code?: string }).code === "ESRCH") return false;
    throw new GatewayStartError(`--force: cannot stop ${label(owner)} on port ${port}: ${(error as Error).message}`);
  }
}

/** Looks until none of `owners` listens on the port any more; returns those still there at the deadline. */
async function waitForExit(port: number, owners: PortOwner[], waitMs: number, options: FreePortOptions): Promise<PortOwner[]> {
  const deadline = Date.now() + waitMs;
  let remaining = owners;
  while (remaining.length > 0 && Date.now() < deadline) {
    await Bun.sleep(options.pollMs ?? 100);
    const listening = new Set((await lookUp(port, options)).map((owner) => owner.pid));
    remaining = remaining.filter((owner) => listening.has(owner.pid));
  }
  return remaining;
}

/**
 * Frees TCP `port` and returns who was stopped. Port 0 (any free port) has nothing to free.
 * Listeners the lookup cannot see (another user's, without root) are left alone; binding
 * then fails with the usual "already in use" error.
 */
export async function freePort(port: number, log: FreePortLog, options: FreePortOptions = {}): Promise<StoppedOwner[]> {
  if (port === 0) return [];
  const owners = await lookUp(port, options);
  const stopped: StoppedOwner[] = [];
  for (const owner of owners) {
    if (!mayStop(owner)) {
      log.warn(`--force: not stopping ${label(owner)} listening on port ${port}: it is this process or init`);
      continue;
    }
    if (!signal(owner, "SIGTERM", port)) continue;
    log.warn(`--force: sent SIGTERM to ${label(owner)} listening on port ${port}`);
    stopped.push({ ...owner, signal: "SIGTERM" });
  }
  const stubborn = await waitForExit(port, stopped, options.graceMs ?? 5000, options);
  if (stubborn.length === 0) return stopped;
  for (const owner of stubborn) {
    if (!signal(owner, "SIGKILL", port)) continue;
    log.warn(`--force: ${label(owner)} still listened on port ${port} after SIGTERM; sent SIGKILL`);
    stopped.find((s) => s.pid === owner.pid)!.signal = "SIGKILL";
  }
  if ((await waitForExit(port, stubborn, options.killWaitMs ?? 2000, options)).length > 0) {
    throw new GatewayStartError(`--force: port ${port} is still in use after SIGKILL`);
  }
  return stopped;
}
