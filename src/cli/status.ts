/** `openclaw status`: a short summary from the running gateway. */
import { defineCommand } from "citty";
import { CLI_SCOPES, connectionArgs, withGateway } from "./gateway-target.ts";

interface Status {
  channelSummary: string[];
  queuedSystemEvents: string[];
  sessions: { count: number };
  gateway?: { version: string; pid: number; uptimeMs: number; port: number; bindHost: string; connections: number };
}

export function describeStatus(status: Status): string {
  const lines: string[] = [];
  const g = status.gateway;
  if (g) lines.push(`Gateway ${g.version} · pid ${g.pid} · ws://${g.bindHost}:${g.port} · up ${Math.round(g.uptimeMs / 1000)} s · ${g.connections} connection(s)`);
  lines.push(status.channelSummary.length > 0 ? `Channels: ${status.channelSummary.join("; ")}` : "Channels: none configured");
  lines.push(`Sessions: ${status.sessions.count}`);
  if (status.queuedSystemEvents.length > 0) lines.push(`Queued system events: ${status.queuedSystemEvents.length}`);
  return lines.join("\n");
}

export default defineCommand({
  meta: { name: "status", description: "Show a short gateway status summary" },
  args: { ...connectionArgs },
  async run({ args }) {
    const status = (await withGateway(args, CLI_SCOPES, (client) => client.call("status", {}))) as Status;
    process.stdout.write((args.json ? JSON.stringify(status, null, 2) : describeStatus(status)) + "\n");
  },
});
