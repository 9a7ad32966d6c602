/**
 * The stages of `connect`, each on its own: what it lets through and the exact refusal it
 * returns. The wire (frames, closes) is covered by test/integration/handshake.test.ts.
 */
import type { Database } from "bun:sqlite";
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DevicePairing } from "../../src/core/pairing/device-pairing.ts";
import { generateDeviceKeyPair } from "../../src/crypto/ed25519.ts";
import { admitDevice } from "../../src/gateway/auth/admission.ts";
import { negotiateProtocol, readConnectRequest, type ConnectRequest } from "../../src/gateway/auth/connect-request.ts";
import { checkDeviceSignature } from "../../src/gateway/auth/device-signature-check.ts";
import { checkDeviceToken } from "../../src/gateway/auth/device-token-check.ts";
import { grantSession } from "../../src/gateway/auth/grant.ts";
import { checkSharedSecret, type AuthFailure } from "../../src/gateway/auth/shared-secret.ts";
import { openStore } from "../../src/store/database.ts";
import { DeviceStore } from "../../src/store/devices.ts";
import { connectParams, type ConnectOptions } from "../helpers/ws-client.ts";

const NONCE = "6f1c2a34-5b6d-4e7f-8a9b-0c1d2e3f4a5b";
const REMOTE_PEER = { connId: "c1", isLocal: false, fromBrowser: false, remoteAddress: "203.0.113.9" };
const LOCAL_PEER = { ...REMOTE_PEER, isLocal: true, remoteAddress: "127.0.0.1" };

function request(options: ConnectOptions = {}): ConnectRequest {
  const verdict = readConnectRequest(connectParams(NONCE, options));
  if (!verdict.ok) throw new Error(`unexpected refusal: ${verdict.refusal.message}`);
  return verdict;
}

let dir: string;
let db: Database;
let pairing: DevicePairing;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "openclaw-handshake-"));
  db = openStore(dir);
  pairing = new DevicePairing({ store: new DeviceStore(db), emit: () => {}, now: Date.now });
});

afterEach(async () => {
  db.close();
  await rm(dir, { recursive: true, force: true });
});

describe("protocol stage", () => {
  test("negotiates the highest shared version, dedupes scopes, and clears them for nodes", () => {
    expect(negotiateProtocol(1, 100)).toBe(4);
    expect(negotiateProtocol(5, 6)).toBeNull();
    const operator = request({ minProtocol: 3, maxProtocol: 3, scopes: ["operator.read", "operator.read"] });
    expect({ protocol: operator.protocol, role: operator.role, scopes: operator.requestedScopes }).toEqual({ protocol: 3, role: "operator", scopes: ["operator.read"] });
    expect(request({ role: "node", scopes: ["operator.admin"] }).requestedScopes).toEqual([]);
  });

  test("refusals: protocol mismatch closes 1002, a bad role or bad params 1008", () => {
    expect(readConnectRequest(connectParams(NONCE, { minProtocol: 5, maxProtocol: 6 }))).toEqual({
      ok: false,
      refusal: { code: "INVALID_REQUEST", message: "protocol mismatch", details: { expectedProtocol: 4 }, closeCode: 1002, closeReason: "protocol mismatch" },
    });
    expect(readConnectRequest(connectParams(NONCE, { role: "superuser" }))).toEqual({
      ok: false,
      refusal: { code: "INVALID_REQUEST", message: "invalid role", closeCode: 1008, closeReason: "invalid role" },
    });
    const invalid = readConnectRequest({ minProtocol: "3" });
    expect(!invalid.ok && invalid.refusal.message).toStartWith("invalid connect params: ");
  });
});

describe("device signature stage", () => {
  const ctx = { nonce: NONCE, isLocal: false, now: Date.now() };

  test("no device block: nothing to verify; a valid v3 signature yields the device", () => {
    expect(checkDeviceSignature(request({ device: null }), ctx)).toEqual({ ok: true, device: null });
    const keys = generateDeviceKeyPair();
    const verdict = checkDeviceSignature(request({ device: keys }), ctx);
    expect(verdict).toMatchObject({ ok: true, device: { deviceId: keys.deviceId } });
  });

  test("a signature over another nonce, or none when remote, is refused with its detail code", () => {
    const keys = generateDeviceKeyPair();
    expect(checkDeviceSignature(request({ device: keys }), { ...ctx, nonce: "other" })).toEqual({
      ok: false,
      refusal: { code: "INVALID_REQUEST", message: "device nonce mismatch", details: { code: "DEVICE_AUTH_NONCE_MISMATCH" }, closeCode: 1008, closeReason: "device nonce mismatch" },
    });
    const noNonce = request({ device: keys });
    delete noNonce.params.device!.nonce;
    const verdict = checkDeviceSignature(noNonce, ctx);
    expect(!verdict.ok && verdict.refusal.details).toEqual({ code: "DEVICE_AUTH_NONCE_REQUIRED", reason: "device-nonce-missing" });
  });
});

