/**
 * The WebSocket handshake over real sockets (protocol.md §3, §4, §5): the challenge, protocol
 * negotiation, every field of hello-ok, shared-secret auth, device identity and pairing,
 * scope grants, the handshake timeout, and the Origin/Host checks on the upgrade.
 */
import { describe, expect, test } from "bun:test";
import { createHash, createPrivateKey, createPublicKey, sign as edSign, verify as edVerify } from "node:crypto";
import { readFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { buildDeviceAuthPayload, type DeviceAuthVersion } from "../../protocol/device-auth.ts";
import { methods as methodContracts } from "../../protocol/index.ts";
import { base64UrlEncode, keyPairFromPem, signEd25519, type DeviceKeyPair } from "../../src/crypto/ed25519.ts";
import { startTestGateway, TEST_TOKEN, type TestGateway } from "../helpers/gateway.ts";
import { connectClient, connectParams, generateDeviceKeyPair, signDevice, TestClient, type Frame } from "../helpers/ws-client.ts";

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const BASE64URL_32_BYTES = /^[A-Za-z0-9_-]{43}$/;
const ADMIN_SCOPES = ["operator.admin", "operator.approvals", "operator.pairing"];
const IMPLEMENTED_METHODS = [
  "health", "status", "system-presence", "system-event", "last-heartbeat", "logs.tail",
  "node.list", "node.describe", "node.rename", "node.invoke", "node.invoke.result", "node.event",
  "node.pair.request", "node.pair.list", "node.pair.approve", "node.pair.reject", "node.pair.verify",
  "device.pair.list", "device.pair.approve", "device.pair.reject", "device.pair.remove", "device.token.rotate", "device.token.revoke",
  "pairing.list", "pairing.approve",
  "config.get", "config.schema", "config.set", "config.patch", "config.apply",
  "agent", "agent.wait", "agent.identity.get", "agents.list", "chat.send", "chat.history", "chat.abort", "chat.inject",
  "sessions.list", "sessions.preview", "sessions.patch", "sessions.reset", "sessions.delete",
  "send", "channels.status", "channels.logout",
  "web.login.start", "web.login.wait", "web.login.cancel",
];
const REMOTE = { "X-Forwarded-For": "203.0.113.7" };

/** Opens a socket, waits for the challenge, and sends `connect` with params built from its nonce. */
async function connectWith(gw: TestGateway, build: (nonce: string) => Record<string, unknown>, headers: Record<string, string> = {}) {
  const client = await TestClient.open(gw.url, headers);
  const challenge = await client.challenge();
  const res = await client.rpc("connect", build(challenge.payload.nonce));
  return { client, res, nonce: challenge.payload.nonce as string };
}

/** A connect that must fail: the exact error res, then the close with the expected code and reason. */
async function expectRefused(
  attempt: Promise<{ client: TestClient; res: Frame }>,
  error: Record<string, unknown>,
  close: { code: number; reason?: string } = { code: 1008 },
) {
  const { client, res } = await attempt;
  expect(res.type).toBe("res");
  expect(res.ok).toBe(false);
  expect(res.payload).toBeUndefined();
  expect(res.error).toEqual(error as any);
  const closed = await client.closed();
  expect(closed.code).toBe(close.code);
  expect(closed.reason).toBe(close.reason ?? (error.message as string));
  // Nothing but the challenge and the error response ever reached the client.
  expect(client.raw.length).toBe(2);
  return { res, closed };
}

function deviceParams(nonce: string, keys: DeviceKeyPair, options: Parameters<typeof connectParams>[1] = {}) {
  return connectParams(nonce, { ...options, device: keys });
}

describe("connect.challenge", () => {
  test("is sent immediately on open, before the client says anything, with a uuid nonce and integer ts", async () => {
    await using gw = await startTestGateway();
    const before = Date.now();
    const a = await TestClient.open(gw.url);
    const b = await TestClient.open(gw.url);
    const challenge = await a.challenge();
    const after = Date.now();
    expect(a.raw.length).toBe(1);
    expect(Object.keys(challenge).sort()).toEqual(["event", "payload", "type"]);
    expect(challenge.type).toBe("event");
    expect(challenge.event).toBe("connect.challenge");
    expect(Object.keys(challenge.payload).sort()).toEqual(["nonce", "ts"]);
    expect(challenge.payload.nonce).toMatch(UUID_V4);
    expect(Number.isInteger(challenge.payload.ts)).toBe(true);
    expect(challenge.payload.ts).toBeGreaterThanOrEqual(before);
    expect(challenge.payload.ts).toBeLessThanOrEqual(after);
    // One fresh nonce per connection.
    const other = await b.challenge();
    expect(other.payload.nonce).toMatch(UUID_V4);
    expect(other.payload.nonce).not.toBe(challenge.payload.nonce);
    a.close();
    b.close();
  });
});

describe("hello-ok", () => {
  test("protocol 4: every field, server is exactly {version, connId}, auth always present", async () => {
    await using gw = await startTestGateway();
    const { client, res, hello } = await connectClient(gw.url, { minProtocol: 4, maxProtocol: 4, device: null, client: { id: "cli", mode: "cli" } });
    expect(res.type).toBe("res");
    expect(res.ok).toBe(true);
    expect(res.id).toBe("t1");
    expect(Object.keys(hello).sort()).toEqual(["auth", "features", "policy", "protocol", "server", "snapshot", "type"]);
    expect(hello.type).toBe("hello-ok");
    expect(hello.protocol).toBe(4);
    expect(Object.keys(hello.server).sort()).toEqual(["connId", "version"]);
    expect(hello.server.version).toBe(gw.gateway.services.version);
    expect(hello.server.version.length).toBeGreaterThan(0);
    expect(hello.server.connId).toMatch(UUID);
    expect([...gw.gateway.connections.all()].map((c) => c.connId)).toContain(hello.server.connId);

    // features: exactly the implemented methods, and the events including connect.challenge.
    expect(hello.features.methods).toEqual(IMPLEMENTED_METHODS);
    expect([...hello.features.methods].sort()).toEqual(Object.keys(methodContracts).sort());
    expect(hello.features.events).toContain("connect.challenge");
    expect(hello.features.events).toEqual(
      expect.arrayContaining(["connect.challenge", "tick", "presence", "health", "shutdown"]),
    );

    // snapshot
    const snap = hello.snapshot;
    expect(Array.isArray(snap.presence)).toBe(true);
    const self = snap.presence.find((p: Frame) => p.mode === "gateway");
    expect(self).toMatchObject({ mode: "gateway", reason: "self", host: hostname(), instanceId: gw.gateway.services.bootId });
    for (const entry of snap.presence) expect(Number.isInteger(entry.ts)).toBe(true);
    expect(snap.health).toMatchObject({ ok: true, defaultAgentId: "main", channels: {} });
    expect(Number.isInteger(snap.health.ts)).toBe(true);
    expect(Object.keys(snap.stateVersion).sort()).toEqual(["health", "presence"]);
    expect(Number.isInteger(snap.stateVersion.presence)).toBe(true);
    expect(Number.isInteger(snap.stateVersion.health)).toBe(true);
    expect(snap.stateVersion.presence).toBeGreaterThanOrEqual(1);
    expect(snap.stateVersion.health).toBeGreaterThanOrEqual(1);
    expect(Number.isInteger(snap.uptimeMs)).toBe(true);
    expect(snap.uptimeMs).toBeGreaterThanOrEqual(0);
    expect(snap.configPath).toBe(join(gw.stateDir, "openclaw.json"));
    expect(snap.stateDir).toBe(gw.stateDir);
    expect(snap.authMode).toBe("token");
    expect(snap.sessionDefaults).toEqual({ defaultAgentId: "main", mainKey: "main", mainSessionKey: "agent:main:main", scope: "per-sender" });

    // auth without a device: role and scopes, no device token
    expect(hello.auth.role).toBe("operator");
    expect(hello.auth.scopes).toEqual(ADMIN_SCOPES);
    expect(hello.auth.deviceToken).toBeUndefined();

    expect(hello.policy).toEqual({ maxPayload: 26214400, maxBufferedBytes: 52428800, tickIntervalMs: 30000 });
    client.close();
  });

  test("protocol 3: server has host, and no auth block without a device token", async () => {
    await using gw = await startTestGateway();
    const { client, res, hello } = await connectClient(gw.url, { minProtocol: 3, maxProtocol: 3, device: null });
    expect(res.ok).toBe(true);
    expect(hello.protocol).toBe(3);
    expect(Object.keys(hello.server).sort()).toEqual(["connId", "host", "version"]);
    expect(hello.server.host).toBe(hostname());
    expect(hello.server.connId).toMatch(UUID);
    expect("auth" in hello).toBe(false);
    expect(hello.features.methods).toEqual(IMPLEMENTED_METHODS);
    expect(hello.policy).toEqual({ maxPayload: 26214400, maxBufferedBytes: 52428800, tickIntervalMs: 30000 });
    client.close();
  });

  test("protocol 3 with a device: auth carries the device token", async () => {
    await using gw = await startTestGateway();
    const keys = generateDeviceKeyPair();
    const { client, hello } = await connectClient(gw.url, { minProtocol: 3, maxProtocol: 3, device: keys });
    expect(hello.protocol).toBe(3);
    expect(hello.auth.deviceToken).toMatch(BASE64URL_32_BYTES);
    expect(hello.auth.role).toBe("operator");
    expect(hello.auth.scopes).toEqual(ADMIN_SCOPES);
    expect(Number.isInteger(hello.auth.issuedAtMs)).toBe(true);
    client.close();
  });

  test("each connection gets its own connId", async () => {
    await using gw = await startTestGateway();
    const a = await connectClient(gw.url);
    const b = await connectClient(gw.url);
    expect(a.hello.server.connId).not.toBe(b.hello.server.connId);
    a.client.close();
    b.client.close();
  });
});

describe("protocol negotiation", () => {
  const cases: [min: number, max: number, expected: number][] = [
    [3, 4, 4],
    [3, 3, 3],
    [4, 4, 4],
    [1, 3, 3],
    [2, 10, 4],
    [4, 9, 4],
    [1, 100, 4],
  ];
  for (const [min, max, expected] of cases) {
    test(`[${min}, ${max}] → ${expected}`, async () => {
      await using gw = await startTestGateway();
      const { client, hello } = await connectClient(gw.url, { minProtocol: min, maxProtocol: max });
      expect(hello.type).toBe("hello-ok");
      expect(hello.protocol).toBe(expected);
      client.close();
    });
  }

  for (const [min, max] of [[5, 6], [1, 2], [4, 3]] as const) {
    test(`[${min}, ${max}] → protocol mismatch, close 1002`, async () => {
      await using gw = await startTestGateway();
      await expectRefused(
        connectWith(gw, (nonce) => connectParams(nonce, { minProtocol: min, maxProtocol: max })),
        { code: "INVALID_REQUEST", message: "protocol mismatch", details: { expectedProtocol: 4 } },
        { code: 1002, reason: "protocol mismatch" },
      );
    });
  }
});

describe("shared-secret auth", () => {
  test("the right token is accepted (auth method token)", async () => {
    await using gw = await startTestGateway();
    const { client, hello } = await connectClient(gw.url, { token: TEST_TOKEN, maxProtocol: 4 });
    expect(hello.auth.method).toBe("token");
    const health = await client.rpc("health");
    expect(health.ok).toBe(true);
    client.close();
  });

  test("a wrong token is refused with the exact mismatch message and close 1008", async () => {
    await using gw = await startTestGateway();
    await expectRefused(connectWith(gw, (nonce) => connectParams(nonce, { token: "not-the-token", device: null })), {
      code: "INVALID_REQUEST",
      message: "unauthorized: gateway token mismatch (provide gateway auth token)",
      details: { code: "AUTH_TOKEN_MISMATCH", authReason: "token_mismatch", canRetryWithDeviceToken: false, recommendedNextStep: "update_auth_credentials" },
    });
  });

  test("a missing token is refused with the missing message", async () => {
    await using gw = await startTestGateway();
    await expectRefused(connectWith(gw, (nonce) => connectParams(nonce, { token: null, device: null })), {
      code: "INVALID_REQUEST",
      message: "unauthorized: gateway token missing (provide gateway auth token)",
      details: { code: "AUTH_TOKEN_MISSING", authReason: "token_missing", canRetryWithDeviceToken: false, recommendedNextStep: "update_auth_configuration" },
    });
  });

  test("CLI clients get the hint of the reference: local → this gateway's token, remote → gateway.remote.token", async () => {
    await using gw = await startTestGateway();
    const cli = { token: "nope", device: null, client: { id: "cli", mode: "cli" } };
    await expectRefused(connectWith(gw, (nonce) => connectParams(nonce, cli)), {
      code: "INVALID_REQUEST",
      message: "unauthorized: gateway token mismatch (use this gateway's gateway.auth.token or pair the device)",
      details: { code: "AUTH_TOKEN_MISMATCH", authReason: "token_mismatch", canRetryWithDeviceToken: false, recommendedNextStep: "update_auth_credentials" },
    });
    await expectRefused(connectWith(gw, (nonce) => connectParams(nonce, cli), REMOTE), {
      code: "INVALID_REQUEST",
      message: "unauthorized: gateway token mismatch (set gateway.remote.token to match gateway.auth.token)",
      details: { code: "AUTH_TOKEN_MISMATCH", authReason: "token_mismatch", canRetryWithDeviceToken: false, recommendedNextStep: "update_auth_credentials" },
    });
  });

  describe("password mode", () => {
    const config = { gateway: { auth: { mode: "password", password: "correct horse battery" } } };

    test("the right password is accepted", async () => {
      await using gw = await startTestGateway({ config });
      const { client, hello } = await connectClient(gw.url, { token: null, password: "correct horse battery", maxProtocol: 4 });
      expect(hello.type).toBe("hello-ok");
      expect(hello.snapshot.authMode).toBe("password");
      expect(hello.auth.method).toBe("password");
      client.close();
    });

    test("a wrong password is refused", async () => {
      await using gw = await startTestGateway({ config });
      await expectRefused(connectWith(gw, (nonce) => connectParams(nonce, { token: null, password: "wrong", device: null })), {
        code: "INVALID_REQUEST",
        message: "unauthorized: gateway password mismatch (provide gateway auth password)",
        details: { code: "AUTH_PASSWORD_MISMATCH", authReason: "password_mismatch", canRetryWithDeviceToken: false, recommendedNextStep: "update_auth_credentials" },
      });
    });

    test("a token is no substitute for the password", async () => {
      await using gw = await startTestGateway({ config });
      await expectRefused(connectWith(gw, (nonce) => connectParams(nonce, { token: "correct horse battery", device: null })), {
        code: "INVALID_REQUEST",
        message: "unauthorized: gateway password missing (provide gateway auth password)",
        details: { code: "AUTH_PASSWORD_MISSING", authReason: "password_missing", canRetryWithDeviceToken: false, recommendedNextStep: "update_auth_configuration" },
      });
    });
  });

  test("a role other than operator/node is refused with invalid role", async () => {
    await using gw = await startTestGateway();
    await expectRefused(connectWith(gw, (nonce) => connectParams(nonce, { role: "superuser" })), {
      code: "INVALID_REQUEST",
      message: "invalid role",
    });
  });
});

describe("device identity", () => {
  test("a valid v3 signature is accepted; the device is approved, persisted and given a token", async () => {
    await using gw = await startTestGateway();
    const keys = generateDeviceKeyPair();
    const { client, hello } = await connectClient(gw.url, { device: keys, maxProtocol: 4 });
    expect(hello.type).toBe("hello-ok");
    expect(hello.auth.deviceToken).toMatch(BASE64URL_32_BYTES);
    expect(hello.auth.role).toBe("operator");
    expect(hello.auth.scopes).toEqual(ADMIN_SCOPES);
    expect(Number.isInteger(hello.auth.issuedAtMs)).toBe(true);
    const stored = gw.gateway.services.devices.get(keys.deviceId);
    expect(stored).not.toBeNull();
    expect(stored!.deviceId).toBe(keys.deviceId);
    expect(stored!.publicKey).toBe(base64UrlEncode(keys.publicKeyRaw));
    expect(stored!.roles).toEqual(["operator"]);
    expect(gw.gateway.services.devices.tokenFor(keys.deviceId, "operator")?.token).toBe(hello.auth.deviceToken);
    client.close();
  });

  test("a loopback device approval is announced to pairing-scoped operators", async () => {
    await using gw = await startTestGateway();
    const admin = await connectClient(gw.url, { client: { mode: "cli" } });
    const keys = generateDeviceKeyPair();
    const { client } = await connectClient(gw.url, { device: keys });
    const resolved = await admin.client.nextEvent("device.pair.resolved");
    expect(resolved.payload).toMatchObject({ deviceId: keys.deviceId, decision: "approved" });
    expect(resolved.payload.requestId).toMatch(UUID);
    expect(Number.isInteger(resolved.payload.ts)).toBe(true);
    client.close();
    admin.client.close();
  });

  test("the issued device token works alone as auth.token with the same device; a wrong token or another device fails", async () => {
    await using gw = await startTestGateway();
    const keys = generateDeviceKeyPair();
    const first = await connectClient(gw.url, { device: keys, maxProtocol: 4 });
    const deviceToken = first.hello.auth.deviceToken as string;
    first.client.close();

    const again = await connectClient(gw.url, { device: keys, token: deviceToken, maxProtocol: 4 });
    expect(again.res.ok).toBe(true);
    expect(again.hello.auth.method).toBe("device-token");
    expect(again.hello.auth.scopes).toEqual(ADMIN_SCOPES);
    expect(again.hello.auth.deviceToken).toBe(deviceToken);
    expect((await again.client.rpc("status")).ok).toBe(true);
    again.client.close();

    await expectRefused(connectWith(gw, (nonce) => connectParams(nonce, { device: keys, token: "wrong-token" })), {
      code: "INVALID_REQUEST",
      message: "unauthorized: gateway token mismatch (provide gateway auth token)",
      details: { code: "AUTH_TOKEN_MISMATCH", authReason: "token_mismatch", canRetryWithDeviceToken: true, recommendedNextStep: "retry_with_device_token" },
    });

    // The token is bound to its device: another device presenting it gets nothing.
    const other = generateDeviceKeyPair();
    await expectRefused(connectWith(gw, (nonce) => connectParams(nonce, { device: other, token: deviceToken })), {
      code: "INVALID_REQUEST",
      message: "unauthorized: gateway token mismatch (provide gateway auth token)",
      details: { code: "AUTH_TOKEN_MISMATCH", authReason: "token_mismatch", canRetryWithDeviceToken: true, recommendedNextStep: "retry_with_device_token" },
    });
    expect(gw.gateway.services.devices.get(other.deviceId)).toBeNull();
  });

  test("device id that is not sha256(publicKey) → device identity mismatch", async () => {
    await using gw = await startTestGateway();
    const keys = generateDeviceKeyPair();
    const other = generateDeviceKeyPair();
    await expectRefused(
      connectWith(gw, (nonce) => {
        const params = connectParams(nonce);
        params.device = { ...signDevice(keys, params, nonce), id: other.deviceId };
        return params;
      }),
      { code: "INVALID_REQUEST", message: "device identity mismatch", details: { code: "DEVICE_AUTH_DEVICE_ID_MISMATCH" } },
    );
  });

  test("signedAt 11 minutes old → device signature expired", async () => {
    await using gw = await startTestGateway();
    const keys = generateDeviceKeyPair();
    await expectRefused(
      connectWith(gw, (nonce) => {
        const params = connectParams(nonce);
        params.device = signDevice(keys, params, nonce, Date.now() - 11 * 60_000);
        return params;
      }),
      { code: "INVALID_REQUEST", message: "device signature expired", details: { code: "DEVICE_AUTH_SIGNATURE_EXPIRED" } },
    );
  });

  test("signedAt 9 minutes old is still accepted", async () => {
    await using gw = await startTestGateway();
    const keys = generateDeviceKeyPair();
    const { client, res } = await connectWith(gw, (nonce) => {
      const params = connectParams(nonce);
      params.device = signDevice(keys, params, nonce, Date.now() - 9 * 60_000);
      return params;
    });
    expect(res.ok).toBe(true);
    client.close();
  });

  test("a nonce other than the issued one → device nonce mismatch", async () => {
    await using gw = await startTestGateway();
    const keys = generateDeviceKeyPair();
    await expectRefused(
      connectWith(gw, (nonce) => {
        const params = connectParams(nonce);
        params.device = signDevice(keys, params, crypto.randomUUID());
        return params;
      }),
      { code: "INVALID_REQUEST", message: "device nonce mismatch", details: { code: "DEVICE_AUTH_NONCE_MISMATCH" } },
    );
  });

  test("a signature over different content → device signature invalid", async () => {
    await using gw = await startTestGateway();
    const keys = generateDeviceKeyPair();
    await expectRefused(
      connectWith(gw, (nonce) => {
        const params = connectParams(nonce);
        // Signed for read-only scopes, but asks for admin: the signature must not verify.
        const signed = signDevice(keys, { ...params, scopes: ["operator.read"] }, nonce);
        params.device = signed;
        return params;
      }),
      { code: "INVALID_REQUEST", message: "device signature invalid", details: { code: "DEVICE_AUTH_SIGNATURE_INVALID" } },
    );
  });

  test("a signature made by another key → device signature invalid", async () => {
    await using gw = await startTestGateway();
    const keys = generateDeviceKeyPair();
    const thief = generateDeviceKeyPair();
    await expectRefused(
      connectWith(gw, (nonce) => {
        const params = connectParams(nonce);
        const genuine = signDevice(keys, params, nonce);
        params.device = { ...genuine, signature: signDevice(thief, params, nonce, genuine.signedAt).signature };
        return params;
      }),
      { code: "INVALID_REQUEST", message: "device signature invalid", details: { code: "DEVICE_AUTH_SIGNATURE_INVALID" } },
    );
    expect(gw.gateway.services.devices.get(keys.deviceId)).toBeNull();
  });

  test("a garbage public key → device public key invalid", async () => {
    await using gw = await startTestGateway();
    const keys = generateDeviceKeyPair();
    await expectRefused(
      connectWith(gw, (nonce) => {
        const params = connectParams(nonce);
        params.device = { ...signDevice(keys, params, nonce), publicKey: "this is not a key!!" };
        return params;
      }),
      { code: "INVALID_REQUEST", message: "device public key invalid", details: { code: "DEVICE_AUTH_PUBLIC_KEY_INVALID" } },
    );
  });

  test("a v1 signature without nonce is accepted from loopback", async () => {
    await using gw = await startTestGateway();
    const keys = generateDeviceKeyPair();
    const { client, res } = await connectWith(gw, (nonce) => {
      const params = connectParams(nonce, { maxProtocol: 4 });
      params.device = signDevice(keys, params, undefined);
      return params;
    });
    expect(res.ok).toBe(true);
    expect((res.payload.auth as Frame).deviceToken).toMatch(BASE64URL_32_BYTES);
    expect(gw.gateway.services.devices.get(keys.deviceId)).not.toBeNull();
    client.close();
  });

  test("a v2 signature over the nonce is accepted", async () => {
    await using gw = await startTestGateway();
    const keys = generateDeviceKeyPair();
    const { client, res } = await connectWith(gw, (nonce) => {
      const params = connectParams(nonce) as Record<string, any>;
      const signedAt = Date.now();
      const payload = buildDeviceAuthPayload("v2", {
        deviceId: keys.deviceId, clientId: params.client.id, clientMode: params.client.mode, role: params.role,
        scopes: params.scopes, signedAtMs: signedAt, token: params.auth.token, nonce,
      });
      params.device = {
        id: keys.deviceId, publicKey: base64UrlEncode(keys.publicKeyRaw), signature: signEd25519(keys.privateKeyPem, payload), signedAt, nonce,
      };
      return params;
    });
    expect(res.ok).toBe(true);
    client.close();
  });

  describe("shared vectors (/work/shared/spec/vectors/device-auth.json)", () => {
    const file = "/work/shared/spec/vectors/device-auth.json";
    const vectors = JSON.parse(readFileSync(file, "utf8")).vectors as Record<string, any>[];
    const PKCS8_ED25519_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");
    const keysFromSeed = (seedHex: string): DeviceKeyPair => {
      const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, Buffer.from(seedHex, "hex")]), format: "der", type: "pkcs8" });
      const publicKey = createPublicKey(privateKey);
      return keyPairFromPem(publicKey.export({ format: "pem", type: "spki" }).toString(), privateKey.export({ format: "pem", type: "pkcs8" }).toString());
    };

    test("there are vectors for v1, v2 and v3", () => {
      expect(new Set(vectors.map((v) => v.version))).toEqual(new Set(["v1", "v2", "v3"]));
    });

    for (const [index, v] of vectors.entries()) {
      test(`vector #${index} (${v.version}): payload, device id and signature match`, () => {
        const payload = buildDeviceAuthPayload(v.version as DeviceAuthVersion, {
          deviceId: v.deviceId, clientId: v.clientId, clientMode: v.clientMode, role: v.role, scopes: v.scopes,
          signedAtMs: v.signedAtMs, token: v.token, nonce: v.nonce, platform: v.platform, deviceFamily: v.deviceFamily,
        });
        expect(payload).toBe(v.payload);
        const keys = keysFromSeed(v.privateSeedHex);
        expect(base64UrlEncode(keys.publicKeyRaw)).toBe(v.publicKeyRawBase64Url);
        expect(createHash("sha256").update(keys.publicKeyRaw).digest("hex")).toBe(v.deviceId);
        expect(keys.deviceId).toBe(v.deviceId);
        // Ed25519 is deterministic: our signer must reproduce the vector's signature exactly.
        expect(signEd25519(keys.privateKeyPem, v.payload)).toBe(v.signatureBase64Url);
        expect(edVerify(null, Buffer.from(v.payload), createPublicKey(keys.publicKeyPem), Buffer.from(v.signatureBase64Url, "base64url"))).toBe(true);
        expect(edSign(null, Buffer.from(v.payload), createPrivateKey(keys.privateKeyPem)).toString("base64url")).toBe(v.signatureBase64Url);
      });
    }

    test("the vector key connects and is stored under the vector's device id", async () => {
      await using gw = await startTestGateway();
      const v = vectors.find((x) => x.version === "v3")!;
      const keys = keysFromSeed(v.privateSeedHex);
      const { client, hello } = await connectClient(gw.url, { device: keys, client: { id: v.clientId, mode: v.clientMode, platform: v.platform } });
      expect(hello.type).toBe("hello-ok");
      expect(gw.gateway.services.devices.get(v.deviceId)).not.toBeNull();
      client.close();
    });
  });
});

