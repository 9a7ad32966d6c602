/**
 * `openclaw gateway status [--json] [--deep] [--no-probe] [--url …]`: what the supervisor says
 * about the installed service, reported apart from whether the gateway answers over RPC, since
 * "systemd says running" and "reachable" fail independently. Exit 0 when the probe succeeded
 * (or was skipped with --no-probe), 1 otherwise.
 *
 * `--json` prints this stable shape:
 *   { service: {platform, name, installed, file, loaded, running, pid, lastExitCode, lastExitAt},
 *     rpc: {url, ok, error?, status?}, config: {cli, service, mismatch}, lastErrorLine?, otherServices: [] }
 * `rpc.ok` is null when the probe was skipped; `config.service` is null when nothing is installed.
 */
import { defineCommand } from "citty";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { loadOptions, type Options } from "../config/load.ts";
import { ClientError, GatewayClient } from "../client/gateway-client.ts";
import { serviceForAudit } from "../doctor/check-service.ts";
import type { LocalService } from "../service/local-service.ts";
import { ServiceError, type AuditFinding, type SupervisorStatus } from "../service/types.ts";
import { setExitCode } from "./exit-code.ts";
import { CLI_SCOPES, cliErrorOf, connectionArgs, resolveClientOptions } from "./gateway-target.ts";
import { globalFlags } from "./global-flags.ts";
import { formatLogLine } from "./logs-format.ts";
import { describeStatus } from "./status.ts";

export interface GatewayStatusReport {
  service: Omit<SupervisorStatus, "detail">;
  rpc: { url: string; ok: boolean | null; error?: string; status?: unknown };
  config: { cli: string; service: string | null; mismatch: boolean };
  lastErrorLine?: string;
  otherServices: string[];
}

/**
 * The config path the installed service runs with. The audit names only what differs from
 * today's spec, so a config path absent from the findings is the spec's. Environment lines are
 * `KEY=value`, possibly quoted as a whole (systemd) — the regex takes the value either way.
 */
