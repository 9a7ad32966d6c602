/**
 * Windows manager: a per-user Scheduled Task running the hidden .vbs launcher, with a Startup-folder
 * launcher as the fallback when Task Scheduler denies access (no admin rights, E3). schtasks goes
 * through the CommandRunner and all dirs are injected, so the flows run on temp dirs here.
 */
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join, win32 } from "node:path";
import { launcherBaseName, renderLauncher, renderStartupLauncher } from "./windows-launcher.ts";
import { encodeUtf16LeBom, renderTaskXml } from "./windows-task-xml.ts";
import { ServiceError } from "./types.ts";
import type { AuditFinding, CommandRunner, InstallResult, ServiceManager, ServiceSpec, SupervisorStatus } from "./types.ts";

export interface WindowsOptions {
  runner: CommandRunner;
  /** Where the launcher and the task XML live (the state dir). */
  scriptDir: string;
  /** The user's Startup folder (`%APPDATA%\Microsoft\Windows\Start Menu\Programs\Startup`). */
  startupDir: string;
  /** `DOMAIN\user` for the logon trigger. */
  userId: string;
}

/** `schtasks /Query /FO LIST /V` as key → value (first task only; we query one by name). */
export function parseSchtasksList(text: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const match = /^([^:]+):\s*(.*)$/.exec(line);
    if (!match) continue;
    const key = match[1]!.trim();
    if (!(key in fields)) fields[key] = match[2]!.trim();
  }
  return fields;
}

function parseResult(value: string | undefined): number | null {
  if (value === undefined) return null;
  if (/^-?\d+$/.test(value)) return Number(value);
  if (/^0x[0-9a-f]+$/i.test(value)) return Number.parseInt(value, 16);
  return null;
}

async function readBytes(path: string): Promise<Uint8Array | null> {
  try {
    return new Uint8Array(await readFile(path));
  } catch {
    return null;
  }
}

const sameBytes = (a: Uint8Array | null, b: Uint8Array) => a !== null && a.length === b.length && a.every((byte, i) => byte === b[i]);
const text = (result: { stdout: string; stderr: string }) => (result.stderr || result.stdout).trim();

