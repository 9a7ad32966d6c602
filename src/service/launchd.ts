/**
 * macOS LaunchAgent manager. Every launchctl call goes through the CommandRunner, and the home and
 * LaunchAgents dirs are injected, so the flows run against temp dirs and a fake launchctl.
 *
 * stop is `bootout` (the job is unloaded, so KeepAlive cannot respawn it behind our back, E1), and
 * start bootstraps an unloaded job again from the plist on disk, so stop never leaves a state that
 * start cannot undo. restart is `kickstart -k`: launchd itself kills and respawns, so nothing races
 * the old process for the port.
 */
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { renderPlist } from "./launchd-plist.ts";
import { ServiceError } from "./types.ts";
import type { AuditFinding, CommandRunner, InstallResult, ServiceManager, ServiceSpec, SupervisorStatus } from "./types.ts";

export interface LaunchdOptions {
  runner: CommandRunner;
  home: string;
  /** Defaults to `<home>/Library/LaunchAgents`. */
  launchAgentsDir?: string;
  /** System-wide dirs `others({deep:true})` also scans; defaults to /Library/LaunchAgents and /Library/LaunchDaemons. */
  systemDirs?: string[];
  uid?: number;
}

/** Labels of the clawdbot/openclaw eras that are not ours (we are `bot.molt.*`). */
const FOREIGN_LABEL = /^(ai\.openclaw\.|com\.openclaw\.|com\.clawdbot\.|clawdbot)/;
const LEGACY_LABEL = /^com\.openclaw\./;

export interface LaunchctlPrint {
  state: string | null;
  pid: number | null;
  lastExitCode: number | null;
}

/** Reads the top-level `state`, `pid` and `last exit code` lines of `launchctl print`. */
export function parseLaunchctlPrint(text: string): LaunchctlPrint {
  const field = (key: string) => new RegExp(`^\\s*${key} = (.+)$`, "m").exec(text)?.[1]?.trim() ?? null;
  const int = (value: string | null) => (value !== null && /^-?\d+$/.test(value) ? Number(value) : null);
  return { state: field("state"), pid: int(field("pid")), lastExitCode: int(field("last exit code")) };
}

async function readText(path: string): Promise<string | null> {
  try {
    return await readFile(path, "utf8");
  } catch {
    return null;
  }
}

async function listPlists(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((file) => file.endsWith(".plist")).sort();
  } catch {
    return [];
  }
}

