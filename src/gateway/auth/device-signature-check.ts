/**
 * Stage 2 of `connect`: verifies the `device` block (protocol.md §3.6). The id is the hash of
 * the key, the signature is fresh, bound to this socket's challenge nonce, and valid over the
 * v3, v2 or (loopback only, no nonce) v1 payload. Without a block there is nothing to verify.
 */
import { buildDeviceAuthPayload, type DeviceAuthVersion } from "../../../protocol/device-auth.ts";
import type { ConnectParams, DeviceBlock } from "../../../protocol/handshake.ts";
import { DEVICE_SIGNATURE_SKEW_MS } from "../../../protocol/index.ts";
import { base64UrlEncode, decodePublicKey, deviceIdFor, publicKeyObject, verifyEd25519 } from "../../crypto/ed25519.ts";
import type { ConnectRequest } from "./connect-request.ts";
import { invalidRequest, type Verdict } from "./refusal.ts";

export interface VerifiedDevice {
  deviceId: string;
  /** base64url of the raw key, the form we store. */
  publicKey: string;
}

export interface SignatureContext {
  /** The nonce of this socket's `connect.challenge`. */
  nonce: string;
  isLocal: boolean;
  now: number;
}

export type DeviceVerdict = Verdict<{ device: VerifiedDevice | null }>;

/** The verified identity, null for a device-less connect, or the refusal. */
export function checkDeviceSignature(request: ConnectRequest, ctx: SignatureContext): DeviceVerdict {
  const block = request.params.device;
  return block ? verifyDeviceSignature(block, request.params, { ...ctx, role: request.role }) : { ok: true, device: null };
}

const refused = (message: string, code: string, extra: Record<string, unknown> = {}) => invalidRequest(message, { code, ...extra });

function verifyDeviceSignature(device: DeviceBlock, params: ConnectParams, ctx: SignatureContext & { role: string }): DeviceVerdict {
  const raw = decodePublicKey(device.publicKey);
  if (!raw) return refused("device public key invalid", "DEVICE_AUTH_PUBLIC_KEY_INVALID");
  const deviceId = deviceIdFor(raw);
  if (device.id.toLowerCase() !== deviceId) return refused("device identity mismatch", "DEVICE_AUTH_DEVICE_ID_MISMATCH");
  if (Math.abs(ctx.now - device.signedAt) > DEVICE_SIGNATURE_SKEW_MS) return refused("device signature expired", "DEVICE_AUTH_SIGNATURE_EXPIRED");
  const nonce = device.nonce || undefined;
  if (!nonce && !ctx.isLocal) return refused("device nonce required", "DEVICE_AUTH_NONCE_REQUIRED", { reason: "device-nonce-missing" });
  if (nonce && nonce !== ctx.nonce) return refused("device nonce mismatch", "DEVICE_AUTH_NONCE_MISMATCH");

  const key = publicKeyObject(raw);
  const versions: DeviceAuthVersion[] = nonce ? ["v3", "v2"] : ["v1"];
  // The signed token is whatever credential the client put first; try each it sent.
  const auth = params.auth ?? {};
  const tokens = [...new Set([auth.token ?? auth.bootstrapToken ?? "", auth.token, auth.deviceToken, auth.bootstrapToken, ""])];
  for (const version of versions) {
    for (const token of tokens) {
      if (token === undefined) continue;
      const payload = buildDeviceAuthPayload(version, {
        deviceId: device.id,
        clientId: params.client.id,
        clientMode: params.client.mode,
        role: ctx.role,
        scopes: params.scopes ?? [],
        signedAtMs: device.signedAt,
        token,
        nonce,
        platform: params.client.platform,
        deviceFamily: params.client.deviceFamily,
      });
      if (verifyEd25519(key, payload, device.signature)) return { ok: true, device: { deviceId, publicKey: base64UrlEncode(raw) } };
    }
  }
  return refused("device signature invalid", "DEVICE_AUTH_SIGNATURE_INVALID");
}