describe("remote-looking clients (X-Forwarded-For)", () => {
  test("a new device gets NOT_PAIRED pairing required with a requestId, and close 1008", async () => {
    await using gw = await startTestGateway();
    const admin = await connectClient(gw.url, { client: { mode: "cli" } });
    const keys = generateDeviceKeyPair();
    const { client, res } = await connectWith(gw, (nonce) => deviceParams(nonce, keys), REMOTE);
    expect(res.ok).toBe(false);
    expect(res.error.code).toBe("NOT_PAIRED");
    expect(res.error.message).toBe("pairing required");
    expect(res.error.details.requestId).toMatch(UUID);
    expect(res.error.details.code).toBe("PAIRING_REQUIRED");
    expect(res.error.details.reason).toBe("not-paired");
    const closed = await client.closed();
    expect(closed.code).toBe(1008);
    expect(closed.reason.startsWith("pairing required")).toBe(true);
    expect(closed.reason).toContain(res.error.details.requestId);
    expect(gw.gateway.services.devices.get(keys.deviceId)).toBeNull();
    // Pairing-scoped operators hear about the request.
    const requested = await admin.client.nextEvent("device.pair.requested");
    expect(requested.payload).toMatchObject({ requestId: res.error.details.requestId, deviceId: keys.deviceId, role: "operator" });
    admin.client.close();
  });

  test("a device without nonce gets device nonce required", async () => {
    await using gw = await startTestGateway();
    const keys = generateDeviceKeyPair();
    await expectRefused(
      connectWith(
        gw,
        (nonce) => {
          const params = connectParams(nonce);
          params.device = signDevice(keys, params, undefined);
          return params;
        },
        REMOTE,
      ),
      { code: "INVALID_REQUEST", message: "device nonce required", details: { code: "DEVICE_AUTH_NONCE_REQUIRED", reason: "device-nonce-missing" } },
    );
  });

  test("token-only (no device) v4: only operator.read; health and status work, system-event is FORBIDDEN", async () => {
    await using gw = await startTestGateway();
    const { client, hello } = await connectClient(gw.url, { maxProtocol: 4, device: null }, REMOTE);
    expect(hello.protocol).toBe(4);
    expect(hello.auth.scopes).toEqual(["operator.read"]);
    const health = await client.rpc("health");
    expect(health.ok).toBe(true);
    expect(health.payload.ok).toBe(true);
    const status = await client.rpc("status");
    expect(status.ok).toBe(true);
    expect(Array.isArray(status.payload.queuedSystemEvents)).toBe(true);
    expect(status.payload.gateway).toBeUndefined();
    const denied = await client.rpc("system-event", { text: "hi" });
    expect(denied).toEqual({
      type: "res",
      id: denied.id,
      ok: false,
      error: {
        code: "FORBIDDEN",
        message: "missing scope: operator.admin",
        details: { code: "MISSING_SCOPE", missingScope: "operator.admin", requiredScopes: ["operator.admin"] },
      },
    });
    expect(client.isClosed).toBe(false);
    client.close();
  });

  test("token-only (no device) v3: system-event fails with INVALID_REQUEST missing scope", async () => {
    await using gw = await startTestGateway();
    const { client, hello } = await connectClient(gw.url, { minProtocol: 3, maxProtocol: 3, device: null }, REMOTE);
    expect(hello.protocol).toBe(3);
    expect((await client.rpc("health")).ok).toBe(true);
    expect((await client.rpc("status")).ok).toBe(true);
    const denied = await client.rpc("system-event", { text: "hi" });
    expect(denied).toEqual({ type: "res", id: denied.id, ok: false, error: { code: "INVALID_REQUEST", message: "missing scope: operator.admin" } });
    client.close();
  });
});

