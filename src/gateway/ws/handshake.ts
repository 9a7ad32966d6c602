/**
 * The `connect` request (protocol.md §3.3) as a pipeline: each stage returns a verdict, and
 * the first refusal ends the handshake. The order matters: the lockout is checked before any
 * secret is compared, and the device is verified before its token is tried. This is the only
 * layer that turns a refusal into wire traffic.
 */
import { admitDevice } from "../auth/admission.ts";
import { checkBootstrapCode } from "../auth/bootstrap-check.ts";
import type { AuthClient, AuthRateLimiter } from "../auth/auth-rate-limit.ts";
import { readConnectRequest } from "../auth/connect-request.ts";
import { checkDeviceSignature } from "../auth/device-signature-check.ts";
import { checkDeviceToken, type CredentialsVerdict } from "../auth/device-token-check.ts";
import { grantSession, type HandshakeResult } from "../auth/grant.ts";
import { authRefusal, type Refusal, type Verdict } from "../auth/refusal.ts";
import { checkSharedSecret, rateLimitedFailure } from "../auth/shared-secret.ts";
import type { GatewayServices } from "../services.ts";
import type { Connection } from "./connection.ts";

export type HandshakeVerdict = Verdict<HandshakeResult>;

export function performHandshake(rawParams: unknown, connection: Connection, services: GatewayServices): HandshakeVerdict {
  const request = readConnectRequest(rawParams);
  if (!request.ok) return request;

  const lockout = services.authRateLimit.check(connection);
  if (!lockout.ok) return authRefusal(rateLimitedFailure(), { retryAfterMs: lockout.retryAfterMs });

  const signature = checkDeviceSignature(request, { nonce: connection.nonce, isLocal: connection.isLocal, now: services.now() });
  if (!signature.ok) return signature;
  const { device } = signature;

  const shared = checkSharedSecret(services.auth.current, { provided: request.params.auth, client: request.params.client, isLocal: connection.isLocal });
  let credentials: CredentialsVerdict = shared.ok
    ? { ok: true, method: shared.method, token: null }
    : checkDeviceToken({ shared, request, device, tokens: services.pairing.tokens });
  // A dashboard code (`openclaw dashboard`) is the last resort; it is used up once the device is in.
  const codes = services.bootstrapCodes;
  const bootstrap = credentials.ok ? null : checkBootstrapCode({ request, device, auth: services.auth.current, codes, now: services.now() });
  if (bootstrap) credentials = bootstrap.ok ? { ok: true, method: "bootstrap-token", token: null } : bootstrap;
  countAttempt(services.authRateLimit, connection, credentials);
  if (!credentials.ok) return credentials;

  const admission = admitDevice({ request, device, peer: connection, pairing: services.pairing });
  if (!admission.ok) return admission;
  if (bootstrap?.ok) codes.consume(bootstrap.nonce);

  return { ok: true, ...grantSession({ request, device, method: credentials.method, peer: connection, tokens: services.pairing.tokens }) };
}

/** The one place a refusal becomes frames: the error `res` with the connect's id, then the close. */
export function sendRefusal(connection: Connection, requestId: string, refusal: Refusal): void {
  const { code, message, details, retryAfterMs } = refusal;
  connection.respondError(requestId, { code, message, ...(details ? { details } : {}), ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) });
  connection.close(refusal.closeCode, refusal.closeReason);
}

/** Wrong secrets count toward the lockout; the right one clears the count. */
function countAttempt(limiter: AuthRateLimiter, client: AuthClient, credentials: CredentialsVerdict): void {
  if (credentials.ok) limiter.recordSuccess(client);
  else if (credentials.wrongSecret) limiter.recordFailure(client);
}
