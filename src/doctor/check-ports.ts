/**
 * Doctor checks on the gateway port and the canvas port: free, held by what looks like our
 * gateway (it answers `GET /healthz` with `{"ok":true,"status":"live"}`), or a conflict. The
 * port-owner lookup names the holder; a connect probe finds listeners it cannot see.
 */
import { findPortOwners, PortOwnerError, type PortOwner } from "../platform/port-owner.ts";
import { error, ok, warn, type Check, type DoctorContext } from "./check.ts";

export interface PortState {
  port: number;
  inUse: boolean;
  /** Who listens, from `findPortOwners`; empty when this machine offers no way to look or cannot see the process. */
  listeners: PortOwner[];
  /** The listener answered `/healthz` like an OpenClaw gateway. */
  gateway: boolean;
}

/** Doctor reports and carries on: not knowing the holder's name is no reason to fail a check. */
async function owners(port: number): Promise<PortOwner[]> {
  try {
    return await findPortOwners(port);
  } catch (failure) {
    if (failure instanceof PortOwnerError) return [];
    throw failure;
  }
}

async function accepts(host: string, port: number): Promise<boolean> {
  try {
    const socket = await Bun.connect({ hostname: host, port, socket: { data() {} } });
    socket.end();
    return true;
  } catch {
    return false;
  }
}

async function answersLikeGateway(host: string, port: number): Promise<boolean> {
  try {
    const response = await fetch(`http://${host.includes(":") ? `[${host}]` : host}:${port}/healthz`, { signal: AbortSignal.timeout(2000) });
    const body = (await response.json()) as { ok?: unknown; status?: unknown };
    return body.ok === true && body.status === "live";
  } catch {
    return false;
  }
}

/** `host` is where to knock: the bind address, or loopback for a wildcard bind. */
export async function probePort(port: number, host = "127.0.0.1"): Promise<PortState> {
  const listeners = await owners(port);
  const inUse = listeners.length > 0 || (await accepts(host, port));
  return { port, inUse, listeners, gateway: inUse && (await answersLikeGateway(host, port)) };
}

export function describeHolder(state: PortState): string {
  if (state.listeners.length === 0) return "another process";
  return state.listeners.map((l) => `pid ${l.pid}${l.command ? ` (${l.command})` : ""}`).join(", ");
}

export async function checkPorts({ options }: DoctorContext): Promise<Check[]> {
  if (options.port === 0) return [ok("port", "gateway.port is 0 (an ephemeral port is chosen at start)")];
  const checks: Check[] = [];
  const host = options.bindHost && options.bindHost !== "0.0.0.0" ? options.bindHost : "127.0.0.1";
  const main = await probePort(options.port, host);
  const portLabel = `port ${options.port} (from ${options.portSource})`;
  if (!main.inUse) checks.push(ok("port", `${portLabel} is free`));
  else if (main.gateway) checks.push(ok("port", `${portLabel} is held by a running OpenClaw gateway: ${describeHolder(main)}`));
  else {
    checks.push(
      error("port", `${portLabel} is in use by ${describeHolder(main)}, which is not an OpenClaw gateway`, `stop it, or pick another port: openclaw config set gateway.port <port>`),
    );
  }
  if (!options.canvas.enabled || options.canvas.port === 0) return checks;
  const canvas = await probePort(options.canvas.port, host);
  const sameProcess = canvas.listeners.some((l) => main.listeners.some((m) => m.pid === l.pid));
  const canvasLabel = `canvas port ${options.canvas.port}`;
  if (!canvas.inUse) checks.push(ok("canvas-port", `${canvasLabel} is free`));
  else if (main.gateway && (sameProcess || canvas.listeners.length === 0)) checks.push(ok("canvas-port", `${canvasLabel} is held by the running gateway's canvas host`));
  else {
    checks.push(
      warn("canvas-port", `${canvasLabel} is in use by ${describeHolder(canvas)}; the canvas host will not start`, "stop it, or set canvasHost.port (or canvasHost.enabled=false)"),
    );
  }
  return checks;
}