describe("scopes", () => {
  test("token-only loopback CLI and backend clients keep the scopes they asked for", async () => {
    await using gw = await startTestGateway();
    for (const client of [{ id: "cli", mode: "cli" }, { id: "gateway-client", mode: "backend" }]) {
      const c = await connectClient(gw.url, { maxProtocol: 4, scopes: ADMIN_SCOPES, device: null, client });
      expect(c.hello.auth.scopes).toEqual(ADMIN_SCOPES);
      expect(await c.client.rpc("system-event", { text: "allowed" })).toMatchObject({ ok: true, payload: { ok: true } });
      c.client.close();
    }
  });

  test("other token-only clients may only read, even on loopback, and see no file paths", async () => {
    await using gw = await startTestGateway();
    const { client, hello } = await connectClient(gw.url, { maxProtocol: 4, scopes: ADMIN_SCOPES, device: null });
    expect(hello.auth.scopes).toEqual(["operator.read"]);
    expect(hello.snapshot.stateDir).toBeUndefined();
    expect(hello.snapshot.configPath).toBeUndefined();
    expect((await client.rpc("status")).ok).toBe(true);
    expect((await client.rpc("system-event", { text: "denied" })).error.code).toBe("FORBIDDEN");
    client.close();
  });

  test("operator.read may call status, system-presence and last-heartbeat but not system-event", async () => {
    await using gw = await startTestGateway();
    const { client, hello } = await connectClient(gw.url, { maxProtocol: 4, scopes: ["operator.read"] });
    expect(hello.auth.scopes).toEqual(["operator.read"]);
    for (const method of ["health", "status", "system-presence", "last-heartbeat"]) {
      const res = await client.rpc(method);
      expect({ method, ok: res.ok, error: res.error }).toEqual({ method, ok: true, error: undefined });
    }
    const denied = await client.rpc("system-event", { text: "nope" });
    expect(denied.ok).toBe(false);
    expect(denied.error.code).toBe("FORBIDDEN");
    expect(denied.error.message).toBe("missing scope: operator.admin");
    expect(denied.error.details.code).toBe("MISSING_SCOPE");
    client.close();
  });

  test("operator.write implies read", async () => {
    await using gw = await startTestGateway();
    const { client } = await connectClient(gw.url, { maxProtocol: 4, scopes: ["operator.write"] });
    expect((await client.rpc("status")).ok).toBe(true);
    expect((await client.rpc("system-presence")).ok).toBe(true);
    expect((await client.rpc("system-event", { text: "x" })).error.message).toBe("missing scope: operator.admin");
    client.close();
  });
});

