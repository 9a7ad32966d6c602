/** The shared Ed25519 vectors: payload strings, device ids and signatures must match exactly. */
import { expect, test } from "bun:test";
import vectors from "../fixtures/device-auth.json" with { type: "json" };
import { buildDeviceAuthPayload, type DeviceAuthVersion } from "../../protocol/device-auth.ts";
import { decodePublicKey, deviceIdFor, publicKeyObject, signEd25519, verifyEd25519, generateDeviceKeyPair, base64UrlEncode } from "../../src/crypto/ed25519.ts";

for (const [index, v] of vectors.vectors.entries()) {
  test(`vector ${index} (${v.version}, ${v.clientId})`, () => {
    const raw = decodePublicKey(v.publicKeyRawBase64Url)!;
    expect(deviceIdFor(raw)).toBe(v.deviceId);
    const payload = buildDeviceAuthPayload(v.version as DeviceAuthVersion, { ...v, signedAtMs: v.signedAtMs });
    expect(payload).toBe(v.payload);
    const key = publicKeyObject(raw);
    expect(verifyEd25519(key, payload, v.signatureBase64Url)).toBe(true);
    // Standard base64 of the same signature is tolerated too.
    const standard = Buffer.from(v.signatureBase64Url, "base64url").toString("base64");
    expect(verifyEd25519(key, payload, standard)).toBe(true);
    expect(verifyEd25519(key, payload + "x", v.signatureBase64Url)).toBe(false);
  });
}

test("PEM SPKI public keys decode to the same raw key", () => {
  const keys = generateDeviceKeyPair();
  expect(decodePublicKey(keys.publicKeyPem)).toEqual(keys.publicKeyRaw);
  expect(decodePublicKey(base64UrlEncode(keys.publicKeyRaw))).toEqual(keys.publicKeyRaw);
  const signature = signEd25519(keys.privateKeyPem, "hello");
  expect(verifyEd25519(publicKeyObject(keys.publicKeyRaw), "hello", signature)).toBe(true);
});

test("garbage keys and signatures are refused, not thrown", () => {
  expect(decodePublicKey("not base64!")).toBeNull();
  expect(decodePublicKey("AAAA")).toBeNull();
  expect(decodePublicKey("-----BEGIN PUBLIC KEY-----\nxx\n-----END PUBLIC KEY-----")).toBeNull();
  const keys = generateDeviceKeyPair();
  expect(verifyEd25519(publicKeyObject(keys.publicKeyRaw), "x", "short")).toBe(false);
});
