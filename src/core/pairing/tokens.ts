/**
 * The secrets pairing hands out (device and node tokens) and the one way a presented secret
 * is compared with a stored one.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/** 32 random bytes, base64url: the form clients store and send back. */
export function newPairingToken(): string {
  return randomBytes(32).toString("base64url");
}

/** Compares digests so neither the length nor the content of the secret leaks through timing. */
export function secretsEqual(provided: string, expected: string): boolean {
  const a = createHash("sha256").update(provided).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}