describe("node role", () => {
  test("a node gets no operator scopes: health works, operator methods fail with unauthorized role", async () => {
    await using gw = await startTestGateway();
    const { client, hello } = await connectClient(gw.url, {
      role: "node",
      scopes: ["operator.admin"],
      maxProtocol: 4,
      client: { id: "node-host", mode: "node", instanceId: "node-1" },
    });
    expect(hello.auth.role).toBe("node");
    expect(hello.auth.scopes).toEqual([]);
    expect((await client.rpc("health")).ok).toBe(true);
    for (const method of ["status", "system-presence", "system-event", "last-heartbeat"]) {
      const res = await client.rpc(method, method === "system-event" ? { text: "x" } : undefined);
      expect({ method, error: res.error }).toEqual({ method, error: { code: "INVALID_REQUEST", message: "unauthorized role: node" } });
    }
    client.close();
  });
});

describe("handshake timeout", () => {
  test("a socket that never sends connect is closed 1000 with nothing but the challenge", async () => {
    await using gw = await startTestGateway({ handshakeTimeoutMs: 200 });
    const client = await TestClient.open(gw.url);
    const started = Date.now();
    const closed = await client.closed(5000);
    expect(closed).toEqual({ code: 1000, reason: "" });
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);
    expect(client.raw.length).toBe(1);
    expect(JSON.parse(client.raw[0]!).event).toBe("connect.challenge");
  });

  test("a connected client is not closed by the handshake timer", async () => {
    await using gw = await startTestGateway({ handshakeTimeoutMs: 200, policy: { tickIntervalMs: 150 } });
    const { client } = await connectClient(gw.url);
    // Two ticks span more than the handshake timeout.
    await client.nextEvent("tick");
    await client.nextEvent("tick");
    expect(client.isClosed).toBe(false);
    expect((await client.rpc("health")).ok).toBe(true);
    client.close();
  });
});

