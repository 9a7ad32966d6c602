/** Roles, operator scopes and the method → scope table (protocol.md §5). */

export const Roles = ["operator", "node"] as const;
export type Role = (typeof Roles)[number];

export const Scopes = {
  READ: "operator.read",
  WRITE: "operator.write",
  ADMIN: "operator.admin",
  APPROVALS: "operator.approvals",
  PAIRING: "operator.pairing",
} as const;
export type Scope = (typeof Scopes)[keyof typeof Scopes] | (string & {});

/** Methods only a node may call. */
export const NODE_ONLY_METHODS: ReadonlySet<string> = new Set(["node.invoke.result", "node.event", "skills.bins"]);

/** Methods any connected client may call, whatever its role and scopes. */
export const UNSCOPED_METHODS: ReadonlySet<string> = new Set(["health"]);

const READ = [
  "health", "logs.tail", "channels.status", "status", "usage.status", "usage.cost", "tts.status",
  "tts.providers", "models.list", "agents.list", "agent.identity.get", "skills.status", "voicewake.get",
  "sessions.list", "sessions.preview", "sessions.resolve", "sessions.usage", "sessions.usage.timeseries",
  "sessions.usage.logs", "cron.list", "cron.status", "cron.runs", "system-presence", "last-heartbeat",
  "node.list", "node.describe", "chat.history", "config.get", "talk.config", "agents.files.list",
  "agents.files.get",
];
const WRITE = [
  "send", "poll", "agent", "agent.wait", "wake", "talk.mode", "tts.enable", "tts.disable", "tts.convert",
  "tts.setProvider", "voicewake.set", "node.invoke", "chat.send", "chat.abort", "browser.request", "push.test",
];
const APPROVALS = ["exec.approval.request", "exec.approval.waitDecision", "exec.approval.resolve"];
const PAIRING = [
  "node.pair.request", "node.pair.list", "node.pair.approve", "node.pair.reject", "node.pair.verify",
  "device.pair.list", "device.pair.approve", "device.pair.reject", "device.pair.remove",
  "device.token.rotate", "device.token.revoke", "node.rename",
];

const METHOD_SCOPES: ReadonlyMap<string, Scope> = new Map([
  ...READ.map((m) => [m, Scopes.READ] as const),
  ...WRITE.map((m) => [m, Scopes.WRITE] as const),
  ...APPROVALS.map((m) => [m, Scopes.APPROVALS] as const),
  ...PAIRING.map((m) => [m, Scopes.PAIRING] as const),
]);

/** The scope a method needs. Unlisted methods need admin (fail closed). */
export function requiredScope(method: string): Scope {
  return METHOD_SCOPES.get(method) ?? Scopes.ADMIN;
}

/** Whether the granted scopes satisfy `needed` (admin implies all; write implies read). */
export function scopeSatisfied(granted: readonly string[], needed: Scope): boolean {
  if (granted.includes(Scopes.ADMIN)) return true;
  if (granted.includes(needed)) return true;
  return needed === Scopes.READ && granted.includes(Scopes.WRITE);
}

/** Events that only pairing-scoped operators receive (never nodes). */
export const PAIRING_EVENTS: ReadonlySet<string> = new Set([
  "device.pair.requested", "device.pair.resolved", "node.pair.requested", "node.pair.resolved",
]);
