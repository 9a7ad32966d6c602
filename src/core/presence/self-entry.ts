/** The gateway's own presence entry (`mode: "gateway"`, `reason: "self"`). */
import { hostname, networkInterfaces, platform, release } from "node:os";
import type { PresenceEntry } from "../../../protocol/methods/system.ts";

const DEVICE_FAMILIES: Record<string, string> = { linux: "Linux", darwin: "Mac", win32: "Windows" };

function primaryAddress(): string | undefined {
  for (const addresses of Object.values(networkInterfaces())) {
    for (const address of addresses ?? []) if (!address.internal && address.family === "IPv4") return address.address;
  }
  return undefined;
}

export function selfPresence(version: string, bootId: string): Omit<PresenceEntry, "ts"> {
  const host = hostname();
  const ip = primaryAddress();
  return {
    host,
    ...(ip ? { ip } : {}),
    version,
    platform: `${platform()} ${release()}`,
    deviceFamily: DEVICE_FAMILIES[platform()] ?? platform(),
    mode: "gateway",
    reason: "self",
    instanceId: bootId,
    text: `Gateway: ${host}${ip ? ` (${ip})` : ""} · app ${version} · mode gateway · reason self`,
  };
}