export function createWindowsManager(options: WindowsOptions): ServiceManager {
  const { runner, scriptDir, startupDir } = options;
  const schtasks = (...args: string[]) => runner.run("schtasks", args);
  const files = (spec: ServiceSpec) => {
    const base = launcherBaseName(spec);
    return {
      launcher: join(scriptDir, `${base}.vbs`),
      launcherWin: win32.join(scriptDir, `${base}.vbs`),
      xml: join(scriptDir, `${base}.task.xml`),
      startup: join(startupDir, `${spec.name}.vbs`),
    };
  };
  const rendered = (spec: ServiceSpec) => {
    const f = files(spec);
    return {
      launcher: new TextEncoder().encode(renderLauncher(spec)),
      xml: encodeUtf16LeBom(renderTaskXml(spec, { userId: options.userId, launcherPath: f.launcherWin })),
      startup: new TextEncoder().encode(renderStartupLauncher(spec, f.launcherWin)),
    };
  };
  const query = async (spec: ServiceSpec) => {
    const result = await schtasks("/Query", "/TN", spec.name, "/FO", "LIST", "/V");
    return { exists: result.code === 0, fields: parseSchtasksList(result.stdout) };
  };
  const hasStartup = async (spec: ServiceSpec) => (await readBytes(files(spec).startup)) !== null;
  const runStartup = async (spec: ServiceSpec) => {
    const result = await runner.run("wscript.exe", ["//B", "//NoLogo", files(spec).startup]);
    if (result.code !== 0) throw new ServiceError(`Starting ${files(spec).startup} failed (${result.code}): ${text(result)}`);
  };

  async function start(spec: ServiceSpec): Promise<void> {
    if ((await query(spec)).exists) {
      const result = await schtasks("/Run", "/TN", spec.name);
      if (result.code !== 0) throw new ServiceError(`schtasks /Run /TN "${spec.name}" failed (${result.code}): ${text(result)}`);
      return;
    }
    if (await hasStartup(spec)) return runStartup(spec);
    throw new ServiceError(`${spec.name} is not installed; run \`openclaw gateway install\` first.`);
  }

  async function stop(spec: ServiceSpec): Promise<void> {
    if ((await query(spec)).exists) {
      const result = await schtasks("/End", "/TN", spec.name);
      if (result.code !== 0) throw new ServiceError(`schtasks /End /TN "${spec.name}" failed (${result.code}): ${text(result)}`);
      return;
    }
    if (await hasStartup(spec)) {
      throw new ServiceError(
        `${spec.name} runs from the Startup folder (${files(spec).startup}), which has no supervisor to stop it; end the gateway process in Task Manager, or uninstall.`,
      );
    }
  }

  return {
    platform: "windows",
    start,
    stop,

    render(spec) {
      const f = files(spec);
      const r = rendered(spec);
      return [
        { path: f.launcher, contents: r.launcher },
        { path: f.xml, contents: r.xml },
      ];
    },

    async install(spec, { force }): Promise<InstallResult> {
      const f = files(spec);
      const r = rendered(spec);
      const notes: string[] = [];
      const oldLauncher = await readBytes(f.launcher);
      const task = await query(spec);
      const same = sameBytes(oldLauncher, r.launcher) && sameBytes(await readBytes(f.xml), r.xml);
      if (same && !force && (task.exists || sameBytes(await readBytes(f.startup), r.startup))) {
        return { outcome: "unchanged", file: task.exists ? f.xml : f.startup, notes };
      }
      await mkdir(scriptDir, { recursive: true });
      await mkdir(spec.logDir, { recursive: true });
      await writeFile(f.launcher, r.launcher);
      await writeFile(f.xml, r.xml);
      const outcome = oldLauncher === null ? "installed" : "reinstalled";
      const created = await schtasks("/Create", "/TN", spec.name, "/XML", f.xml, "/F");
      if (created.code !== 0) {
        if (!/access is denied/i.test(created.stdout + created.stderr)) {
          throw new ServiceError(`schtasks /Create /TN "${spec.name}" failed (${created.code}): ${text(created)}`);
        }
        await mkdir(startupDir, { recursive: true });
        await writeFile(f.startup, r.startup);
        notes.push(
          `Task Scheduler denied access, so ${spec.name} starts from the Startup folder instead: ${f.startup}. ` +
            `It starts at logon and the launcher retries crashes, but stop needs Task Manager; rerun install as an administrator for a Scheduled Task.`,
        );
        await runStartup(spec);
        return { outcome, file: f.startup, notes };
      }
      if (await hasStartup(spec)) {
        await rm(f.startup, { force: true });
        notes.push(`Removed the Startup-folder fallback ${f.startup}; the Scheduled Task replaces it.`);
      }
      await start(spec);
      return { outcome, file: f.xml, notes };
    },

    async uninstall(spec) {
      const f = files(spec);
      const notes: string[] = [];
      let removed = false;
      if ((await query(spec)).exists) {
        await schtasks("/End", "/TN", spec.name);
        const deleted = await schtasks("/Delete", "/TN", spec.name, "/F");
        if (deleted.code !== 0) throw new ServiceError(`schtasks /Delete /TN "${spec.name}" failed (${deleted.code}): ${text(deleted)}`);
        notes.push(`Deleted the Scheduled Task "${spec.name}".`);
        removed = true;
      }
      if (await hasStartup(spec)) {
        await rm(f.startup, { force: true });
        notes.push(`Removed the Startup-folder launcher ${f.startup}; a gateway it started keeps running until you end it or log off.`);
        removed = true;
      }
      await rm(f.launcher, { force: true });
      await rm(f.xml, { force: true });
      return { removed, notes };
    },

    async restart(spec) {
      // schtasks has no restart; /End returns once the task's process is terminated.
      await stop(spec);
      await start(spec);
    },

    async status(spec): Promise<SupervisorStatus> {
      const f = files(spec);
      const task = await query(spec);
      const startup = await hasStartup(spec);
      const state = task.fields["Status"] ?? null;
      const running = state === "Running";
      let detail: string | null = null;
      if (!task.exists && startup) detail = `Installed as a Startup-folder launcher (${f.startup}); Windows cannot report whether it runs.`;
      else if (!task.exists) detail = `No Scheduled Task "${spec.name}"; run \`openclaw gateway install\`.`;
      else if (state === "Disabled" || task.fields["Scheduled Task State"] === "Disabled") detail = `The task is disabled; reinstall with \`openclaw gateway install --force\`.`;
      else if (task.fields["Last Run Time"]) detail = `Last run ${task.fields["Last Run Time"]}.`;
      return {
        platform: "windows",
        name: spec.name,
        installed: task.exists || startup,
        file: task.exists ? f.xml : startup ? f.startup : null,
        loaded: task.exists,
        running,
        pid: null, // schtasks does not report the process id
        lastExitCode: task.exists ? parseResult(task.fields["Last Result"]) : null,
        lastExitAt: null, // "Last Run Time" is locale-formatted; it is shown in detail instead
        detail,
      };
    },

    async audit(spec): Promise<AuditFinding[]> {
      const f = files(spec);
      const r = rendered(spec);
      const findings: AuditFinding[] = [];
      const check = async (key: string, path: string, want: Uint8Array) => {
        const have = await readBytes(path);
        if (!sameBytes(have, want)) findings.push({ key, expected: path, actual: have === null ? null : "differs" });
      };
      await check("launcher", f.launcher, r.launcher);
      await check("task-xml", f.xml, r.xml);
      if (!(await query(spec)).exists && !(await hasStartup(spec))) findings.push({ key: "task", expected: spec.name, actual: null });
      return findings;
    },

    async others() {
      // Task Scheduler and the Startup folder are per-user already; there is no wider place to scan.
      const found: string[] = [];
      const listed = await schtasks("/Query", "/FO", "LIST");
      for (const line of listed.stdout.split(/\r?\n/)) {
        const name = /^TaskName:\s*\\?(.+)$/.exec(line)?.[1]?.trim();
        if (name && /clawdbot|openclaw/i.test(name) && !name.startsWith("OpenClaw Gateway")) found.push(`task: ${name}`);
      }
      let entries: string[] = [];
      try {
        entries = await readdir(startupDir);
      } catch {}
      for (const entry of entries.sort()) {
        if (/clawdbot|openclaw|^gateway\.cmd$/i.test(entry) && !entry.startsWith("OpenClaw Gateway")) found.push(join(startupDir, entry));
      }
      return found;
    },
  };
}
