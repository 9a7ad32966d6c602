/**
 * The gateway as a systemd unit: a user unit in `~/.config/systemd/user` by default (kept
 * running after logout by linger), or with `--system` a system unit in `/etc/systemd/system`.
 */
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { parseUnit, renderUnit, UNIT_HEADER } from "./systemd-unit.ts";
import { ServiceError, type AuditFinding, type CommandResult, type CommandRunner, type InstallResult, type ServiceManager, type ServiceSpec, type SupervisorStatus } from "./types.ts";

export interface SystemdManagerOptions {
  runner: CommandRunner;
  /** The user's home; user units go to `<home>/.config/systemd/user` unless `xdgConfigHome` is set. */
  home: string;
  /** `XDG_CONFIG_HOME`, when the environment names one. */
  xdgConfigHome?: string;
  /** Where system units go; `/etc/systemd/system` (tests pass a temp dir). */
  systemDir?: string;
  /** The user whose linger is checked (`$USER`). */
  user: string;
}

const FOREIGN_UNIT = /^(openclaw-gateway|clawdbot-gateway)([-.@].*)?\.service$/;
const STATUS_PROPERTIES = "LoadState,ActiveState,SubState,MainPID,ExecMainStatus,ExecMainExitTimestamp";

export function systemdManager(options: SystemdManagerOptions): ServiceManager {
  const userDir = join(options.xdgConfigHome ?? join(options.home, ".config"), "systemd", "user");
  const systemDir = options.systemDir ?? "/etc/systemd/system";
  const unitPath = (spec: ServiceSpec) => join(spec.system ? systemDir : userDir, spec.name);

  /** systemctl for the spec's manager (`--user` or the system one); a missing user bus is explained. */
  async function systemctl(spec: ServiceSpec, args: string[]): Promise<CommandResult> {
    const result = await options.runner.run("systemctl", spec.system ? args : ["--user", ...args]);
    if (result.code === 127) throw new ServiceError("systemctl not found: this machine does not run systemd; run the gateway under your own supervisor (openclaw gateway)");
    if (!spec.system && /Failed to connect to (user scope )?bus/i.test(result.stderr)) {
      throw new ServiceError(
        "systemctl --user cannot reach your user's systemd (Failed to connect to bus: no login session, e.g. over su or a bare ssh command); " +
          `log in normally, or enable linger (sudo loginctl enable-linger ${options.user}), or install a system unit with --system (as root)`,
      );
    }
    return result;
  }

  async function mustSystemctl(spec: ServiceSpec, args: string[]): Promise<void> {
    const result = await systemctl(spec, args);
    if (result.code !== 0) {
      const hint = spec.system && result.stderr.includes("Access denied") ? " (a system unit needs root: use sudo)" : "";
      throw new ServiceError(`systemctl ${spec.system ? "" : "--user "}${args.join(" ")} failed: ${result.stderr.trim() || `exit ${result.code}`}${hint}`);
    }
  }

  /** Without linger, systemd stops a user's units when their last session ends. */
  async function ensureLinger(): Promise<string[]> {
    const shown = await options.runner.run("loginctl", ["show-user", options.user, "-p", "Linger"]);
    if (shown.code === 0 && /^Linger=yes$/m.test(shown.stdout)) return [];
    const enabled = await options.runner.run("loginctl", ["enable-linger", options.user]);
    if (enabled.code === 0) return [`enabled linger for ${options.user}, so the gateway keeps running after you log out`];
    return [`linger is off: the gateway stops when you log out; to keep it running: sudo loginctl enable-linger ${options.user}`];
  }

  async function readInstalled(spec: ServiceSpec): Promise<string | null> {
    return readFile(unitPath(spec), "utf8").catch(() => null);
  }

  return {
    platform: "systemd",

    render(spec) {
      return [{ path: unitPath(spec), contents: renderUnit(spec) }];
    },

    async install(spec, { force }): Promise<InstallResult> {
      const file = unitPath(spec);
      const contents = renderUnit(spec);
      const existing = await readInstalled(spec);
      const notes = spec.system ? [] : await ensureLinger();
      if (existing === contents && !force) return { outcome: "unchanged", file, notes };
      // Asked before writing, so a session without a bus leaves no half-installed unit behind.
      if (!spec.system) await systemctl(spec, ["show-environment"]);
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, contents, { mode: 0o644 });
      await mustSystemctl(spec, ["daemon-reload"]);
      await mustSystemctl(spec, ["enable", "--now", spec.name]);
      // enable --now leaves a running old process alone; a rewritten unit must take effect.
      if (existing !== null) await mustSystemctl(spec, ["restart", spec.name]);
      return { outcome: existing === null ? "installed" : "reinstalled", file, notes };
    },

    async uninstall(spec) {
      const file = unitPath(spec);
      const existed = (await readInstalled(spec)) !== null;
      const notes: string[] = [];
      const disabled = await systemctl(spec, ["disable", "--now", spec.name]);
      if (disabled.code !== 0 && existed) notes.push(`systemctl disable said: ${disabled.stderr.trim()}`);
      await rm(file, { force: true });
      await mustSystemctl(spec, ["daemon-reload"]);
      return { removed: existed, notes };
    },

    async start(spec) {
      await requireInstalled(spec);
      await mustSystemctl(spec, ["start", spec.name]);
    },

    async stop(spec) {
      await requireInstalled(spec);
      await mustSystemctl(spec, ["stop", spec.name]);
    },

    async restart(spec) {
      await requireInstalled(spec);
      // --no-block: queued, not awaited, so a restart asked for by the gateway itself (or a
      // process it started) cannot deadlock waiting for its own stop.
      await mustSystemctl(spec, ["restart", "--no-block", spec.name]);
    },

    async status(spec): Promise<SupervisorStatus> {
      const file = unitPath(spec);
      const installed = (await readInstalled(spec)) !== null;
      const shown = await systemctl(spec, ["show", spec.name, "-p", STATUS_PROPERTIES]);
      const props = Object.fromEntries(
        shown.stdout.split("\n").filter((line) => line.includes("=")).map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1).trim()]),
      );
      const pid = Number(props.MainPID);
      const exitAt = parseTimestamp(props.ExecMainExitTimestamp ?? "");
      return {
        platform: "systemd",
        name: spec.name,
        installed,
        file: installed ? file : null,
        loaded: props.LoadState === "loaded",
        running: props.ActiveState === "active",
        pid: Number.isInteger(pid) && pid > 0 ? pid : null,
        lastExitCode: exitAt !== null && props.ExecMainStatus !== undefined ? Number(props.ExecMainStatus) : null,
        lastExitAt: exitAt,
        detail: shown.code !== 0 ? shown.stderr.trim() || null : props.ActiveState ? `${props.ActiveState} (${props.SubState ?? "?"})` : null,
      };
    },

    async audit(spec): Promise<AuditFinding[]> {
      const installed = await readInstalled(spec);
      if (installed === null) return [{ key: "file", expected: unitPath(spec), actual: null }];
      const want = parseUnit(renderUnit(spec));
      const have = parseUnit(installed);
      const findings: AuditFinding[] = [];
      for (const key of new Set([...want.keys(), ...have.keys()])) {
        const expected = want.get(key)?.join("\n") ?? "";
        const actual = have.get(key)?.join("\n") ?? null;
        if (expected !== (actual ?? "")) findings.push({ key, expected, actual });
      }
      return findings;
    },

    async others({ deep }) {
      const dirs = deep ? [userDir, systemDir] : [userDir];
      const found: string[] = [];
      for (const dir of dirs) {
        const names = await readdir(dir).catch(() => [] as string[]);
        for (const name of names.filter((n) => FOREIGN_UNIT.test(n)).sort()) {
          const text = await readFile(join(dir, name), "utf8").catch(() => "");
          if (!text.startsWith(UNIT_HEADER)) found.push(join(dir, name));
        }
      }
      return found;
    },
  };

  async function requireInstalled(spec: ServiceSpec): Promise<void> {
    if ((await readInstalled(spec)) === null) {
      throw new ServiceError(`${spec.name} is not installed (no ${unitPath(spec)}); install it with: openclaw gateway install${spec.system ? " --system" : ""}`);
    }
  }
}

/** `ExecMainExitTimestamp`: `@<seconds>` with --timestamp=unix, else `Day YYYY-MM-DD HH:MM:SS TZ`; empty when it never exited. */
export function parseTimestamp(value: string): number | null {
  const unix = /^@(\d+)$/.exec(value);
  if (unix) return Number(unix[1]) * 1000;
  const match = /(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(?: (\S+))?/.exec(value);
  if (!match) return null;
  // Only UTC is unambiguous; other zone names are read as this machine's local time, which is
  // what systemctl printed them in.
  const at = Date.parse(`${match[1]}T${match[2]}${match[3] === "UTC" ? "Z" : ""}`);
  return Number.isNaN(at) ? null : at;
}
