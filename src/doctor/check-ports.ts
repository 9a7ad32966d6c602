/**
 * Doctor checks on the gateway port and the canvas port: free, held by what looks like our
 * gateway (it answers `GET /healthz` with `{"ok":true,"status":"live"}`), or a conflict. `lsof`
 * names the holder when it is installed; a connect probe finds listeners lsof cannot see.
 */
import { error, ok, warn, type Check, type DoctorContext } from "./check.ts";

export interface Listener {
  pid: number;
  command: string;
}

export interface PortState {
  port: number;
  inUse: boolean;
  /** From lsof; empty when lsof is missing or cannot see the process. */
  listeners: Listener[];
  /** The listener answered `/healthz` like an OpenClaw gateway. */
  gateway: boolean;
}

/** `lsof -nP -iTCP:<port> -sTCP:LISTEN`, or null when lsof is not installed. */
export async function lsofListeners(port: number): Promise<Listener[] | null> {
  const lsof = Bun.which("lsof");
  if (!lsof) return null;
  const proc = Bun.spawn([lsof, "-nP", `-iTCP:${port}`, "-sTCP:LISTEN", "-Fpc"], { stdout: "pipe", stderr: "ignore", stdin: "ignore" });
  const timer = setTimeout(() => proc.kill("SIGKILL"), 5000);
  const text = await new Response(proc.stdout).text();
  await proc.exited;
  clearTimeout(timer);
  const listeners: Listener[] = [];
  for (const line of text.split("\n")) {
    if (line.startsWith("p")) listeners.push({ pid: Number(line.slice(1)), command: "" });
    else if (line.startsWith("c") && listeners.length > 0) listeners[listeners.length - 1]!.command = line.slice(1);
  }
  return listeners;
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
  const listeners = (await lsofListeners(port)) ?? [];
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
