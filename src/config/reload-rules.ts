/**
 * What a config change needs (protocol.md §9.2): nothing, a hot apply, a restart of one
 * channel, or a restart of the whole gateway. The first matching prefix wins; a path no rule
 * knows restarts the gateway, because guessing "safe" would leave stale state running.
 */
export type ChangeKind = "none" | "hot" | "channel" | "restart";

export interface ClassifiedChange {
  path: string;
  kind: ChangeKind;
  /** For `channel`: which channel restarts. */
  channel?: string;
}

const RULES: readonly [prefix: string, kind: ChangeKind][] = [
  ["gateway.remote", "none"],
  ["gateway.reload", "none"],
  // Token rotation applies to new connections without a restart.
  ["gateway.auth", "hot"],
  ["gateway.nodes", "hot"],
  ["gateway.tools", "hot"],
  ["gateway.http", "hot"],
  // The route table is built at start (Bun's routes are fixed while listening).
  ["hooks.path", "restart"],
  ["hooks", "hot"],
  ["agents.defaults.heartbeat", "hot"],
  ["agent.heartbeat", "hot"],
  ["cron", "hot"],
  ["browser", "hot"],
  ...["meta", "identity", "wizard", "logging", "models", "agents", "tools", "bindings", "audio", "agent", "routing", "messages", "session", "talk", "skills", "ui", "commands", "$schema"].map(
    (prefix) => [prefix, "none"] as [string, ChangeKind],
  ),
  ["plugins", "restart"],
  ["gateway", "restart"],
  ["discovery", "restart"],
  ["canvasHost", "restart"],
];

function matches(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(`${prefix}.`);
}

export function classify(path: string): ClassifiedChange {
  const channel = /^channels\.([^.]+)/.exec(path) ?? (matches(path, "web") ? [path, "whatsapp"] : null);
  if (channel) return { path, kind: "channel", channel: channel[1] };
  const rule = RULES.find(([prefix]) => matches(path, prefix));
  return { path, kind: rule ? rule[1] : "restart" };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Dotted paths whose values differ (objects are compared key by key, arrays and scalars whole). */
export function changedPaths(before: unknown, after: unknown, prefix = ""): string[] {
  // A section that appears or disappears is reported by its leaves, like any other edit.
  if (before === undefined && isPlainObject(after)) before = {};
  if (after === undefined && isPlainObject(before)) after = {};
  if (isPlainObject(before) && isPlainObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((key) => changedPaths(before[key], after[key], prefix ? `${prefix}.${key}` : key));
  }
  return JSON.stringify(before) === JSON.stringify(after) ? [] : [prefix || "(root)"];
}

export interface ReloadPlan {
  changes: ClassifiedChange[];
  /** True when anything needs the whole gateway restarted. */
  needsRestart: boolean;
  channels: string[];
}

export function planReload(before: unknown, after: unknown): ReloadPlan {
  const changes = changedPaths(before, after).map(classify);
  return {
    changes,
    needsRestart: changes.some((c) => c.kind === "restart"),
    channels: [...new Set(changes.flatMap((c) => (c.channel ? [c.channel] : [])))],
  };
}
