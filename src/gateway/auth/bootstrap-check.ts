/**
 * Stage 4b of `connect`: when neither the shared secret nor a device token let the client in,
 * a dashboard code (`auth.bootstrapToken`) may. It signs in one device key, once; the device
 * then gets its own token in `hello-ok.auth` and never needs the code again.
 */
import type { ResolvedAuth } from "../../config/load.ts";
import type { ConnectRequest } from "./connect-request.ts";
import type { VerifiedDevice } from "./device-signature-check.ts";
import { verifyBootstrapCode } from "./bootstrap-code.ts";
import { authRefusal, type Refusal } from "./refusal.ts";
import { authFailure } from "./shared-secret.ts";
import type { BootstrapCodeStore } from "../../store/bootstrap-codes.ts";

export type BootstrapVerdict = { ok: true; nonce: string } | { ok: false; refusal: Refusal; wrongSecret: boolean };

export interface BootstrapAttempt {
  request: ConnectRequest;
  device: VerifiedDevice | null;
  auth: ResolvedAuth;
  codes: BootstrapCodeStore;
  now: number;
}

const NEW_LINK = "run openclaw dashboard on the gateway host for a new link";
const refused = (message: string, wrongSecret: boolean): BootstrapVerdict => ({
  ...authRefusal(authFailure(`unauthorized: ${message}`, "bootstrap_token_invalid")),
  wrongSecret,
});

/** null when the client sent no code (the earlier failure stands). */
export function checkBootstrapCode({ request, device, auth, codes, now }: BootstrapAttempt): BootstrapVerdict | null {
  const code = request.params.auth?.bootstrapToken;
  if (!code) return null;
  const secret = auth.mode === "token" ? auth.token : auth.mode === "password" ? auth.password : undefined;
  if (!secret) return null;
  if (!device) return refused("a dashboard code signs in a device; send a signed device identity with it", false);
  const check = verifyBootstrapCode(secret, code, now);
  if (!check.ok) return refused(check.reason === "expired" ? `dashboard code expired (${NEW_LINK})` : `dashboard code invalid (${NEW_LINK})`, check.reason !== "expired");
  let claim: "ok" | "used";
  try {
    claim = codes.claim(check.nonce, device.deviceId, check.expiresAtMs);
  } catch (error) {
    return refused(`dashboard codes cannot be checked: ${(error as Error).message}`, false);
  }
  if (claim === "used") return refused(`dashboard code already used (${NEW_LINK})`, false);
  return { ok: true, nonce: check.nonce };
}
