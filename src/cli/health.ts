/** `openclaw health` / `openclaw gateway health`: the gateway's health over the WebSocket. */
import { defineCommand } from "citty";
import { CLI_SCOPES, connectionArgs, withGateway } from "./gateway-target.ts";

interface Health {
  ok: boolean;
  ts: number;
  durationMs: number;
  channels: Record<string, { linked?: boolean; configured?: boolean }>;
  channelOrder: string[];
}

export function describeHealth(health: Health, url: string): string {
  const lines = [`Gateway ${health.ok ? "healthy" : "UNHEALTHY"} at ${url} (checked in ${health.durationMs} ms)`];
  if (health.channelOrder.length === 0) lines.push("Channels: none configured");
  for (const id of health.channelOrder) {
    const channel = health.channels[id] ?? {};
    lines.push(`  ${id}: ${channel.linked ? "linked" : channel.configured ? "not linked" : "not configured"}`);
  }
  return lines.join("\n");
}

export default defineCommand({
  meta: { name: "health", description: "Show gateway health" },
  args: { ...connectionArgs, probe: { type: "boolean", description: "Refresh instead of using the cached result", default: false } },
  async run({ args }) {
    const { health, url } = await withGateway(args, CLI_SCOPES, async (client) => ({
      health: (await client.call("health", args.probe ? { probe: true } : {})) as Health,
      url: client.url,
    }));
    process.stdout.write((args.json ? JSON.stringify(health, null, 2) : describeHealth(health, url)) + "\n");
  },
});
