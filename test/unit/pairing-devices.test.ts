/**
 * Device pairing and device tokens as domain code: results, not wire errors. A real store in
 * a temp dir, an injected clock, and the events collected from the injected `emit`.
 */
import type { Database } from "bun:sqlite";
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DevicePairing, PAIRING_REQUEST_TTL_MS, type AdmitRequest } from "../../src/core/pairing/device-pairing.ts";
import { openStore } from "../../src/store/database.ts";
import { DeviceStore } from "../../src/store/devices.ts";

let dir: string;
let db: Database;
let clock: { now: number };
let events: { event: string; payload: any }[];
let pairing: DevicePairing;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "openclaw-pairing-"));
  db = openStore(dir);
  clock = { now: 1_700_000_000_000 };
  events = [];
  pairing = new DevicePairing({ store: new DeviceStore(db), emit: (event, payload) => events.push({ event, payload }), now: () => clock.now });
});

afterEach(async () => {
  db.close();
  await rm(dir, { recursive: true, force: true });
});

function ask(overrides: Partial<AdmitRequest> = {}): AdmitRequest {
  return {
    deviceId: "d1", publicKey: "key-1", client: { id: "test", version: "1", platform: "linux", mode: "ui" },
    role: "operator", scopes: ["operator.read"], isLocal: false, remoteIp: "203.0.113.9", ...overrides,
  };
}

describe("admit", () => {
  test("a remote unknown device is pending, announced once, and reconnecting reuses the request", () => {
    const first = pairing.admit(ask());
    expect(first).toMatchObject({ status: "pending", reason: "not-paired", request: { deviceId: "d1", role: "operator", scopes: ["operator.read"] } });
    if (first.status !== "pending") throw new Error("expected pending");
    expect(events.map((e) => e.event)).toEqual(["device.pair.requested"]);
    expect(events[0]!.payload).toMatchObject({ requestId: first.request.requestId, deviceId: "d1", isRepair: false });
    const again = pairing.admit(ask());
    expect(again).toMatchObject({ status: "pending", request: { requestId: first.request.requestId } });
    expect(events.length).toBe(1);
    // Asking for more than the pending request covers makes a new one.
    const wider = pairing.admit(ask({ scopes: ["operator.admin"] }));
    expect(wider.status === "pending" && wider.request.requestId).not.toBe(first.request.requestId);
  });

  test("a local unknown device is approved on the spot and the decision announced", () => {
    const result = pairing.admit(ask({ isLocal: true }));
    expect(result).toMatchObject({ status: "approved", device: { deviceId: "d1", roles: ["operator"], scopes: ["operator.read"] } });
    expect(events).toEqual([{ event: "device.pair.resolved", payload: expect.objectContaining({ deviceId: "d1", decision: "approved" }) }]);
    // Known now: admitted again without a new decision.
    expect(pairing.admit(ask()).status).toBe("approved");
    expect(events.length).toBe(1);
  });

  test("a known device asking for more, or with another key, needs approval again", () => {
    pairing.admit(ask({ isLocal: true }));
    expect(pairing.admit(ask({ scopes: ["operator.write"] }))).toMatchObject({ status: "pending", reason: "scope-upgrade" });
    expect(pairing.admit(ask({ role: "node", scopes: [] }))).toMatchObject({ status: "pending", reason: "role-upgrade" });
    expect(pairing.admit(ask({ publicKey: "key-2" }))).toMatchObject({ status: "pending", reason: "key-change" });
  });
});

