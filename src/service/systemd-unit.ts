/** The text of the gateway's systemd unit, and reading one back (for audits and `others()`). */
import { ServiceError, type ServiceSpec } from "./types.ts";

/** The first line of every unit this build writes: how `others()` tells ours from foreign ones. */
export const UNIT_HEADER = "# Written by `openclaw gateway install`; reinstall (--force) instead of editing.";

/**
 * One word of ExecStart/Environment= in systemd's syntax: `%` starts a specifier and `$` a
 * variable in ExecStart, so both are doubled; quotes keep spaces inside one word.
 */
function quote(value: string, dollar: boolean): string {
  if (/[\n\r]/.test(value)) throw new ServiceError(`a systemd unit cannot hold a line break: ${JSON.stringify(value)}`);
  let escaped = value.replaceAll("%", "%%");
  if (dollar) escaped = escaped.replaceAll("$", "$$$$");
  if (!/[\s"'\\;]/.test(escaped) && escaped !== "") return escaped;
  return `"${escaped.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`;
}

export function renderUnit(spec: ServiceSpec): string {
  const profile = spec.profile ?? "default";
  const lines = [
    UNIT_HEADER,
    "[Unit]",
    `Description=OpenClaw Gateway (profile: ${profile}, v${spec.version})`,
    "After=network-online.target",
    "Wants=network-online.target",
    // A gateway that dies 5 times within a minute stays down rather than spinning forever.
    "StartLimitBurst=5",
    "StartLimitIntervalSec=60",
    "",
    "[Service]",
    "Type=simple",
    `ExecStart=${spec.program.map((word) => quote(word, true)).join(" ")}`,
    "Restart=always",
    "RestartSec=5",
    // 78 is the gateway's "fix the config" exit: restarting cannot help.
    "RestartPreventExitStatus=78",
    // 143 = stopped by SIGTERM, the normal way `systemctl stop` ends it.
    "SuccessExitStatus=0 143",
    // SIGTERM to the gateway first so it closes sockets and flushes; the rest of the group after.
    "KillMode=mixed",
    "TimeoutStopSec=30",
    // The state dir holds tokens and device keys.
    "UMask=0077",
    ...(spec.system ? [`User=${quote(spec.user, false)}`] : []),
    `WorkingDirectory=${quote(spec.workingDirectory, false)}`,
    ...Object.entries(spec.env).map(([key, value]) => `Environment=${quote(`${key}=${value}`, false)}`),
    "",
    "[Install]",
    `WantedBy=${spec.system ? "multi-user.target" : "default.target"}`,
    "",
  ];
  return lines.join("\n");
}

/** `Section.Key` → values, in file order (Environment= repeats). */
export function parseUnit(text: string): Map<string, string[]> {
  const entries = new Map<string, string[]>();
  let section = "";
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      section = header[1]!;
      continue;
    }
    const eq = line.indexOf("=");
    if (eq <= 0) continue;
    const key = `${section}.${line.slice(0, eq).trim()}`;
    entries.set(key, [...(entries.get(key) ?? []), line.slice(eq + 1).trim()]);
  }
  return entries;
}
