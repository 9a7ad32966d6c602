/**
 * Who is on the other end of a request, and whether to let the request in at all: loopback
 * detection that forwarding headers switch off (a proxy makes every peer look local), Host
 * checks against DNS rebinding, and Origin checks against cross-site WebSocket hijacking.
 */
import type { Server } from "bun";

const FORWARDING_HEADERS = ["x-forwarded-for", "x-real-ip", "x-forwarded-host", "forwarded"];

export function isLoopbackAddress(address: string): boolean {
  const a = address.toLowerCase().replace(/^::ffff:/, "");
  return a === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(a);
}

/** The host name of a Host header value, without port or IPv6 brackets. */
export function hostnameOf(host: string): string {
  const h = host.trim().toLowerCase();
  if (h.startsWith("[")) return h.slice(1, h.indexOf("]") > 0 ? h.indexOf("]") : undefined);
  const colon = h.lastIndexOf(":");
  return colon > 0 && h.indexOf(":") === colon ? h.slice(0, colon) : h;
}

export function isLoopbackHostname(name: string): boolean {
  return name === "localhost" || name.endsWith(".localhost") || isLoopbackAddress(name);
}

export interface Peer {
  remoteAddress: string;
  /** Loopback peer, loopback (or tailnet) Host, and no forwarding headers. */
  isLocal: boolean;
}

export function describePeer(request: Request, server: Server<unknown>, trustedProxies: readonly string[]): Peer {
  const socketAddress = server.requestIP(request)?.address ?? "";
  const forwarded = FORWARDING_HEADERS.some((name) => request.headers.has(name));
  let remoteAddress = socketAddress;
  if (forwarded && trustedProxies.includes(socketAddress)) {
    const first = request.headers.get("x-forwarded-for")?.split(",")[0]?.trim() || request.headers.get("x-real-ip")?.trim();
    if (first) remoteAddress = first;
  }
  const host = hostnameOf(request.headers.get("host") ?? "");
  const localHost = isLoopbackHostname(host) || host.endsWith(".ts.net");
  const isLocal = isLoopbackAddress(remoteAddress) && localHost && (!forwarded || trustedProxies.includes(socketAddress));
  return { remoteAddress, isLocal };
}

/**
 * On a loopback bind every legitimate Host is a loopback name (or a Tailscale Serve name);
 * anything else means a browser was pointed at us through a rebinding DNS name.
 */
export function hostAllowed(request: Request, loopbackBind: boolean): boolean {
  if (!loopbackBind) return true;
  const host = hostnameOf(request.headers.get("host") ?? "");
  return host === "" || isLoopbackHostname(host) || host.endsWith(".ts.net");
}

/** Browsers always send Origin on WebSocket upgrades; it must be this gateway or an allowed one. */
export function originAllowed(request: Request, allowedOrigins: readonly string[]): boolean {
  const origin = request.headers.get("origin");
  if (!origin) return true;
  if (allowedOrigins.includes(origin) || allowedOrigins.includes("*")) return true;
  try {
    const url = new URL(origin);
    return url.host.toLowerCase() === (request.headers.get("host") ?? "").toLowerCase();
  } catch {
    return false;
  }
}
