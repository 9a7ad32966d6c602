/**
 * Doctor check on the installed gateway service: does the unit/plist on disk still say what
 * `openclaw gateway install` would write today (binary path, environment, port)? A drifted
 * service keeps running the old definition, so the fix is a forced reinstall.
 */
import type { Options } from "../config/load.ts";
import { localService, type LocalService } from "../service/local-service.ts";
import { ServiceError, type AuditFinding } from "../service/types.ts";
import { commandHint } from "../cli/command-hint.ts";
import { ok, warn, type CheckResult, type DoctorContext } from "./check.ts";

/** Built as `gateway install --force` builds it, so a source checkout audits against what it would install. */
export const serviceForAudit = (options: Readonly<Options>, flags: { system?: boolean } = {}) => localService(options, { ...flags, force: true });

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
    service = serviceForAudit(options);
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
