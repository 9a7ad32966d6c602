/**
 * Runs every doctor check in a fixed order and applies fixes one by one: a fix that fails is
 * reported and the others still run, so one broken thing never throws away the other repairs.
 */
import { checkAuth, checkConfigFile, checkGatewayMode } from "./check-config.ts";
import { checkFiles } from "./check-files.ts";
import { checkLegacy } from "./check-legacy.ts";
import { checkPorts } from "./check-ports.ts";
import { checkService } from "./check-service.ts";
import type { Check, CheckResult, DoctorContext, Fix } from "./check.ts";

export interface FixOutcome {
  id: string;
  message: string;
}

export interface DoctorReport {
  ok: boolean;
  checks: Check[];
  fixed: FixOutcome[];
  /** Fixes that were tried and failed. */
  failed: FixOutcome[];
}

export async function runChecks(context: DoctorContext): Promise<CheckResult> {
  const [files, ports, legacy, service] = await Promise.all([checkFiles(context), checkPorts(context), checkLegacy(context), checkService(context)]);
  const checks = [...checkConfigFile(context), ...checkGatewayMode(context), ...checkAuth(context), ...files.checks, ...ports, ...legacy.checks, ...service.checks];
  // A state dir about to be copied is fixed in the copy (it is made private); the legacy original is left alone.
  const migrating = legacy.fixes.some((fix) => fix.id === "legacy-state-dir");
  // The service is rewritten last, so it restarts on the already repaired state and config.
  return { checks, fixes: [...(migrating ? legacy.fixes : [...legacy.fixes, ...files.fixes]), ...service.fixes] };
}

export async function applyFixes(fixes: readonly Fix[]): Promise<{ fixed: FixOutcome[]; failed: FixOutcome[] }> {
  const fixed: FixOutcome[] = [];
  const failed: FixOutcome[] = [];
  for (const fix of fixes) {
    try {
      fixed.push({ id: fix.id, message: await fix.apply() });
    } catch (error) {
      failed.push({ id: fix.id, message: `${fix.description}: ${(error as Error).message}` });
    }
  }
  return { fixed, failed };
}

export const hasErrors = (checks: readonly Check[]) => checks.some((check) => check.status === "error");

export function report(checks: Check[], fixed: FixOutcome[] = [], failed: FixOutcome[] = []): DoctorReport {
  return { ok: !hasErrors(checks) && failed.length === 0, checks, fixed, failed };
}
