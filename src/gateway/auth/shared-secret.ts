/**
 * The gateway's shared secret (token or password): the check (constant-time) and the exact
 * `unauthorized: …` messages and `details` real clients act on (protocol.md §3.3, §3.5,
 * checked against the reference gateway 2026.9.6).
 */
import type { ConnectAuth, ClientInfo } from "../../../protocol/handshake.ts";
import type { ResolvedAuth } from "../../config/load.ts";
import { secretsEqual } from "../../core/pairing/tokens.ts";

export interface AuthFailureDetails {
  code: string;
  authReason: string;
  canRetryWithDeviceToken: boolean;
  recommendedNextStep: string;
}

export interface AuthFailure {
  ok: false;
  message: string;
  details: AuthFailureDetails;
}

export type SharedAuthResult = { ok: true; method: "token" | "password" | "none" } | AuthFailure;

const BROWSER_CLIENTS = new Set(["openclaw-control-ui", "webchat-ui", "webchat", "clawdbot-control-ui", "moltbot-control-ui"]);

/** What a client should do next, by failure reason (newer clients stop retrying on some). */
export function nextStepFor(reason: string): string {
  if (reason.endsWith("_missing") || reason.endsWith("_not_configured")) return "update_auth_configuration";
  if (reason.endsWith("_mismatch")) return "update_auth_credentials";
  if (reason === "rate_limited") return "wait_then_retry";
  return "review_auth_configuration";
}

export function authFailure(message: string, reason: string): AuthFailure {
  return {
    ok: false,
    message,
    details: { code: `AUTH_${reason.toUpperCase()}`, authReason: reason, canRetryWithDeviceToken: false, recommendedNextStep: nextStepFor(reason) },
  };
}

/** A client locked out by the rate limiter, whatever it presented (protocol.md §3.5). */
export function rateLimitedFailure(): AuthFailure {
  return authFailure("unauthorized: too many failed authentication attempts (retry later)", "rate_limited");
}

function hint(kind: "token" | "password", client: ClientInfo, isLocal: boolean): string {
  if (client.mode === "cli") {
    if (isLocal) return kind === "token" ? "use this gateway's gateway.auth.token or pair the device" : "use this gateway's gateway.auth.password";
    return `set gateway.remote.${kind} to match gateway.auth.${kind}`;
  }
  if (BROWSER_CLIENTS.has(client.id) || client.mode === "webchat") {
    return `open the dashboard URL and paste the ${kind} in Control UI settings`;
  }
  return `provide gateway auth ${kind}`;
}

export interface SecretAttempt {
  /** `connect.params.auth`. */
  provided: ConnectAuth | undefined;
  /** Picks the hint in the failure message. */
  client: ClientInfo;
  isLocal: boolean;
}

export function checkSharedSecret(auth: ResolvedAuth, { provided, client, isLocal }: SecretAttempt): SharedAuthResult {
  if (auth.mode === "none") return { ok: true, method: "none" };
  if (auth.mode === "trusted-proxy") return authFailure("unauthorized", "unauthorized");
  const kind = auth.mode;
  const expected = kind === "token" ? auth.token : auth.password;
  const given = kind === "token" ? provided?.token : provided?.password;
  if (!expected) return authFailure(`unauthorized: gateway ${kind} not configured on gateway (set gateway.auth.${kind})`, `${kind}_not_configured`);
  if (!given) return authFailure(`unauthorized: gateway ${kind} missing (${hint(kind, client, isLocal)})`, `${kind}_missing`);
  if (!secretsEqual(given, expected)) return authFailure(`unauthorized: gateway ${kind} mismatch (${hint(kind, client, isLocal)})`, `${kind}_mismatch`);
  return { ok: true, method: kind };
}

/** For HTTP: a bearer value must equal the configured token or password. */
export function bearerMatches(auth: ResolvedAuth, bearer: string | null): boolean {
  if (auth.mode === "none") return true;
  if (!bearer) return false;
  const expected = auth.mode === "password" ? auth.password : auth.mode === "token" ? auth.token : undefined;
  return expected !== undefined && secretsEqual(bearer, expected);
}
