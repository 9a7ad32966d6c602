/**
 * Device pairing (protocol.md §3.8). Loopback devices are approved silently and persisted;
 * any other unknown device, or a known one asking for more than it was granted, gets a
 * pending request that an operator approves or rejects. Results are values: the handshake
 * decides what a pending admission looks like on the wire.
 */
import type { PayloadOf } from "../../../protocol/index.ts";
import type { ClientInfo } from "../../../protocol/handshake.ts";
import type { DeviceStore, PairedDevice, PairingRequest } from "../../store/devices.ts";
import { DeviceTokens, scopesCovered } from "./device-tokens.ts";
import { requestView } from "./device-views.ts";

export const PAIRING_REQUEST_TTL_MS = 5 * 60_000;

export type PairingReason = "not-paired" | "key-change" | "role-upgrade" | "scope-upgrade";

export interface AdmitRequest {
  deviceId: string;
  publicKey: string;
  client: ClientInfo;
  role: string;
  scopes: string[];
  isLocal: boolean;
  remoteIp: string;
}

export type AdmitResult =
  | { status: "approved"; device: PairedDevice }
  | { status: "pending"; request: PairingRequest; reason: PairingReason };

export type ApproveResult = { status: "approved"; request: PairingRequest; device: PairedDevice } | { status: "unknown-request" };
export type RejectResult = { status: "rejected"; request: PairingRequest } | { status: "unknown-request" };

/** Announces a pairing change; the arguments are an event name and its protocol payload. */
export type DevicePairingEmit = (
  ...event: ["device.pair.requested", PayloadOf<"device.pair.requested">] | ["device.pair.resolved", PayloadOf<"device.pair.resolved">]
) => void;

export interface DevicePairingOptions {
  store: DeviceStore;
  /** Publishes `device.pair.requested` (a request view) and `device.pair.resolved`. */
  emit: DevicePairingEmit;
  /** Clock. */
  now: () => number;
}

type Grant = Pick<PairingRequest, "deviceId" | "publicKey" | "displayName" | "platform" | "clientId" | "clientMode" | "role" | "scopes" | "remoteIp">;

export class DevicePairing {
  /** The approved devices' per-role tokens. */
  readonly tokens: DeviceTokens;
  private readonly store: DeviceStore;
  private readonly emit: DevicePairingEmit;
  private readonly now: () => number;

  constructor(options: DevicePairingOptions) {
    this.store = options.store;
    this.emit = options.emit;
    this.now = options.now;
    this.tokens = new DeviceTokens({ store: options.store, now: options.now });
  }

  /** Approved (known, or loopback and approved now), or pending an operator's decision. */
  admit(request: AdmitRequest): AdmitResult {
    const existing = this.store.get(request.deviceId);
    const reason = pairingReason(existing, request);
    if (!reason) {
      this.store.touch(request.deviceId, this.now());
      return { status: "approved", device: existing! };
    }
    if (request.isLocal) return { status: "approved", device: this.approveSilently(existing, request) };
    return { status: "pending", request: this.pendingRequestFor(request, reason), reason };
  }

  /** An operator approves a pending request; unknown when it does not exist or expired. */
  approve(requestId: string): ApproveResult {
    const request = this.pendingRequest(requestId);
    if (!request) return { status: "unknown-request" };
    const device = this.saveApproved(this.store.get(request.deviceId), request);
    this.store.deleteRequestsFor(request.deviceId);
    this.emit("device.pair.resolved", { requestId, deviceId: request.deviceId, decision: "approved", ts: this.now() });
    return { status: "approved", request, device };
  }

  reject(requestId: string): RejectResult {
    const request = this.pendingRequest(requestId);
    if (!request) return { status: "unknown-request" };
    this.store.deleteRequest(requestId);
    this.emit("device.pair.resolved", { requestId, deviceId: request.deviceId, decision: "rejected", ts: this.now() });
    return { status: "rejected", request };
  }

  /** Forgets the device and its tokens; false when it was not paired. */
  remove(deviceId: string): boolean {
    return this.store.remove(deviceId);
  }

  /** Pending requests younger than the TTL, newest first; older ones are dropped. */
  pendingRequests(): PairingRequest[] {
    const cutoff = this.now() - PAIRING_REQUEST_TTL_MS;
    this.store.pruneRequests(cutoff);
    return this.store.listRequests(cutoff);
  }

  private pendingRequest(requestId: string): PairingRequest | null {
    const request = this.store.request(requestId);
    return request && request.createdAtMs >= this.now() - PAIRING_REQUEST_TTL_MS ? request : null;
  }

  private approveSilently(existing: PairedDevice | null, request: AdmitRequest): PairedDevice {
    const device = this.saveApproved(existing, grantOf(request), request.client.deviceFamily ?? null);
    this.emit("device.pair.resolved", { requestId: crypto.randomUUID(), deviceId: device.deviceId, decision: "approved", ts: this.now(), silent: true });
    return device;
  }

  /**
   * The device's live request when it already asks for at least this much, so a client that
   * reconnects while waiting does not flood operators with new requests; else a new one.
   */
  private pendingRequestFor(request: AdmitRequest, reason: PairingReason): PairingRequest {
    const now = this.now();
    this.store.pruneRequests(now - PAIRING_REQUEST_TTL_MS);
    const pending = this.store.pendingRequestFor(request.deviceId, now - PAIRING_REQUEST_TTL_MS);
    if (pending && pending.publicKey === request.publicKey && pending.role === request.role && scopesCovered(pending.scopes, request.scopes)) {
      return pending;
    }
    const created: PairingRequest = { ...grantOf(request), requestId: crypto.randomUUID(), reason, createdAtMs: now };
    this.store.addRequest(created);
    this.emit("device.pair.requested", requestView(created));
    return created;
  }

  /** Stores the approval; roles and scopes add to the earlier grant unless the key changed. */
  private saveApproved(existing: PairedDevice | null, grant: Grant, deviceFamily: string | null = existing?.deviceFamily ?? null): PairedDevice {
    const now = this.now();
    const keep = existing !== null && existing.publicKey === grant.publicKey;
    const device: PairedDevice = {
      deviceId: grant.deviceId,
      publicKey: grant.publicKey,
      displayName: grant.displayName ?? existing?.displayName ?? null,
      platform: grant.platform,
      deviceFamily,
      clientId: grant.clientId,
      clientMode: grant.clientMode,
      roles: [...new Set([...(keep ? existing.roles : []), grant.role])],
      scopes: [...new Set([...(keep ? existing.scopes : []), ...grant.scopes])],
      remoteIp: grant.remoteIp,
      createdAtMs: existing?.createdAtMs ?? now,
      approvedAtMs: now,
      lastSeenAtMs: existing?.lastSeenAtMs ?? null,
    };
    this.store.save(device);
    return device;
  }
}

function pairingReason(existing: PairedDevice | null, request: AdmitRequest): PairingReason | null {
  if (!existing) return "not-paired";
  if (existing.publicKey !== request.publicKey) return "key-change";
  if (!existing.roles.includes(request.role)) return "role-upgrade";
  if (!scopesCovered(existing.scopes, request.scopes)) return "scope-upgrade";
  return null;
}

function grantOf(request: AdmitRequest): Grant {
  return {
    deviceId: request.deviceId,
    publicKey: request.publicKey,
    displayName: request.client.displayName ?? null,
    platform: request.client.platform,
    clientId: request.client.id,
    clientMode: request.client.mode,
    role: request.role,
    scopes: request.scopes,
    remoteIp: request.remoteIp,
  };
}
