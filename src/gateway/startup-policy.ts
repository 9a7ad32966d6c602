/**
 * Refusals that protect users before anything listens: no non-loopback bind without a
 * secret, no known-default or trivially short secrets off-host, and clear words for a busy port.
 */
import { commandHint } from "../cli/command-hint.ts";
import type { Options } from "../config/load.ts";

export class GatewayStartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "GatewayStartError";
  }

  static fromListenError(error: unknown, port: number, what: string): GatewayStartError {
    const code = (error as { code?: string }).code;
    const text = String((error as Error)?.message ?? error);
    if (code === "EADDRINUSE" || /in use/i.test(text)) {
      return new GatewayStartError(`${what} port ${port} is already in use; stop the other process or start with --force`);
    }
    if (code === "EACCES" || /permission/i.test(text)) return new GatewayStartError(`not allowed to listen on ${what} port ${port}`);
    return new GatewayStartError(`cannot listen on ${what} port ${port}: ${text}`);
  }
}

const KNOWN_DEFAULT_SECRETS = new Set(["openclaw-changeme", "changeme", "change-me", "password", "secret", "token", "openclaw"]);
const MIN_REMOTE_SECRET_LENGTH = 16;

/** Returns the address to listen on, or throws when the exposure would be unsafe. */
export function checkExposure(options: Readonly<Options>): string {
  const host = options.bindHost;
  if (!host) {
    throw new GatewayStartError(`gateway.bind=${options.bind} is not supported by this build; use loopback, lan, auto or custom`);
  }
  const { auth } = options;
  if (auth.mode === "trusted-proxy") {
    throw new GatewayStartError("gateway.auth.mode=trusted-proxy is not supported by this build yet; use token or password");
  }
  const secret = auth.mode === "password" ? auth.password : auth.mode === "token" ? auth.token : undefined;
  if (secret && KNOWN_DEFAULT_SECRETS.has(secret.toLowerCase())) {
    throw new GatewayStartError(`refusing to start: the gateway ${auth.mode} is a well-known default; set a random one (${commandHint(options.paths.profile, "setup")} generates one)`);
  }
  const loopback = host === "127.0.0.1" || host === "::1" || host === "localhost";
  if (!loopback) {
    if (auth.mode === "none" || !secret) {
      throw new GatewayStartError(`refusing to bind gateway to ${host}:${options.port} without auth (set gateway.auth.token or gateway.auth.password)`);
    }
    if (secret.length < MIN_REMOTE_SECRET_LENGTH) {
      throw new GatewayStartError(`refusing to bind gateway to ${host}:${options.port} with a ${auth.mode} shorter than ${MIN_REMOTE_SECRET_LENGTH} characters`);
    }
  }
  return host;
}
