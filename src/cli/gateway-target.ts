/**
 * Which gateway a CLI helper talks to and with what credentials: flags first, then the
 * environment, then the config. Secrets from env/config are only sent to the configured
 * gateway or a loopback one, never to an arbitrary `--url`.
 */
import { envValue } from "../config/paths.ts";
import { DeviceIdentity } from "../client/device-identity.ts";
import { ClientError, GatewayClient, type ClientOptions } from "../client/gateway-client.ts";
import { CliError } from "./cli-error.ts";
import { loadCliOptions } from "./cli-options.ts";
import { commandHint, flagsProfile } from "./command-hint.ts";
import { globalFlags } from "./global-flags.ts";

/** citty argument definitions shared by every command that talks to a gateway. */
export const connectionArgs = {
  url: { type: "string", description: "Gateway WebSocket URL (default: ws://127.0.0.1:<port> from config)" },
  token: { type: "string", description: "Gateway token (default: OPENCLAW_GATEWAY_TOKEN, then gateway.auth.token)" },
  password: { type: "string", description: "Gateway password (default: OPENCLAW_GATEWAY_PASSWORD, then config)" },
  timeout: { type: "string", description: "Timeout in milliseconds", default: "10000" },
  json: { type: "boolean", description: "Print machine-readable JSON", default: false },
} as const;

export interface ConnectionFlags {
  url?: string;
  token?: string;
  password?: string;
  timeout?: string;
}

function isLoopbackUrl(url: string): boolean {
  try {
    const host = new URL(url).hostname.replace(/^\[|\]$/g, "");
    return host === "localhost" || host === "::1" || /^127\./.test(host);
  } catch {
    return false;
  }
}

export async function resolveClientOptions(flags: ConnectionFlags, scopes: string[]): Promise<ClientOptions> {
  const options = await loadCliOptions();
  const gateway = options.config.gateway ?? {};
  const remote = gateway.mode === "remote" ? gateway.remote : undefined;
  const configuredUrl = remote?.url ?? `ws://127.0.0.1:${options.port}`;
  const url = flags.url ?? configuredUrl;
  if (!/^wss?:\/\//.test(url)) throw new CliError(`invalid --url ${url}: use ws://host:port or wss://host:port`);
  const trusted = url === configuredUrl || isLoopbackUrl(url);
  const env = options.env;
  const token = flags.token ?? (trusted ? envValue(env, "OPENCLAW_GATEWAY_TOKEN", "CLAWDBOT_GATEWAY_TOKEN") ?? remote?.token ?? gateway.auth?.token : undefined);
  const password =
    flags.password ?? (trusted ? envValue(env, "OPENCLAW_GATEWAY_PASSWORD", "CLAWDBOT_GATEWAY_PASSWORD") ?? remote?.password ?? gateway.auth?.password : undefined);
  const timeoutMs = Number(flags.timeout ?? 10_000);
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new CliError(`invalid --timeout ${flags.timeout}: use a number of milliseconds`);
  const identity = await DeviceIdentity.load(options.paths.stateDir);
  return { url, token, password, identity, scopes, timeoutMs };
}

/** A client error as a one-line CLI error; "not reachable" names the start command for this profile. */
export function cliErrorOf(error: ClientError, url: string): CliError {
  if (error.code !== "UNREACHABLE") return new CliError(error.message);
  return new CliError(`gateway not reachable at ${url} (is it running? start it with: ${commandHint(flagsProfile(globalFlags()), "gateway")})`);
}

/** Connects, runs `fn`, and always closes; protocol errors become one-line CLI errors. */
export async function withGateway<T>(flags: ConnectionFlags, scopes: string[], fn: (client: GatewayClient) => Promise<T>): Promise<T> {
  const client = new GatewayClient(await resolveClientOptions(flags, scopes));
  try {
    await client.connect();
    return await fn(client);
  } catch (error) {
    if (error instanceof ClientError) throw cliErrorOf(error, client.url);
    throw error;
  } finally {
    client.close();
  }
}

/** The scopes the reference CLI asks for. */
export const CLI_SCOPES = ["operator.admin", "operator.approvals", "operator.pairing"];
