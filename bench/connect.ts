/**
 * `connect` params for the bench clients, built here rather than through the test helpers so
 * that what is measured does not shift when test defaults change (e.g. a fresh device per
 * connect, which turns every connect into a pairing and a broadcast).
 */
import { createPrivateKey, sign, type KeyObject } from "node:crypto";
import { buildDeviceAuthPayload } from "../protocol/device-auth.ts";
import { base64UrlEncode, generateDeviceKeyPair } from "../src/crypto/ed25519.ts";
import { TEST_TOKEN } from "../test/helpers/gateway.ts";

export interface BenchDevice {
  deviceId: string;
  publicKey: string;
  /** Parsed once: a reconnecting client keeps its key loaded. */
  privateKey: KeyObject;
}

export function newDevice(): BenchDevice {
  const keys = generateDeviceKeyPair();
  return { deviceId: keys.deviceId, publicKey: base64UrlEncode(keys.publicKeyRaw), privateKey: createPrivateKey(keys.privateKeyPem) };
}

export interface BenchConnect {
  nonce: string;
  /** Signs a v3 device payload over the nonce when given; token-only otherwise. */
  device: BenchDevice | null;
  clientMode: string;
  instanceId?: string;
}

export function connectFrame(id: string, c: BenchConnect): string {
  const client = { id: "bench", version: "1.0.0", platform: "linux", mode: c.clientMode, ...(c.instanceId ? { instanceId: c.instanceId } : {}) };
  const role = "operator";
  const scopes = ["operator.admin", "operator.approvals", "operator.pairing"];
  const params: Record<string, unknown> = { minProtocol: 3, maxProtocol: 4, client, role, scopes, auth: { token: TEST_TOKEN } };
  if (c.device) {
    const signedAt = Date.now();
    const payload = buildDeviceAuthPayload("v3", {
      deviceId: c.device.deviceId, clientId: client.id, clientMode: client.mode, role, scopes,
      signedAtMs: signedAt, token: TEST_TOKEN, nonce: c.nonce, platform: client.platform,
    });
    const signature = base64UrlEncode(sign(null, Buffer.from(payload, "utf8"), c.device.privateKey));
    params.device = { id: c.device.deviceId, publicKey: c.device.publicKey, signature, signedAt, nonce: c.nonce };
  }
  return JSON.stringify({ type: "req", id, method: "connect", params });
}
