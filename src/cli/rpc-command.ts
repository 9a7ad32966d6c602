/**
 * What `openclaw nodes …` and `openclaw devices …` share: a subcommand that connects with the
 * CLI's scopes, calls the gateway, and prints the raw result with `--json` (scripts get exactly
 * the wire shape) or a short human rendering; the approve/reject pair both groups have; and the
 * aligned tables they print.
 */
import { defineCommand, type ArgsDef, type CommandDef, type ParsedArgs } from "citty";
import { CLI_SCOPES, connectionArgs, withGateway, type ConnectionFlags } from "./gateway-target.ts";

/** A payload read defensively, for display only. */
export type Loose = Record<string, any>;

export type RpcArgs<A extends ArgsDef> = ParsedArgs<A & typeof connectionArgs>;

export interface RpcCommandSpec<A extends ArgsDef, R> {
  name: string;
  description: string;
  /** Positionals first: citty fills them in declaration order. */
  args?: A;
  method: string;
  /** Built before connecting, so bad input fails without touching the gateway. Default `{}`. */
  params?: (args: RpcArgs<A>) => Record<string, unknown>;
  /** `url` is the gateway actually used, for messages that say where something happened. */
  human: (result: R, args: RpcArgs<A>, url: string) => string;
  /** Connection flags to use instead of the parsed ones (e.g. a longer timeout). */
  flags?: (args: RpcArgs<A>) => ConnectionFlags;
}

/** `R` is what the caller expects back; the gateway's payload is trusted to have that shape. */
export function rpcCommand<const A extends ArgsDef, R = Loose>(spec: RpcCommandSpec<A, R>): CommandDef<A & typeof connectionArgs> {
  const args = { ...spec.args, ...connectionArgs } as A & typeof connectionArgs;
  return defineCommand<A & typeof connectionArgs>({
    meta: { name: spec.name, description: spec.description },
    args,
    async run({ args }) {
      const params = spec.params?.(args) ?? {};
      const { result, url } = await withGateway(spec.flags?.(args) ?? args, CLI_SCOPES, async (client) => ({
        result: (await client.call(spec.method, params)) as R,
        url: client.url,
      }));
      process.stdout.write((args.json ? JSON.stringify(result, null, 2) : spec.human(result, args, url)) + "\n");
    },
  });
}

/**
 * `<group> approve|reject <requestId>` → `<subject>.pair.approve|reject`. Approve answers
 * `{requestId, <subject>:{<subject>Id, displayName?}}`, reject `{requestId, <subject>Id}`.
 */
export function pairingDecisionCommand(subject: "node" | "device", decision: "approve" | "reject") {
  const verb = decision === "approve" ? "Approved" : "Rejected";
  return rpcCommand({
    name: decision,
    description: `${decision === "approve" ? "Approve" : "Reject"} a pending ${subject} pairing request`,
    args: { requestId: { type: "positional", description: "The pending request's id", required: true } },
    method: `${subject}.pair.${decision}`,
    params: (args) => ({ requestId: args.requestId }),
    human: (result, args) => {
      const record: Loose = result[subject] ?? result;
      const id = record[`${subject}Id`];
      const name = record.displayName ? ` "${record.displayName}"` : "";
      return id ? `${verb} ${subject} ${id}${name} (request ${args.requestId})` : `${verb} ${subject} pairing request ${args.requestId}`;
    },
  });
}

/** Columns padded to their widest cell, two spaces apart, no trailing blanks. */
export function table(rows: readonly (readonly string[])[], indent = ""): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) => indent + row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join("  ").trimEnd()).join("\n");
}

/** A titled table, or `<title>: none` so an empty section still says it was checked. */
export function section(title: string, header: readonly string[], rows: readonly (readonly string[])[]): string {
  return rows.length === 0 ? `${title}: none` : `${title} (${rows.length}):\n${table([header, ...rows], "  ")}`;
}

/** Optional text for a table cell: `-` keeps columns readable where a value is missing. */
export const cell = (value: unknown): string => (value === undefined || value === null || value === "" ? "-" : String(value));
export const list = (values: readonly string[] | undefined): string => cell(values?.join(","));
export const yesNo = (value: unknown): string => (value ? "yes" : "no");

/** `42s ago`, `5m ago`, `3h ago`, `2d ago`: pending requests expire in minutes, so coarse is fine. */
export function ago(ms: number | undefined, now = Date.now()): string {
  if (typeof ms !== "number") return "-";
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ago`;
  return `${Math.floor(s / 86_400)}d ago`;
}
