/** Converting the reference's paired.json records: keys normalised, bad records refused with a reason. */
import { expect, test } from "bun:test";
import { base64UrlEncode, generateDeviceKeyPair } from "../../src/crypto/ed25519.ts";
import { convertDevice } from "../../src/doctor/import-devices.ts";

test("a PEM key is stored as base64url of the raw key, tokens keep their roles", () => {
  const keys = generateDeviceKeyPair();
  const { device, tokens } = convertDevice(
    { deviceId: keys.deviceId, publicKey: keys.publicKeyPem, scopes: ["operator.read"], tokens: { operator: { token: "t0k3n", scopes: ["operator.read"], createdAtMs: 5 } } },
    1000,
  );
  expect(device.publicKey).toBe(base64UrlEncode(keys.publicKeyRaw));
  expect(device.roles).toEqual(["operator"]);
  expect(tokens).toEqual([{ deviceId: keys.deviceId, role: "operator", token: "t0k3n", scopes: ["operator.read"], createdAtMs: 5, rotatedAtMs: null, revokedAtMs: null, lastUsedAtMs: null }]);
});

test("records that could never connect are refused with the reason", () => {
  const keys = generateDeviceKeyPair();
  const other = generateDeviceKeyPair();
  expect(() => convertDevice({ deviceId: other.deviceId, publicKey: keys.publicKeyPem }, 0)).toThrow("deviceId is not the hash of its publicKey");
  expect(() => convertDevice({ deviceId: keys.deviceId, publicKey: "garbage!" }, 0)).toThrow("publicKey is not an Ed25519 key");
  expect(() => convertDevice({ publicKey: keys.publicKeyPem }, 0)).toThrow("no deviceId");
});
