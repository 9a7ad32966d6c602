/**
 * `openclaw update [--check] [--version V] [--rollback] [--json]`: replaces this binary with a
 * verified release from the base URL (`OPENCLAW_INSTALL_BASE`), keeping the old one for
 * `--rollback`, then restarts the installed gateway service. A binary a package manager owns is
 * left to it (the command is named), and a source checkout is never replaced.
 *
 * Exit codes: 0 done, up to date, or (`--check`) reported either way; 1 refused or failed, in
 * which case nothing was changed.
 */
import { defineCommand } from "citty";
import { loadOptionsForRepair, type Options } from "../config/load.ts";
import { detectInstallKind, probeInstallFacts, type InstallKind } from "../update/install-kind.ts";
import { checkVersionShape, installBase } from "../update/manifest.ts";
import { runningBuild } from "../update/running-build.ts";
import { applyUpdate, checkUpdate, rollbackUpdate, type CheckReport, type UpdateSubject } from "../update/run-update.ts";
import { restartInstalledService, type ServiceRestart } from "../update/service-restart.ts";
import { UpdateError } from "../update/update-error.ts";
import { CliError } from "./cli-error.ts";
import { commandHint } from "./command-hint.ts";
import { globalFlags } from "./global-flags.ts";

const say = (line: string) => process.stdout.write(`${line}\n`);
const printJson = (value: unknown) => say(JSON.stringify(value, null, 2));

function refusal(kind: InstallKind, execPath: string): string | null {
  if (kind.kind === "source") return `this openclaw runs from source (${execPath}); update the checkout with git instead (openclaw update replaces installed binaries only)`;
  if (kind.kind === "self") return null;
  return `this openclaw was installed with ${kind.manager} (${execPath}); update it with: ${kind.command}`;
}

function describeCheck(c: CheckReport): string {
  if (c.updateAvailable) return `update available: openclaw ${c.current} -> ${c.available} (${c.target}); run: openclaw update${c.pinned ? ` --version ${c.available}` : ""}`;
  if (c.aheadOfLatest) return `openclaw ${c.current} is newer than the latest release (${c.available}); nothing to update`;
  return `openclaw ${c.current} is up to date (${c.pinned ? "requested" : "latest"}: ${c.available}, ${c.target})`;
}

function describeRestart(r: ServiceRestart, profile: string | null): string | null {
  if (r.outcome === "restarted") return `restarted the gateway service ${r.name}, so it runs the new binary`;
  if (r.outcome === "failed") return `note: the gateway service ${r.name} still runs the old binary: restart failed (${r.error}); run: ${commandHint(profile, "gateway restart")}`;
  return null;
}

async function options(): Promise<Readonly<Options>> {
  // A broken config must not stand in the way of an update that may fix it; the env is all it needs.
  return (await loadOptionsForRepair({ flags: globalFlags() })).options;
}

export default defineCommand({
  meta: { name: "update", description: "Replace this openclaw with the newest (or a given) release, verified by SHA-256" },
  args: {
    check: { type: "boolean", description: "Only say whether an update is available (exit 0 either way)", default: false },
    version: { type: "string", description: "Install this version instead of the latest (also to downgrade)" },
    rollback: { type: "boolean", description: "Go back to the binary the last update replaced", default: false },
    json: { type: "boolean", description: "Print a machine-readable result", default: false },
  },
  async run({ args }) {
    const opts = await options();
    const execPath = process.execPath;
    const kind = detectInstallKind(probeInstallFacts(execPath, opts.env));
    const build = runningBuild(execPath);
    try {
      if (args.rollback && (args.check || args.version !== undefined)) throw new UpdateError("--rollback takes no --check or --version");
      const refused = refusal(kind, execPath);
      // From source there is no release target to compare with, so even --check refuses.
      if (kind.kind === "source" && refused) throw new UpdateError(refused);
      if (build.target === "source") throw new UpdateError(`${execPath} was compiled without release information (no target), so no release artefact matches it; reinstall it with install.sh`);
      if (args.check) {
        const report = await checkUpdate(subject(), pinned());
        if (args.json) printJson({ ...report, installKind: kind.kind, ...(refused ? { refused } : {}) });
        else say(describeCheck(report) + (refused && report.updateAvailable ? `\nnote: ${refused}` : ""));
        return;
      }
      if (refused) throw new UpdateError(refused);
      if (args.rollback) {
        const report = await rollbackUpdate({ execPath });
        const restart = await restartInstalledService(opts);
        if (args.json) return printJson({ ...report, service: restart });
        say(`rolled back ${report.binary}: now ${report.now} (the replaced one is kept as ${report.previous}; --rollback again undoes this)`);
        const line = describeRestart(restart, opts.paths.profile);
        if (line) say(line);
        return;
      }
      const report = await applyUpdate(subject(), pinned());
      const restart: ServiceRestart = report.changed ? await restartInstalledService(opts) : { outcome: "none" };
      if (args.json) return printJson({ ...report, service: restart });
      if (!report.changed) return say(describeCheck(report));
      say(`updated ${report.binary}: openclaw ${report.current} -> ${report.available} (${report.target}); the old one is kept as ${report.previous} (undo: openclaw update --rollback)`);
      const line = describeRestart(restart, opts.paths.profile);
      if (line) say(line);
    } catch (error) {
      if (error instanceof UpdateError) throw new CliError(error.message);
      throw error;
    }

    function subject(): UpdateSubject {
      return { execPath, version: build.version, target: build.target, base: installBase(opts.env) };
    }
    function pinned(): string | undefined {
      return args.version === undefined ? undefined : checkVersionShape(String(args.version), "--version");
    }
  },
});
