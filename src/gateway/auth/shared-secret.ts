/**
 * The gateway's shared secret (token or password): constant-time comparison and the exact
 * `unauthorized: …` messages real clients show their users (protocol.md §3.5).
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { ConnectAuth, ClientInfo } from "../../../protocol/handshake.ts";
import type { ResolvedAuth } from "../../config/load.ts";

/** Compares digests so neither the length nor the content of the secret leaks through timing. */
export function secretsEqual(provided: string, expected: string): boolean {
  const a = createHash("sha256").update(provided).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}

export type SharedAuthResult =
  | { ok: true; method: "token" | "password" | "none" }
  | { ok: false; message: string; code: string };

const BROWSER_CLIENTS = new Set(["openclaw-control-ui", "webchat-ui", "webchat", "clawdbot-control-ui", "moltbot-control-ui"]);

function hint(kind: "token" | "password", client: ClientInfo): string {
  if (client.mode === "cli") return `set gateway.remote.${kind} to match gateway.auth.${kind}`;
  if (BROWSER_CLIENTS.has(client.id) || client.mode === "webchat") {
    return `open the dashboard URL and paste the ${kind} in Control UI settings`;
  }
  return `provide gateway auth ${kind}`;
}

export function checkSharedSecret(auth: ResolvedAuth, provided: ConnectAuth | undefined, client: ClientInfo): SharedAuthResult {
  if (auth.mode === "none") return { ok: true, method: "none" };
  if (auth.mode === "trusted-proxy") return { ok: false, message: "unauthorized", code: "AUTH_UNAUTHORIZED" };
  const kind = auth.mode;
  const expected = kind === "token" ? auth.token : auth.password;
  const given = kind === "token" ? provided?.token : provided?.password;
  const KIND = kind.toUpperCase();
  if (!expected) {
    return {
      ok: false,
      message: `unauthorized: gateway ${kind} not configured on gateway (set gateway.auth.${kind})`,
      code: `AUTH_${KIND}_NOT_CONFIGURED`,
    };
  }
  if (!given) return { ok: false, message: `unauthorized: gateway ${kind} missing (${hint(kind, client)})`, code: `AUTH_${KIND}_MISSING` };
  if (!secretsEqual(given, expected)) {
    return { ok: false, message: `unauthorized: gateway ${kind} mismatch (${hint(kind, client)})`, code: `AUTH_${KIND}_MISMATCH` };
  }
  return { ok: true, method: kind };
}

/** For HTTP: a bearer value must equal the configured token or password. */
export function bearerMatches(auth: ResolvedAuth, bearer: string | null): boolean {
  if (auth.mode === "none") return true;
  if (!bearer) return false;
  const expected = auth.mode === "password" ? auth.password : auth.mode === "token" ? auth.token : undefined;
  return expected !== undefined && secretsEqual(bearer, expected);
}