describe("decisions", () => {
  test("approve stores the device, clears its requests and announces it; a second approve is unknown", () => {
    const pending = pairing.admit(ask());
    if (pending.status !== "pending") throw new Error("expected pending");
    const { requestId } = pending.request;
    expect(pairing.pendingRequests().map((r) => r.requestId)).toEqual([requestId]);
    const approved = pairing.approve(requestId);
    expect(approved).toMatchObject({ status: "approved", request: { requestId }, device: { deviceId: "d1", roles: ["operator"] } });
    expect(events.at(-1)).toEqual({ event: "device.pair.resolved", payload: { requestId, deviceId: "d1", decision: "approved", ts: clock.now } });
    expect(pairing.pendingRequests()).toEqual([]);
    expect(pairing.approve(requestId)).toEqual({ status: "unknown-request" });
    expect(pairing.admit(ask()).status).toBe("approved");
  });

  test("reject drops the request; expired requests are unknown", () => {
    const first = pairing.admit(ask());
    if (first.status !== "pending") throw new Error("expected pending");
    expect(pairing.reject(first.request.requestId)).toMatchObject({ status: "rejected", request: { deviceId: "d1" } });
    expect(events.at(-1)!.payload).toMatchObject({ decision: "rejected" });
    const second = pairing.admit(ask());
    if (second.status !== "pending") throw new Error("expected pending");
    clock.now += PAIRING_REQUEST_TTL_MS + 1;
    expect(pairing.approve(second.request.requestId)).toEqual({ status: "unknown-request" });
    expect(pairing.pendingRequests()).toEqual([]);
  });

  test("remove forgets a paired device", () => {
    pairing.admit(ask({ isLocal: true }));
    expect(pairing.remove("d1")).toBe(true);
    expect(pairing.remove("d1")).toBe(false);
  });
});

describe("tokens", () => {
  test("ensure issues one token per role, check accepts only it and only within its scopes", () => {
    pairing.admit(ask({ isLocal: true, scopes: ["operator.write"] }));
    const token = pairing.tokens.ensure("d1", "operator", ["operator.write"]);
    expect(token.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(pairing.tokens.ensure("d1", "operator", ["operator.read"])).toEqual(token);
    const presented = { deviceId: "d1", role: "operator", presented: token.token };
    expect(pairing.tokens.check({ ...presented, scopes: ["operator.read"] })).toMatchObject({ status: "valid", token: { token: token.token } });
    expect(pairing.tokens.check({ ...presented, scopes: ["operator.admin"] })).toMatchObject({ status: "scope-mismatch" });
    expect(pairing.tokens.check({ ...presented, presented: "nope", scopes: [] })).toEqual({ status: "mismatch" });
    expect(pairing.tokens.check({ ...presented, presented: undefined, scopes: [] })).toEqual({ status: "mismatch" });
    expect(pairing.tokens.check({ ...presented, role: "node", scopes: [] })).toEqual({ status: "mismatch" });
  });

  test("rotate replaces the token within the approval; revoke ends it", () => {
    pairing.admit(ask({ isLocal: true, scopes: ["operator.write"] }));
    const old = pairing.tokens.ensure("d1", "operator", ["operator.write"]);
    expect(pairing.tokens.rotate("nobody", "operator", undefined)).toEqual({ status: "unknown-device" });
    expect(pairing.tokens.rotate("d1", "operator", ["operator.admin"])).toEqual({ status: "scopes-exceed-approval", approvedScopes: ["operator.write"] });
    expect(pairing.tokens.rotate("d1", "node", undefined)).toEqual({ status: "role-not-granted" });
    clock.now += 1000;
    const rotated = pairing.tokens.rotate("d1", "operator", ["operator.read"]);
    if (rotated.status !== "rotated") throw new Error("expected rotated");
    expect(rotated.token).toMatchObject({ scopes: ["operator.read"], createdAtMs: old.createdAtMs, rotatedAtMs: clock.now });
    expect(rotated.token.token).not.toBe(old.token);
    expect(pairing.tokens.check({ deviceId: "d1", role: "operator", presented: old.token, scopes: [] })).toEqual({ status: "mismatch" });

    expect(pairing.tokens.revoke("d1", "operator")).toEqual({ status: "revoked", revokedAtMs: clock.now });
    expect(pairing.tokens.revoke("d1", "operator")).toEqual({ status: "no-live-token" });
    expect(pairing.tokens.revoke("nobody", "operator")).toEqual({ status: "unknown-device" });
    expect(pairing.tokens.check({ deviceId: "d1", role: "operator", presented: rotated.token.token, scopes: [] })).toEqual({ status: "mismatch" });
    // A revoked token is replaced by a fresh one on the next successful connect.
    expect(pairing.tokens.ensure("d1", "operator", ["operator.read"]).token).not.toBe(rotated.token.token);
  });
});
