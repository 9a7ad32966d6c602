/**
 * Ed25519 device keys: decoding public keys as clients send them (base64url raw or PEM SPKI),
 * device ids (hex SHA-256 of the raw key), signing and verifying. Shared by the gateway and
 * the CLI client.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from "node:crypto";

/** DER prefix that turns a raw 32-byte Ed25519 key into an SPKI structure. */
const SPKI_PREFIX = Buffer.from("302a300506032b6570032100", "hex");

export function base64UrlEncode(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("base64url");
}

/** Accepts base64url and standard base64, with or without padding. */
export function base64Decode(text: string): Buffer | null {
  const clean = text.trim();
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(clean)) return null;
  return Buffer.from(clean.replace(/-/g, "+").replace(/_/g, "/"), "base64");
}

/** The raw 32-byte key from base64url/base64 or a PEM SPKI, or null when it is not an Ed25519 key. */
export function decodePublicKey(text: string): Buffer | null {
  if (text.includes("BEGIN PUBLIC KEY")) {
    try {
      const der = createPublicKey(text).export({ format: "der", type: "spki" });
      return der.length === 44 && der.subarray(0, 12).equals(SPKI_PREFIX) ? der.subarray(12) : null;
    } catch {
      return null;
    }
  }
  const raw = base64Decode(text);
  return raw && raw.length === 32 ? raw : null;
}

export function publicKeyObject(raw: Uint8Array): KeyObject {
  return createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: "der", type: "spki" });
}

export function deviceIdFor(rawPublicKey: Uint8Array): string {
  return createHash("sha256").update(rawPublicKey).digest("hex");
}

export function verifyEd25519(key: KeyObject, payload: string, signatureText: string): boolean {
  const signature = base64Decode(signatureText);
  if (!signature || signature.length !== 64) return false;
  try {
    return verify(null, Buffer.from(payload, "utf8"), key, signature);
  } catch {
    return false;
  }
}

export interface DeviceKeyPair {
  deviceId: string;
  publicKeyRaw: Buffer;
  publicKeyPem: string;
  privateKeyPem: string;
}

export function generateDeviceKeyPair(): DeviceKeyPair {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  return keyPairFromPem(
    publicKey.export({ format: "pem", type: "spki" }).toString(),
    privateKey.export({ format: "pem", type: "pkcs8" }).toString(),
  );
}

export function keyPairFromPem(publicKeyPem: string, privateKeyPem: string): DeviceKeyPair {
  const publicKeyRaw = decodePublicKey(publicKeyPem);
  if (!publicKeyRaw) throw new Error("not an Ed25519 public key");
  return { deviceId: deviceIdFor(publicKeyRaw), publicKeyRaw, publicKeyPem, privateKeyPem };
}

export function signEd25519(privateKeyPem: string, payload: string): string {
  return base64UrlEncode(sign(null, Buffer.from(payload, "utf8"), createPrivateKey(privateKeyPem)));
}
