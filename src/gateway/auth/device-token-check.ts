/**
 * Stage 4 of `connect`: when the shared secret failed, a device may sign in with the token it
 * was issued (protocol.md §3.5). This stage has the last word on credentials, so it also picks
 * the failure to report and whether a retry with the device token could help.
 */
import type { DeviceTokens } from "../../core/pairing/device-tokens.ts";
import type { DeviceToken } from "../../store/devices.ts";
import type { AuthMethod } from "../ws/connection.ts";
import type { ConnectRequest } from "./connect-request.ts";
import type { VerifiedDevice } from "./device-signature-check.ts";
import { authRefusal, type Refusal } from "./refusal.ts";
import { authFailure, type AuthFailure } from "./shared-secret.ts";

export type CredentialsVerdict =
  | { ok: true; method: AuthMethod; /** The device token used to sign in, if one was. */ token: DeviceToken | null }
  | { ok: false; refusal: Refusal; /** A wrong secret was presented: counts toward the rate limit. */ wrongSecret: boolean };

export interface DeviceTokenAttempt {
  /** Why the shared secret did not do. */
  shared: AuthFailure;
  request: ConnectRequest;
  device: VerifiedDevice | null;
  tokens: DeviceTokens;
}

const TOKEN_MISMATCH = authFailure("unauthorized: device token mismatch (rotate/reissue device token)", "device_token_mismatch");
const SCOPE_MISMATCH = authFailure(
  "unauthorized: device token scope mismatch (request only the scopes the token grants)",
  "device_token_scope_mismatch",
);

export function checkDeviceToken({ shared, request, device, tokens }: DeviceTokenAttempt): CredentialsVerdict {
  const auth = request.params.auth;
  if (device) {
    // Newer clients send `deviceToken`; older ones put the device token in `token`.
    const presented = auth?.deviceToken ?? auth?.token;
    const check = tokens.check({ deviceId: device.deviceId, role: request.role, presented, scopes: request.requestedScopes });
    if (check.status === "valid") return { ok: true, method: "device-token", token: check.token };
    // The token was right, so this is a configuration problem, not a guess.
    if (check.status === "scope-mismatch") return { ...authRefusal(SCOPE_MISMATCH), wrongSecret: false };
    if (auth?.deviceToken) return { ...authRefusal(TOKEN_MISMATCH), wrongSecret: true };
  }
  // A client that holds a device token for this gateway may retry with it.
  const canRetry = shared.details.authReason === "token_mismatch" && device !== null && !!auth?.token;
  const details = { ...shared.details, canRetryWithDeviceToken: canRetry, ...(canRetry ? { recommendedNextStep: "retry_with_device_token" } : {}) };
  return { ...authRefusal({ ...shared, details }), wrongSecret: shared.details.authReason.endsWith("_mismatch") };
}