describe("shared secret and device token stages", () => {
  const auth = { mode: "token" as const, token: "right", source: "config" as const };
  const sharedFailure = (req: ConnectRequest) => checkSharedSecret(auth, { provided: req.params.auth, client: req.params.client, isLocal: false }) as AuthFailure;

  test("a wrong shared token without a device is refused as the shared failure, counted as a guess", () => {
    const req = request({ token: "wrong", device: null });
    expect(checkDeviceToken({ shared: sharedFailure(req), request: req, device: null, tokens: pairing.tokens })).toEqual({
      ok: false,
      wrongSecret: true,
      refusal: {
        code: "INVALID_REQUEST",
        message: "unauthorized: gateway token mismatch (provide gateway auth token)",
        details: { code: "AUTH_TOKEN_MISMATCH", authReason: "token_mismatch", canRetryWithDeviceToken: false, recommendedNextStep: "update_auth_credentials" },
        closeCode: 1008,
        closeReason: "unauthorized: gateway token mismatch (provide gateway auth token)",
      },
    });
  });

  test("with a device, the token is tried as its device token; a missing secret is no guess", () => {
    const device = { deviceId: "d1", publicKey: "k" };
    pairing.admit({ ...device, client: { id: "t", version: "1", platform: "linux", mode: "ui" }, role: "operator", scopes: ["operator.read"], isLocal: true, remoteIp: "" });
    const issued = pairing.tokens.ensure("d1", "operator", ["operator.read"]);

    const good = request({ token: issued.token, scopes: ["operator.read"], device: null });
    expect(checkDeviceToken({ shared: sharedFailure(good), request: good, device, tokens: pairing.tokens })).toMatchObject({ ok: true, method: "device-token", token: { token: issued.token } });

    const wider = request({ token: issued.token, scopes: ["operator.admin"], device: null });
    const scope = checkDeviceToken({ shared: sharedFailure(wider), request: wider, device, tokens: pairing.tokens });
    expect(scope).toMatchObject({ ok: false, wrongSecret: false, refusal: { details: { code: "AUTH_DEVICE_TOKEN_SCOPE_MISMATCH" } } });

    const stale = request({ token: "old", device: null });
    expect(checkDeviceToken({ shared: sharedFailure(stale), request: stale, device, tokens: pairing.tokens })).toMatchObject({
      ok: false,
      wrongSecret: true,
      refusal: { details: { canRetryWithDeviceToken: true, recommendedNextStep: "retry_with_device_token" } },
    });

    const missing = request({ token: null, device: null });
    expect(checkDeviceToken({ shared: sharedFailure(missing), request: missing, device, tokens: pairing.tokens })).toMatchObject({
      ok: false,
      wrongSecret: false,
      refusal: { details: { authReason: "token_missing" } },
    });
  });
});

describe("admission and grant stages", () => {
  test("a remote unknown device is refused NOT_PAIRED with the requestId in details and close reason", () => {
    const req = request();
    const verdict = admitDevice({ request: req, device: { deviceId: "d2", publicKey: "k2" }, peer: REMOTE_PEER, pairing });
    if (verdict.ok) throw new Error("expected a refusal");
    const requestId = verdict.refusal.details!.requestId as string;
    expect(verdict.refusal).toEqual({
      code: "NOT_PAIRED",
      message: "pairing required",
      details: { code: "PAIRING_REQUIRED", reason: "not-paired", requestId },
      closeCode: 1008,
      closeReason: `pairing required: approve the device on the gateway (requestId: ${requestId})`,
    });
    expect(admitDevice({ request: req, device: null, peer: REMOTE_PEER, pairing })).toEqual({ ok: true });
  });

  test("grants: device-less remote clients may read, the local CLI keeps its scopes, a device gets its token", () => {
    const admin = ["operator.admin"];
    const remote = grantSession({ request: request({ scopes: admin, device: null }), device: null, method: "token", peer: REMOTE_PEER, tokens: pairing.tokens });
    expect(remote).toMatchObject({ session: { scopes: ["operator.read"], deviceId: null, authMethod: "token", presenceKey: "c1" }, deviceToken: null });
    const cli = grantSession({ request: request({ scopes: admin, device: null, client: { id: "cli", mode: "cli" } }), device: null, method: "token", peer: LOCAL_PEER, tokens: pairing.tokens });
    expect(cli.session).toMatchObject({ scopes: admin, presenceKey: null });

    // In the pipeline admission comes first and stores the device its token belongs to.
    const device = { deviceId: "d3", publicKey: "k3" };
    const writerRequest = request({ scopes: ["operator.write"] });
    expect(admitDevice({ request: writerRequest, device, peer: LOCAL_PEER, pairing })).toEqual({ ok: true });
    const writer = grantSession({ request: writerRequest, device, method: "token", peer: LOCAL_PEER, tokens: pairing.tokens });
    expect(writer.session).toMatchObject({ scopes: ["operator.read", "operator.write"], deviceId: "d3", presenceKey: "d3" });
    // The token carries what was asked for; read is implied by write anyway.
    expect(writer.deviceToken).toMatchObject({ deviceId: "d3", role: "operator", scopes: ["operator.write"] });

    const nodeRequest = request({ role: "node", client: { id: "node-host", mode: "node" } });
    expect(admitDevice({ request: nodeRequest, device, peer: LOCAL_PEER, pairing })).toEqual({ ok: true });
    const node = grantSession({ request: nodeRequest, device, method: "token", peer: LOCAL_PEER, tokens: pairing.tokens });
    expect(node.session).toMatchObject({ role: "node", scopes: [], node: { nodeId: "d3", commands: [] } });
  });
});
