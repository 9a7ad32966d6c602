/**
 * Which commands `node.invoke` may send to a node: the node must declare the command, and it
 * must be allowed for the node's platform (defaults below) plus `gateway.nodes.allowCommands`
 * minus `gateway.nodes.denyCommands`. Commands that record or message people are never in a
 * default list; only an explicit allowCommands entry enables them. Entries may end in `.*`.
 */

const SYSTEM = ["system.run", "system.which", "system.notify", "browser.proxy"];
const APPLE_AND_MOBILE = [
  "canvas.*", "camera.list", "location.get", "device.info", "device.status", "contacts.search", "calendar.events",
  "reminders.list", "photos.latest", "motion.*",
];
const PLATFORM_DEFAULTS: Record<string, readonly string[]> = {
  linux: SYSTEM,
  windows: SYSTEM,
  macos: [...APPLE_AND_MOBILE, ...SYSTEM],
  ios: [...APPLE_AND_MOBILE, "system.notify"],
  android: APPLE_AND_MOBILE,
};
/** Never allowed by a default, whatever a wildcard says. */
const DANGEROUS = new Set(["camera.snap", "camera.clip", "screen.record", "contacts.add", "calendar.add", "reminders.add", "sms.send"]);

export function platformFamily(platform: string | undefined): string {
  const p = (platform ?? "").toLowerCase();
  if (p.startsWith("darwin") || p.startsWith("mac")) return "macos";
  if (p.startsWith("ios") || p.startsWith("ipados")) return "ios";
  if (p.startsWith("android")) return "android";
  if (p.startsWith("win")) return "windows";
  return "linux";
}

function matches(patterns: readonly string[], command: string): boolean {
  return patterns.some((p) => (p.endsWith(".*") ? command.startsWith(p.slice(0, -1)) : p === command));
}

export type CommandDecision = { allowed: true } | { allowed: false; reason: "not-declared" | "not-allowlisted" | "denied" };

export interface CommandPolicyConfig {
  allowCommands?: readonly string[];
  denyCommands?: readonly string[];
}

export function decideCommand(command: string, declared: readonly string[], platform: string | undefined, config: CommandPolicyConfig): CommandDecision {
  if (!declared.includes(command)) return { allowed: false, reason: "not-declared" };
  if (matches(config.denyCommands ?? [], command)) return { allowed: false, reason: "denied" };
  if (matches(config.allowCommands ?? [], command)) return { allowed: true };
  const defaults = PLATFORM_DEFAULTS[platformFamily(platform)] ?? SYSTEM;
  if (!DANGEROUS.has(command) && matches(defaults, command)) return { allowed: true };
  return { allowed: false, reason: "not-allowlisted" };
}