export function createLaunchdManager(options: LaunchdOptions): ServiceManager {
  const { runner } = options;
  const agentsDir = options.launchAgentsDir ?? join(options.home, "Library", "LaunchAgents");
  const systemDirs = options.systemDirs ?? ["/Library/LaunchAgents", "/Library/LaunchDaemons"];
  const uid = options.uid ?? process.getuid?.() ?? 501;
  const domain = `gui/${uid}`;
  const plistPath = (spec: ServiceSpec) => join(agentsDir, `${spec.name}.plist`);
  const launchctl = (...args: string[]) => runner.run("launchctl", args);

  async function printJob(label: string): Promise<{ loaded: boolean; print: LaunchctlPrint; text: string }> {
    const result = await launchctl("print", `${domain}/${label}`);
    return { loaded: result.code === 0, print: parseLaunchctlPrint(result.stdout), text: result.stdout + result.stderr };
  }

  async function bootstrap(spec: ServiceSpec): Promise<void> {
    // A job disabled by an earlier `launchctl disable` refuses to bootstrap; enable is idempotent.
    await launchctl("enable", `${domain}/${spec.name}`);
    const result = await launchctl("bootstrap", domain, plistPath(spec));
    if (result.code !== 0) {
      throw new ServiceError(
        `launchctl bootstrap ${domain} ${plistPath(spec)} failed (${result.code}): ${(result.stderr || result.stdout).trim()}. ` +
          `Check the plist with \`plutil -lint\` and the log in ${spec.logDir}.`,
      );
    }
  }

  async function bootout(label: string): Promise<boolean> {
    const result = await launchctl("bootout", `${domain}/${label}`);
    return result.code === 0;
  }

  async function removeLegacy(): Promise<string[]> {
    const notes: string[] = [];
    for (const file of await listPlists(agentsDir)) {
      const label = file.slice(0, -".plist".length);
      if (!LEGACY_LABEL.test(label)) continue;
      const wasLoaded = await bootout(label);
      await rm(join(agentsDir, file), { force: true });
      notes.push(`Removed legacy LaunchAgent ${label}${wasLoaded ? " (booted out)" : ""}: ${join(agentsDir, file)}`);
    }
    return notes;
  }

  async function start(spec: ServiceSpec): Promise<void> {
    if ((await printJob(spec.name)).loaded) {
      await launchctl("kickstart", `${domain}/${spec.name}`);
      return;
    }
    if ((await readText(plistPath(spec))) === null) {
      throw new ServiceError(`${spec.name} is not installed (${plistPath(spec)} is missing); run \`openclaw gateway install\` first.`);
    }
    await bootstrap(spec);
  }

  return {
    platform: "launchd",
    start,

    render(spec) {
      return [{ path: plistPath(spec), contents: renderPlist(spec) }];
    },

    async install(spec, { force }): Promise<InstallResult> {
      const notes = await removeLegacy();
      const file = plistPath(spec);
      const contents = renderPlist(spec);
      const existing = await readText(file);
      const { loaded } = await printJob(spec.name);
      if (existing === contents && !force) {
        // Same definition: leave the file and a running job alone, only load it if it was unloaded.
        if (!loaded) {
          await bootstrap(spec);
          notes.push(`Loaded ${spec.name} from the unchanged plist.`);
        }
        return { outcome: "unchanged", file, notes };
      }
      // launchd keeps the definition it loaded, so a changed plist needs bootout + bootstrap.
      if (loaded) await bootout(spec.name);
      await mkdir(agentsDir, { recursive: true });
      await mkdir(spec.logDir, { recursive: true });
      await writeFile(file, contents, { mode: 0o644 });
      await bootstrap(spec);
      return { outcome: existing === null ? "installed" : "reinstalled", file, notes };
    },

    async uninstall(spec) {
      const notes: string[] = [];
      if (await bootout(spec.name)) notes.push(`Booted out ${domain}/${spec.name}.`);
      const file = plistPath(spec);
      const existed = (await readText(file)) !== null;
      await rm(file, { force: true });
      if (existed) notes.push(`Removed ${file}.`);
      return { removed: existed, notes };
    },

    async stop(spec) {
      // Not loaded is already stopped; bootout waits for the exit (SIGKILL after ExitTimeOut).
      await bootout(spec.name);
    },

    async restart(spec) {
      if (!(await printJob(spec.name)).loaded) return start(spec);
      const result = await launchctl("kickstart", "-k", `${domain}/${spec.name}`);
      if (result.code !== 0) {
        throw new ServiceError(`launchctl kickstart -k ${domain}/${spec.name} failed (${result.code}): ${(result.stderr || result.stdout).trim()}`);
      }
    },

    async status(spec): Promise<SupervisorStatus> {
      const file = plistPath(spec);
      const installed = (await readText(file)) !== null;
      const job = await printJob(spec.name);
      const running = job.loaded && job.print.state === "running";
      let detail: string | null = null;
      if (!installed) detail = `No plist at ${file}; run \`openclaw gateway install\`.`;
      else if (!job.loaded) detail = `Installed but not loaded; \`openclaw gateway start\` bootstraps it.`;
      else if (!running && job.print.lastExitCode === 78) {
        detail = `Last exit 78: invalid config. launchd retries every 30 s; fix the config (openclaw doctor).`;
      }
      return {
        platform: "launchd",
        name: spec.name,
        installed,
        file: installed ? file : null,
        loaded: job.loaded,
        running,
        pid: running ? job.print.pid : null,
        lastExitCode: job.print.lastExitCode,
        lastExitAt: null, // launchctl print does not say when the last exit happened
        detail,
      };
    },

    async audit(spec): Promise<AuditFinding[]> {
      const file = plistPath(spec);
      const actual = await readText(file);
      if (actual === null) return [{ key: "file", expected: file, actual: null }];
      const want = renderPlist(spec).split("\n");
      const have = actual.split("\n");
      const findings: AuditFinding[] = [];
      for (let i = 0; i < Math.max(want.length, have.length); i++) {
        if (want[i] !== have[i]) findings.push({ key: `line ${i + 1}`, expected: want[i] ?? "", actual: have[i] ?? null });
      }
      return findings;
    },

    async others({ deep }) {
      const dirs = deep ? [agentsDir, ...systemDirs] : [agentsDir];
      const found: string[] = [];
      for (const dir of dirs) {
        for (const file of await listPlists(dir)) {
          if (FOREIGN_LABEL.test(file)) found.push(join(dir, file));
        }
      }
      return found;
    },
  };
}
