/**
 * The LaunchAgent plist for a ServiceSpec. Pure text so golden files and `doctor` audits can
 * compare it whole; keys are emitted in a fixed order and env keys sorted, so equal specs give
 * byte-equal plists and `install` can be a no-op.
 */
import type { ServiceSpec } from "./types.ts";

/**
 * Exit code the gateway uses for an invalid config (systemd's RestartPreventExitStatus=78).
 * launchd cannot exempt one exit code from KeepAlive, so see `keepAliveChoice` below.
 */
export const CONFIG_ERROR_EXIT = 78;

/**
 * Seconds launchd waits between respawns. launchd's default of 10 s turned a config error
 * (exit 78) into a 10 s loop and 10 MB of logs an hour (user-needs E1); 30 s cuts that by three
 * while a real crash still comes back within half a minute.
 */
export const THROTTLE_INTERVAL = 30;

/**
 * Seconds between SIGTERM and SIGKILL on bootout/kickstart -k. The gateway drains for 5 s and then
 * closes sockets and stores; 30 s leaves room for a slow disk without hanging `stop` forever.
 */
export const EXIT_TIMEOUT = 30;

/** Env keys that must never land in a world-readable plist, even if a caller passes them. */
const SECRET_KEY = /TOKEN|SECRET|PASSWORD|API_KEY/i;

export function escapeXml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

/** Env written into service files: no secrets, no empty values, sorted for stable output. */
export function serviceEnv(env: Record<string, string>): [string, string][] {
  return Object.entries(env)
    .filter(([key, value]) => value !== "" && !SECRET_KEY.test(key))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

export function plistLogPaths(spec: ServiceSpec): { stdout: string; stderr: string } {
  return { stdout: `${spec.logDir}/${spec.name}.out.log`, stderr: `${spec.logDir}/${spec.name}.err.log` };
}

const str = (value: string) => `<string>${escapeXml(value)}</string>`;

export function renderPlist(spec: ServiceSpec): string {
  const logs = plistLogPaths(spec);
  const env = serviceEnv(spec.env);
  const lines = [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">`,
    `<plist version="1.0">`,
    `<dict>`,
    `  <key>Label</key>`,
    `  ${str(spec.name)}`,
    `  <key>Comment</key>`,
    `  ${str(`OpenClaw Gateway (v${spec.version})`)}`,
    `  <key>ProgramArguments</key>`,
    `  <array>`,
    ...spec.program.map((arg) => `    ${str(arg)}`),
    `  </array>`,
    `  <key>EnvironmentVariables</key>`,
    `  <dict>`,
    ...env.flatMap(([key, value]) => [`    <key>${escapeXml(key)}</key>`, `    ${str(value)}`]),
    `  </dict>`,
    `  <key>WorkingDirectory</key>`,
    `  ${str(spec.workingDirectory)}`,
    `  <key>RunAtLoad</key>`,
    `  <true/>`,
    // keepAliveChoice: respawn only after a failed exit. A clean exit 0 (a deliberate shutdown)
    // stays down; crashes and config errors (78) come back, but no faster than ThrottleInterval.
    `  <key>KeepAlive</key>`,
    `  <dict>`,
    `    <key>SuccessfulExit</key>`,
    `    <false/>`,
    `  </dict>`,
    `  <key>ThrottleInterval</key>`,
    `  <integer>${THROTTLE_INTERVAL}</integer>`,
    `  <key>ExitTimeOut</key>`,
    `  <integer>${EXIT_TIMEOUT}</integer>`,
    // 63 = 0o077: state, logs and sockets the gateway creates are readable by the user only.
    `  <key>Umask</key>`,
    `  <integer>63</integer>`,
    `  <key>StandardInPath</key>`,
    `  <string>/dev/null</string>`,
    `  <key>StandardOutPath</key>`,
    `  ${str(logs.stdout)}`,
    `  <key>StandardErrorPath</key>`,
    `  ${str(logs.stderr)}`,
    `</dict>`,
    `</plist>`,
    ``,
  ];
  return lines.join("\n");
}
