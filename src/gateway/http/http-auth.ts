/**
 * Bearer authentication for the HTTP APIs (protocol.md §8). Credentials travel only in the
 * Authorization header: a secret in the query string is refused outright (it would end up in
 * proxy logs, browser history and Referer headers). Wrong bearers count toward the same
 * per-address lockout as WebSocket connects.
 */
import type { ResolvedAuth } from "../../config/load.ts";
import type { AuthClient, AuthRateLimiter } from "../auth/auth-rate-limit.ts";
import { bearerMatches } from "../auth/shared-secret.ts";
import { apiError } from "./responses.ts";

const QUERY_SECRETS = ["token", "password", "access_token", "key"];

export interface BearerGuard {
  /** The live shared-secret settings (`services.auth.current`). */
  auth: ResolvedAuth;
  /** The gateway's limiter (`services.authRateLimit`). */
  limiter: AuthRateLimiter;
  /** Who sent the request (`describePeer`). */
  peer: AuthClient;
}

/** null when the request may proceed, else the response to send. */
export function requireBearer(request: Request, url: URL, { auth, limiter, peer }: BearerGuard): Response | null {
  if (QUERY_SECRETS.some((name) => url.searchParams.has(name))) {
    return apiError(400, "invalid_request_error", "credentials in the URL are not accepted; send Authorization: Bearer <token>");
  }
  const lockout = limiter.check(peer);
  if (!lockout.ok) {
    return apiError(429, "rate_limited", "too many failed authentication attempts; retry later", {
      "Retry-After": String(Math.max(1, Math.ceil(lockout.retryAfterMs / 1000))),
    });
  }
  const bearer = /^Bearer\s+(.+)$/i.exec((request.headers.get("authorization") ?? "").trim())?.[1]?.trim() || null;
  if (bearerMatches(auth, bearer)) {
    if (bearer) limiter.recordSuccess(peer);
    return null;
  }
  // A missing header is a misconfigured client, not a guess.
  if (bearer) limiter.recordFailure(peer);
  return apiError(401, "unauthorized", "Unauthorized");
}