describe("Origin and Host checks", () => {
  const upgradeHeaders = (extra: Record<string, string>) => ({
    Upgrade: "websocket",
    Connection: "Upgrade",
    "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
    "Sec-WebSocket-Version": "13",
    ...extra,
  });

  test("a cross-site Origin cannot open the WebSocket", async () => {
    await using gw = await startTestGateway();
    await expect(TestClient.open(gw.url, { Origin: "http://evil.example" })).rejects.toThrow();
    expect(gw.gateway.services.connections.size).toBe(0);
  });

  test("a cross-site Origin upgrade gets HTTP 403", async () => {
    await using gw = await startTestGateway();
    const res = await fetch(gw.httpUrl + "/", { headers: upgradeHeaders({ Origin: "http://evil.example" }) });
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ error: { message: "origin not allowed", type: "forbidden" } });
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  });

  test("a same-origin Origin is accepted", async () => {
    await using gw = await startTestGateway();
    const { client, hello } = await connectClient(gw.url, {}, { Origin: `http://127.0.0.1:${gw.port}` });
    expect(hello.type).toBe("hello-ok");
    client.close();
  });

  test("an Origin listed in gateway.controlUi.allowedOrigins is accepted", async () => {
    await using gw = await startTestGateway({ config: { gateway: { auth: { token: TEST_TOKEN }, controlUi: { allowedOrigins: ["https://ui.example"] } } } });
    const { client, hello } = await connectClient(gw.url, {}, { Origin: "https://ui.example" });
    expect(hello.type).toBe("hello-ok");
    client.close();
    await expect(TestClient.open(gw.url, { Origin: "https://other.example" })).rejects.toThrow();
  });

  test("Origin: null (sandboxed iframe, file://) cannot open the WebSocket", async () => {
    await using gw = await startTestGateway();
    const res = await fetch(gw.httpUrl + "/", { headers: upgradeHeaders({ Origin: "null" }) });
    expect(res.status).toBe(403);
    await expect(TestClient.open(gw.url, { Origin: "null" })).rejects.toThrow();
  });

  test("an Origin that only shares a prefix with the gateway host is refused", async () => {
    await using gw = await startTestGateway();
    const res = await fetch(gw.httpUrl + "/", { headers: upgradeHeaders({ Origin: `http://127.0.0.1:${gw.port}.evil.example` }) });
    expect(res.status).toBe(403);
  });

  for (const host of ["localhost.evil.example", "127.0.0.1.nip.io", "evil.example:80"]) {
    test(`Host: ${host} → 403`, async () => {
      await using gw = await startTestGateway();
      const res = await fetch(gw.httpUrl + "/healthz", { headers: { Host: host } });
      expect(res.status).toBe(403);
    });
  }

  test("Host: attacker.tld on HTTP → 403 (DNS rebinding)", async () => {
    await using gw = await startTestGateway();
    const res = await fetch(gw.httpUrl + "/health", { headers: { Host: "attacker.tld" } });
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ error: { message: "host not allowed", type: "forbidden" } });
    const upgrade = await fetch(gw.httpUrl + "/", { headers: upgradeHeaders({ Host: "attacker.tld" }) });
    expect(upgrade.status).toBe(403);
    // The same request with a loopback Host is fine.
    const ok = await fetch(gw.httpUrl + "/health", { headers: { Host: `localhost:${gw.port}` } });
    expect(ok.status).toBe(200);
  });
});
