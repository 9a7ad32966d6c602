/** `openclaw sessions …`: the gateway's stored agent conversations (`sessions.list`). */
import { defineCommand } from "citty";
import type { SessionRow, SessionsListResult } from "../../protocol/methods/sessions.ts";
import { isValidAgentId } from "../agent/sessions/session-key.ts";
import { CliError } from "./cli-error.ts";
import { connectionArgs } from "./gateway-target.ts";
import { ago, cell, rpcCommand, table } from "./rpc-command.ts";

/** The largest `limit` `sessions.list` accepts. */
const MAX_LIMIT = 10_000;

function parseLimit(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const limit = Number(text);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) throw new CliError(`invalid --limit ${text}: use a whole number between 1 and ${MAX_LIMIT}`);
  return limit;
}

function parseAgent(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const agentId = text.trim().toLowerCase();
  if (!isValidAgentId(agentId)) throw new CliError(`invalid --agent ${text}: agent ids are letters, digits, _ and -, at most 64`);
  return agentId;
}

function describeList(sessions: SessionRow[], now = Date.now()): string {
  if (sessions.length === 0) return "No sessions.";
  const header = ["key", "label", "model", "messages", "tokens in/out", "updated"];
  const rows = sessions.map((s) => [s.key, cell(s.label), cell(s.model), String(s.messageCount), `${s.usage.inputTokens}/${s.usage.outputTokens}`, ago(s.updatedAt, now)]);
  return table([header, ...rows]);
}

const listCommand = rpcCommand({
  name: "list",
  description: "List stored sessions, most recently active first",
  args: {
    agent: { type: "string", description: "Only this agent's sessions" },
    limit: { type: "string", description: "At most this many (gateway default 1000)" },
  },
  method: "sessions.list",
  params: (args) => {
    const agentId = parseAgent(args.agent);
    const limit = parseLimit(args.limit);
    return { ...(agentId !== undefined ? { agentId } : {}), ...(limit !== undefined ? { limit } : {}) };
  },
  human: (result: SessionsListResult) => describeList(result.sessions),
});

export default defineCommand({
  meta: { name: "sessions", description: "List and inspect agent sessions" },
  // Declared here too so `sessions --url ws://… list` does not take the URL for a subcommand.
  args: connectionArgs,
  default: "list",
  subCommands: { list: listCommand },
});
