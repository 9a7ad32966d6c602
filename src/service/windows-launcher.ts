/**
 * The VBScript launchers the Windows service runs. wscript.exe has no console, and the gateway is
 * started with window style 0 (hidden), so there is no console window a user could close and kill
 * the gateway with (user-needs E3). Output goes to files in the log dir through cmd's redirection.
 */
import { win32 } from "node:path";
import { serviceEnv } from "./launchd-plist.ts";
import { ServiceError, type ServiceSpec } from "./types.ts";

/** Must match launchd-plist's THROTTLE_INTERVAL in spirit: a crash loop costs one try per 30 s. */
const RESPAWN_DELAY_MS = 30_000;
const CONFIG_ERROR_EXIT = 78;

/** A VBScript string literal: quotes are doubled; a line break cannot be written inside one. */
function vbs(text: string): string {
  if (/[\r\n]/.test(text)) throw new ServiceError(`A service value contains a line break, which a .vbs launcher cannot hold: ${JSON.stringify(text)}`);
  return `"${text.replace(/"/g, '""')}"`;
}

/** One quoted cmd.exe argument. `%` would be expanded by cmd even inside quotes, so refuse it. */
function cmdArg(arg: string): string {
  if (/[%"]/.test(arg)) throw new ServiceError(`A service argument contains % or ", which cmd.exe would rewrite: ${arg}`);
  return `"${arg}"`;
}

/** File names of the generated files; the profile keeps several gateways apart. */
export function launcherBaseName(spec: ServiceSpec): string {
  return spec.profile === null ? "gateway" : `gateway-${spec.profile}`;
}

export function windowsLogPaths(spec: ServiceSpec): { stdout: string; stderr: string } {
  const base = launcherBaseName(spec);
  return { stdout: win32.join(spec.logDir, `${base}.log`), stderr: win32.join(spec.logDir, `${base}.err.log`) };
}

/**
 * The launcher: sets the service env for itself (children inherit it), runs the gateway hidden and
 * waits. A crash is retried after 30 s; a clean exit or a config error (78) ends the launcher so an
 * invalid config does not loop. This loop is also the only supervisor in the Startup-folder
 * fallback, where no Task Scheduler restarts anything.
 */
export function renderLauncher(spec: ServiceSpec): string {
  const logs = windowsLogPaths(spec);
  const commandLine = `${spec.program.map(cmdArg).join(" ")} >> ${cmdArg(logs.stdout)} 2>> ${cmdArg(logs.stderr)}`;
  // /s: cmd strips exactly the outer quotes, leaving every inner quoted path intact.
  const command = `cmd.exe /d /s /c "${commandLine}"`;
  const lines = [
    `' ${spec.name} launcher (v${spec.version}), written by \`openclaw gateway install\`; reinstall instead of editing.`,
    `Option Explicit`,
    `Dim shell, env, code`,
    `Set shell = CreateObject("WScript.Shell")`,
    `Set env = shell.Environment("Process")`,
    ...serviceEnv(spec.env).map(([key, value]) => `env(${vbs(key)}) = ${vbs(value)}`),
    `shell.CurrentDirectory = ${vbs(spec.workingDirectory)}`,
    `Do`,
    `  code = shell.Run(${vbs(command)}, 0, True)`,
    `  If code = 0 Or code = ${CONFIG_ERROR_EXIT} Then Exit Do`,
    `  WScript.Sleep ${RESPAWN_DELAY_MS}`,
    `Loop`,
    `WScript.Quit code`,
    ``,
  ];
  return lines.join("\r\n");
}

/** The Startup-folder entry used when Task Scheduler refuses: it only starts the launcher, hidden. */
export function renderStartupLauncher(spec: ServiceSpec, launcherPath: string): string {
  const lines = [
    `' ${spec.name} (v${spec.version}): Startup-folder fallback, written because Task Scheduler denied access.`,
    `CreateObject("WScript.Shell").Run ${vbs(`wscript.exe //B //NoLogo "${launcherPath}"`)}, 0, False`,
    ``,
  ];
  return lines.join("\r\n");
}
