/**
 * `openclaw doctor [--json] [--fix] [--yes] [--import <dir> [--force]]`: one line per check (ok / warn /
 * error and what to do), exit 1 when any check is an error. `--fix` applies the safe repairs
 * (copy a legacy state dir, rename a legacy config, tighten permissions, rewrite a drifted
 * gateway service as `gateway install --force` would) after asking on a
 * terminal; `--yes` skips the question; without a terminal and `--yes` it only reports.
 */
import { defineCommand } from "citty";
import type { Check } from "../doctor/check.ts";
import { ImportError, importState, type ImportSummary } from "../doctor/import-state.ts";
import { applyFixes, report, runChecks, type DoctorReport } from "../doctor/run-doctor.ts";
import { loadCliContext } from "../setup/cli-context.ts";
import { CliError } from "./cli-error.ts";
import { commandHint } from "./command-hint.ts";
import { setExitCode } from "./exit-code.ts";
import { globalFlags } from "./global-flags.ts";

const LABEL = { ok: "ok   ", warn: "warn ", error: "error" } as const;

export function describeChecks(checks: readonly Check[]): string {
  return checks.map((c) => `${LABEL[c.status]}  ${c.message}${c.fix && c.status !== "ok" ? ` — ${c.fix}` : ""}`).join("\n");
}

function summaryLine(checks: readonly Check[]): string {
  const errors = checks.filter((c) => c.status === "error").length;
  const warnings = checks.filter((c) => c.status === "warn").length;
  if (errors === 0 && warnings === 0) return "All checks passed.";
  return `${errors} error(s), ${warnings} warning(s).`;
}

export function describeImport(s: ImportSummary): string {
  const lines = [`Imported from ${s.source} into ${s.stateDir}:`];
  const c = s.config;
  if (c.status === "merged") lines.push(`  config: merged ${c.from} into ${c.into}${c.backup ? ` (ours kept as ${c.backup})` : ""}`);
  else if (c.status === "refused") lines.push(`  config: NOT imported, the merged config would be invalid: ${c.problems.join("; ")}`);
  else lines.push("  config: none found");
  for (const warning of c.warnings) lines.push(`    warn: ${warning}`);
  const d = s.devices;
  lines.push(d.missing ? "  devices: no devices/paired.json" : `  devices: ${d.devices} paired device(s) with ${d.tokens} token(s)`);
  for (const skipped of d.skipped) lines.push(`    skipped ${skipped}`);
  lines.push(`  client identity: ${s.identity === "copied" ? "copied identity/device.json and device-auth.json" : s.identity === "kept-ours" ? "kept ours" : "none found"}`);
  if (s.whatsapp.length === 0) lines.push("  whatsapp credentials: none found");
  for (const w of s.whatsapp) {
    const creds = `creds${w.credsFromBackup ? " (from creds.json.bak)" : ""}`;
    const linked = w.linkedAs ? `linked as ${w.linkedAs}` : "not linked";
    const what = w.status === "imported" ? `imported ${creds} and ${w.keys} key(s) into the store, ${linked}` : w.status === "kept-ours" ? "kept ours" : "NOT imported";
    lines.push(`  whatsapp ${w.accountId}: ${what}${w.backup ? ` (ours backed up to ${w.backup})` : ""}`);
    for (const problem of w.problems) lines.push(`    ${problem}`);
  }
  if (s.notImported.length > 0) lines.push(`  not imported (not supported yet): ${s.notImported.join(", ")}`);
  for (const warning of s.warnings) lines.push(`warn: ${warning}`);
  return lines.join("\n");
}

async function confirmOnTerminal(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) return false;
  return confirm(question);
}

export default defineCommand({
  meta: { name: "doctor", description: "Check config, state dir, auth, ports, legacy names and the installed service; --fix repairs" },
  args: {
    json: { type: "boolean", description: "Print {ok, checks, fixed} as JSON", default: false },
    fix: { type: "boolean", description: "Apply the safe repairs (asks first on a terminal)", default: false },
    yes: { type: "boolean", description: "With --fix: do not ask", default: false },
    import: { type: "string", description: "Import another OpenClaw state dir (config, paired devices, identity, WhatsApp sessions)" },
    force: { type: "boolean", description: "With --import: replace WhatsApp accounts already linked here (ours are backed up first)", default: false },
  },
  async run({ args }) {
    const out = (text: string) => process.stdout.write(`${text}\n`);
    let context = await loadCliContext(globalFlags());

    if (args.import !== undefined) {
      if (context.configError) throw new CliError(`${context.configError.message}; fix our config before importing into it`);
      let summary: ImportSummary;
      try {
        summary = await importState(args.import, context.options, { force: args.force });
      } catch (error) {
        if (error instanceof ImportError) throw new CliError(error.message);
        throw error;
      }
      out(args.json ? JSON.stringify(summary, null, 2) : describeImport(summary));
      setExitCode(summary.ok ? 0 : 1);
      return;
    }

    let { checks, fixes } = await runChecks(context);
    let result: DoctorReport = report(checks);
    if (args.fix && fixes.length > 0) {
      if (!args.json) out(describeChecks(checks));
      const list = fixes.map((f) => `  - ${f.description}`).join("\n");
      const approved = args.yes || (!args.json && (await confirmOnTerminal(`\nApply ${fixes.length} fix(es)?\n${list}\n`)));
      if (approved) {
        const { fixed, failed } = await applyFixes(fixes);
        context = await loadCliContext(globalFlags());
        ({ checks, fixes } = await runChecks(context));
        result = report(checks, fixed, failed);
        if (!args.json) {
          out(["", "Fixed:", ...fixed.map((f) => `  ${f.message}`), ...failed.map((f) => `  FAILED ${f.message}`), "", "After fixes:"].join("\n"));
        }
      } else if (!args.json) {
        out(`\nNot applying ${fixes.length} fix(es): ${process.stdin.isTTY ? "not confirmed" : "no terminal to ask on; pass --yes"}.\n${list}`);
        out(summaryLine(checks));
        setExitCode(result.ok ? 0 : 1);
        return;
      }
    }
    if (args.json) out(JSON.stringify(result, null, 2));
    else {
      out(describeChecks(checks));
      const manual = args.fix ? checks.filter((c) => c.status !== "ok" && c.fix).length : 0;
      const hint = !args.fix && fixes.length > 0 ? ` Run ${commandHint(context.options.paths.profile, "doctor --fix")} to apply ${fixes.length} fix(es).` : manual > 0 ? " The rest needs doing by hand (see above)." : "";
      out(summaryLine(checks) + hint);
    }
    setExitCode(result.ok ? 0 : 1);
  },
});
