/**
 * Doctor check on the installed gateway service: does the unit/plist on disk still say what
 * `openclaw gateway install` would write today (binary path, environment, port)? A drifted
 * service keeps running the old definition, so the fix is a forced reinstall.
 */
import { homedir, userInfo } from "node:os";
import type { Options } from "../config/load.ts";
import { managerFor } from "../service/manager-for.ts";
import { spawnRunner } from "../service/runner.ts";
import { buildServiceSpec } from "../service/spec.ts";
import { ServiceError, type AuditFinding, type ServiceManager, type ServiceSpec } from "../service/types.ts";
import { commandHint } from "../cli/command-hint.ts";
import { ok, warn, type CheckResult, type DoctorContext } from "./check.ts";

export interface LocalService {
  manager: ServiceManager;
  spec: ServiceSpec;
}

/**
 * The manager and spec for this machine, built the way `gateway install --force` builds them
 * (so a from-source checkout audits against what it would install). The environment comes from
 * the options: HOME decides where the unit lives, PATH which systemctl runs.
 */
export function localService(options: Readonly<Options>, flags: { system?: boolean } = {}): LocalService {
  const env = options.env;
  const home = env.HOME?.trim() || homedir();
  const user = env.USER?.trim() || userInfo().username;
  const manager = managerFor(process.platform, {
    runner: spawnRunner({ env: { ...env } }),
    home,
    xdgConfigHome: env.XDG_CONFIG_HOME?.trim() || undefined,
    user,
  });
  const spec = buildServiceSpec({
    options,
    platform: manager.platform,
    system: flags.system,
    force: true,
    execPath: process.execPath,
    entry: process.argv[1],
    user,
    home,
  });
  return { manager, spec };
}

/** The audit's answer for "there is no file at all". */
export const notInstalled = (findings: readonly AuditFinding[]) => findings.some((f) => f.key === "file" && f.actual === null);

function describeFinding(finding: AuditFinding): string {
  const one = (text: string | null) => (text === null || text === "" ? "(none)" : text.replaceAll("\n", " | "));
  return `${finding.key}: installed ${one(finding.actual)}, expected ${one(finding.expected)}`;
}

export async function checkService({ options }: DoctorContext): Promise<CheckResult> {
  let service: LocalService;
  let findings: AuditFinding[];
  try {
    service = localService(options);
    findings = await service.manager.audit(service.spec);
  } catch (failure) {
    // No supervisor this build drives (or cannot read it): nothing to audit, not a problem.
    if (failure instanceof ServiceError) return { checks: [ok("service", `gateway service not checked: ${failure.message}`)], fixes: [] };
    throw failure;
  }
  const { manager, spec } = service;
  if (notInstalled(findings)) return { checks: [ok("service", `gateway service ${spec.name} is not installed`)], fixes: [] };
  if (findings.length === 0) return { checks: [ok("service", `gateway service ${spec.name} matches what install would write`)], fixes: [] };

  const reinstall = commandHint(options.paths.profile, "gateway install --force");
  return {
    checks: [warn("service", `gateway service ${spec.name} differs from what install would write: ${findings.map(describeFinding).join("; ")}`, `run: ${reinstall}`)],
    fixes: [
      {
        id: "service",
        description: `rewrite ${spec.name} as install would today`,
        async apply() {
          const result = await manager.install(spec, { force: true });
          return `rewrote ${spec.name} (${result.file}) and restarted it`;
        },
      },
    ],
  };
}