export function serviceConfigPath(findings: readonly AuditFinding[], specPath: string): string {
  for (const finding of findings) {
    for (const line of (finding.actual ?? "").split("\n")) {
      const match = /OPENCLAW_CONFIG_PATH(?:=|<\/key>\s*<string>)([^"<]*)/.exec(line);
      if (match) return match[1]!.replaceAll("\\\\", "\\");
    }
  }
  return specPath;
}

const ERROR_LEVEL = /"level"\s*:\s*"(error|fatal)"/;

/** The last error/fatal line of the newest daily log file (or the fixed `logging.file`), formatted like `openclaw logs`. */
export async function lastLogErrorLine(logging: Options["logging"]): Promise<string | null> {
  let file = logging.fixedFile;
  if (!file) {
    const daily = new RegExp(`^${logging.prefix.replace(/[^a-zA-Z0-9]/g, "\\$&")}-\\d{4}-\\d{2}-\\d{2}\\.log$`);
    for (const dir of [logging.dir, logging.fallbackDir].filter((d): d is string => d !== null)) {
      const newest = (await readdir(dir).catch(() => [] as string[])).filter((n) => daily.test(n)).sort().at(-1);
      if (newest) {
        file = join(dir, newest);
        break;
      }
    }
  }
  if (!file) return null;
  const lines = (await readFile(file, "utf8").catch(() => "")).split("\n");
  const last = lines.findLast((line) => ERROR_LEVEL.test(line));
  return last === undefined ? null : formatLogLine(last);
}

async function probe(flags: { url?: string; token?: string; password?: string; timeout?: string }): Promise<GatewayStatusReport["rpc"]> {
  // Bad flags (an invalid --url) are the user's mistake and throw as usual.
  const client = new GatewayClient(await resolveClientOptions(flags, CLI_SCOPES));
  try {
    await client.connect();
    return { url: client.url, ok: true, status: await client.call("status", {}) };
  } catch (error) {
    if (error instanceof ClientError) return { url: client.url, ok: false, error: cliErrorOf(error, client.url).message };
    throw error;
  } finally {
    client.close();
  }
}

async function supervisor(service: LocalService | null, options: Readonly<Options>, deep: boolean) {
  const empty = { platform: service?.manager.platform ?? null, name: service?.spec.name ?? null, installed: false, file: null, loaded: false, running: false, pid: null, lastExitCode: null, lastExitAt: null };
  if (!service) return { status: empty, configPath: null, others: [] as string[], problem: "no supervisor this build can drive on this platform" };
  try {
    const { manager, spec } = service;
    const { detail: _detail, ...status } = await manager.status(spec);
    const configPath = status.installed ? serviceConfigPath(await manager.audit(spec), spec.env.OPENCLAW_CONFIG_PATH ?? options.paths.configPath) : null;
    return { status, configPath, others: await manager.others({ deep }), problem: null };
  } catch (error) {
    if (error instanceof ServiceError) return { status: empty, configPath: null, others: [] as string[], problem: error.message };
    throw error;
  }
}

function describe(report: GatewayStatusReport, problem: string | null): string {
  const s = report.service;
  const lines: string[] = [];
  if (problem) lines.push(`Service: unknown (${problem})`);
  else if (!s.installed) lines.push(`Service: ${s.name} (${s.platform}) not installed`);
  else {
    const state = [s.loaded ? "loaded" : "not loaded", s.running ? `running${s.pid !== null ? `, pid ${s.pid}` : ""}` : "not running"].join(", ");
    lines.push(`Service: ${s.name} (${s.platform}) ${state} — ${s.file}`);
  }
  if (s.lastExitCode !== null || s.lastExitAt !== null) {
    lines.push(`  last exit: code ${s.lastExitCode ?? "?"}${s.lastExitAt !== null ? ` at ${new Date(s.lastExitAt).toISOString()}` : ""}`);
  }
  const r = report.rpc;
  if (r.ok === null) lines.push(`RPC: ${r.url} not probed (--no-probe)`);
  else if (r.ok) lines.push(`RPC: ${r.url} ok`, ...describeStatus(r.status as Parameters<typeof describeStatus>[0]).split("\n").map((l) => `  ${l}`));
  else lines.push(`RPC: ${r.url} failed: ${r.error}`);
  lines.push(`Config (this CLI): ${report.config.cli}`);
  if (report.config.service !== null) lines.push(`Config (service):  ${report.config.service}`);
  if (report.config.mismatch) lines.push("warn: the service uses a different config than this CLI; run: openclaw gateway install --force (from the intended profile)");
  if (report.lastErrorLine) lines.push(`Last error in the gateway log: ${report.lastErrorLine}`);
  for (const other of report.otherServices) lines.push(`warn: another gateway service is installed: ${other}`);
  return lines.join("\n");
}

export default defineCommand({
  meta: {
    name: "status",
    description:
      "Service state (supervisor) and RPC reachability of the gateway, reported separately; exit 1 when the probe fails. " +
      "--json: {service:{platform,name,installed,file,loaded,running,pid,lastExitCode,lastExitAt}, rpc:{url,ok,error?,status?}, config:{cli,service,mismatch}, lastErrorLine?, otherServices:[]}",
  },
  args: {
    ...connectionArgs,
    probe: { type: "boolean", description: "Connect and call `status` (--no-probe skips it)", default: true },
    deep: { type: "boolean", description: "Also look for other gateway services system-wide", default: false },
    system: { type: "boolean", description: "The systemd system unit instead of the user unit", default: false },
  },
  async run({ args }) {
    const options = await loadOptions({ flags: globalFlags() });
    let service: LocalService | null = null;
    try {
      service = serviceForAudit(options, { system: args.system });
    } catch (error) {
      if (!(error instanceof ServiceError)) throw error;
    }
    const sup = await supervisor(service, options, args.deep);
    const rpc = args.probe ? await probe(args) : { url: (await resolveClientOptions(args, CLI_SCOPES)).url, ok: null };
    const cli = options.paths.configPath;
    const report: GatewayStatusReport = {
      service: sup.status as GatewayStatusReport["service"],
      rpc,
      config: { cli, service: sup.configPath, mismatch: sup.configPath !== null && sup.configPath !== cli },
      otherServices: sup.others,
    };
    // Running but unreachable: the gateway's own log usually says why (bad config, port taken).
    if (sup.status.running && rpc.ok === false) {
      const line = await lastLogErrorLine(options.logging);
      if (line) report.lastErrorLine = line;
    }
    process.stdout.write(`${args.json ? JSON.stringify(report, null, 2) : describe(report, sup.problem)}\n`);
    setExitCode(rpc.ok === false ? 1 : 0);
  },
});
