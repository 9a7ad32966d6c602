/**
 * The one-time code in `openclaw dashboard`'s URL (`#bootstrap=<code>`). The CLI, which can
 * read the gateway's secret, mints it; the gateway checks it without having stored anything:
 *
 *   code = base64url( 0x01 ‖ nonce[16] ‖ expiresAt[u32 BE, unix s] ‖ HMAC-SHA256(key, 0x01 ‖ nonce ‖ expiresAt) )
 *   key  = HMAC-SHA256(gateway token or password, "openclaw control-ui bootstrap v1")
 *
 * So the code is never the secret itself, expires by itself, and stops working when the secret
 * changes. Single use is the gateway's job (`used-bootstrap-codes.ts`).
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

export const BOOTSTRAP_CODE_TTL_MS = 5 * 60_000;
const VERSION = 1;
const NONCE_BYTES = 16;
const MAC_BYTES = 32;
const CODE_BYTES = 1 + NONCE_BYTES + 4 + MAC_BYTES;

function keyFor(secret: string): Buffer {
  return createHmac("sha256", secret).update("openclaw control-ui bootstrap v1").digest();
}

function macOf(secret: string, body: Buffer): Buffer {
  return createHmac("sha256", keyFor(secret)).update(body).digest();
}

export function mintBootstrapCode(secret: string, nowMs: number, ttlMs = BOOTSTRAP_CODE_TTL_MS): { code: string; expiresAtMs: number } {
  const expiresAtS = Math.ceil((nowMs + ttlMs) / 1000);
  const body = Buffer.alloc(1 + NONCE_BYTES + 4);
  body.writeUInt8(VERSION, 0);
  randomBytes(NONCE_BYTES).copy(body, 1);
  body.writeUInt32BE(expiresAtS, 1 + NONCE_BYTES);
  return { code: Buffer.concat([body, macOf(secret, body)]).toString("base64url"), expiresAtMs: expiresAtS * 1000 };
}

export type BootstrapCodeCheck =
  | { ok: true; nonce: string; expiresAtMs: number }
  | { ok: false; reason: "malformed" | "invalid" | "expired" };

/** Checks the code's MAC (constant-time) and expiry; says nothing about earlier use. */
export function verifyBootstrapCode(secret: string, code: string, nowMs: number): BootstrapCodeCheck {
  if (!/^[A-Za-z0-9_-]+$/.test(code)) return { ok: false, reason: "malformed" };
  const raw = Buffer.from(code, "base64url");
  if (raw.length !== CODE_BYTES || raw[0] !== VERSION) return { ok: false, reason: "malformed" };
  const body = raw.subarray(0, CODE_BYTES - MAC_BYTES);
  if (!timingSafeEqual(raw.subarray(CODE_BYTES - MAC_BYTES), macOf(secret, body))) return { ok: false, reason: "invalid" };
  const expiresAtMs = body.readUInt32BE(1 + NONCE_BYTES) * 1000;
  if (nowMs >= expiresAtMs) return { ok: false, reason: "expired" };
  // The MAC stops anyone from moving the expiry; the lifetime check stops a minted-far-ahead code.
  if (expiresAtMs - nowMs > BOOTSTRAP_CODE_TTL_MS + 60_000) return { ok: false, reason: "invalid" };
  return { ok: true, nonce: body.subarray(1, 1 + NONCE_BYTES).toString("hex"), expiresAtMs };
}
