/** Flags of `openclaw gateway [run]`, kept apart so `gateway call` does not load the server. */
import { CliError } from "./cli-error.ts";

export const runArgs = {
  port: { type: "string", description: "Port for WebSocket + HTTP (default: OPENCLAW_GATEWAY_PORT, gateway.port, 18789)" },
  verbose: { type: "boolean", description: "Debug and trace logs on stdout", default: false },
  force: { type: "boolean", description: "Stop whatever listens on the port first (uses lsof)", default: false },
  "allow-unconfigured": { type: "boolean", description: "Start even when gateway.mode is not \"local\"", default: false },
} as const;

export function parsePort(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) throw new CliError(`invalid --port ${value}: use a number from 0 to 65535`);
  return port;
}
