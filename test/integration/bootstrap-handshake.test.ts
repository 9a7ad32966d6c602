/**
 * `auth.bootstrapToken` in `connect` (the `openclaw dashboard` code) over a real socket: it
 * signs in one device once, the device token replaces it, and a device that must wait for
 * approval keeps its claim on the code while no other device can use it.
 */
import { describe, expect, test } from "bun:test";
import { mintBootstrapCode } from "../../src/gateway/auth/bootstrap-code.ts";
import { startTestGateway, TEST_TOKEN } from "../helpers/gateway.ts";
import { connectClient, generateDeviceKeyPair } from "../helpers/ws-client.ts";

const codeFor = () => mintBootstrapCode(TEST_TOKEN, Date.now()).code;
const withCode = (bootstrapToken: string) => ({ token: null, extra: { auth: { bootstrapToken } } });
const ui = { client: { id: "openclaw-control-ui", mode: "webchat", platform: "Linux x86_64", version: "control-ui" } };

describe("bootstrap code in connect", () => {
  test("signs a loopback device in once and issues its device token", async () => {
    await using gw = await startTestGateway();
    const code = codeFor();
    const device = generateDeviceKeyPair();
    const first = await connectClient(gw.url, { ...ui, ...withCode(code), device });
    expect(first.res.ok).toBe(true);
    // Read before matching: bun's toMatchObject writes its asymmetric matchers into the object it checks.
    const deviceToken: string = first.hello.auth.deviceToken;
    expect(deviceToken).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(first.hello.auth).toMatchObject({ method: "bootstrap-token", role: "operator" });
    first.client.close();

    // The device token alone signs it in from now on.
    const again = await connectClient(gw.url, { ...ui, token: null, extra: { auth: { deviceToken } }, device });
    expect(again.res.error).toBeUndefined();
    expect(again.hello.auth.method).toBe("device-token");
    again.client.close();

    // The code itself is spent, for this device too.
    const reuse = await connectClient(gw.url, { ...ui, ...withCode(code), device });
    expect(reuse.res.ok).toBe(false);
    expect(reuse.res.error).toMatchObject({ code: "INVALID_REQUEST", message: "unauthorized: dashboard code already used (run openclaw dashboard on the gateway host for a new link)", details: { code: "AUTH_BOOTSTRAP_TOKEN_INVALID" } });
    expect(gw.logLines.join("\n")).not.toContain(code);
  });

  test("a code without a device, a forged code and a code for another secret are refused", async () => {
    await using gw = await startTestGateway();
    const deviceless = await connectClient(gw.url, { ...ui, ...withCode(codeFor()), device: null });
    expect(deviceless.res.error.message).toBe("unauthorized: a dashboard code signs in a device; send a signed device identity with it");
    const forged = await connectClient(gw.url, { ...ui, ...withCode(mintBootstrapCode("not-the-token", Date.now()).code) });
    expect(forged.res.error.message).toBe("unauthorized: dashboard code invalid (run openclaw dashboard on the gateway host for a new link)");
    const garbage = await connectClient(gw.url, { ...ui, ...withCode("x".repeat(71)) });
    expect(garbage.res.error.details.code).toBe("AUTH_BOOTSTRAP_TOKEN_INVALID");
  });

  test("a remote device keeps its claim while it waits for approval; another device cannot take the code", async () => {
    await using gw = await startTestGateway({ config: { gateway: { trustedProxies: ["127.0.0.1"] } } });
    const remote = { "x-forwarded-for": "198.51.100.4" };
    const code = codeFor();
    const device = generateDeviceKeyPair();
    const waiting = await connectClient(gw.url, { ...ui, ...withCode(code), device }, remote);
    const requestId: string = waiting.res.error.details.requestId;
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(waiting.res.error).toMatchObject({ code: "NOT_PAIRED", details: { code: "PAIRING_REQUIRED" } });

    const retry = await connectClient(gw.url, { ...ui, ...withCode(code), device }, remote);
    expect(retry.res.error.details.requestId).toBe(requestId);
    const thief = await connectClient(gw.url, { ...ui, ...withCode(code) }, remote);
    expect(thief.res.error.message).toContain("dashboard code already used");

    expect(gw.gateway.services.pairing.approve(requestId).status).toBe("approved");
    const approved = await connectClient(gw.url, { ...ui, ...withCode(code), device }, remote);
    expect(approved.res.ok).toBe(true);
    expect(approved.hello.auth.method).toBe("bootstrap-token");
    approved.client.close();
    const spent = await connectClient(gw.url, { ...ui, ...withCode(code), device }, remote);
    expect(spent.res.error.message).toContain("dashboard code already used");
  });
});
