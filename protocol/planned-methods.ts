/**
 * Methods real OpenClaw clients call that this build does not implement yet. They answer
 * `UNAVAILABLE "<method> is not available in this build yet"` instead of "unknown method", so a
 * client (and its user) can tell "not built" from "never heard of it". Each issue that builds
 * one moves its name from here into a method record.
 */
export const PLANNED_METHODS: ReadonlySet<string> = new Set([
  "poll", "wake",
  "sessions.compact",
  "sessions.resolve", "sessions.usage",
  "models.list", "agents.files.list", "agents.files.get",
  "usage.status", "usage.cost", "set-heartbeats", "tools.invoke",
  "cron.list", "cron.status", "cron.runs", "skills.status", "talk.config", "talk.mode", "voicewake.get", "voicewake.set",
  "exec.approval.request", "exec.approval.waitDecision", "exec.approval.resolve", "browser.request", "update.run",
]);
