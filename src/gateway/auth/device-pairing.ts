/**
 * Pairing decisions at connect time (protocol.md §3.8). Loopback devices are approved
 * silently and persisted; any other unknown device, or a known one asking for more than it
 * was granted, gets a pending request and `NOT_PAIRED`. Approved devices get a per-role token.
 */
import { randomBytes, timingSafeEqual } from "node:crypto";
import { ErrorCodes } from "../../../protocol/errors.ts";
import type { ClientInfo } from "../../../protocol/handshake.ts";
import { scopeSatisfied } from "../../../protocol/scopes.ts";
import type { DeviceStore, DeviceToken, PairedDevice, PairingRequest } from "../../store/devices.ts";
import { requestView } from "./device-views.ts";
import { HandshakeError } from "./handshake-error.ts";

export const PAIRING_REQUEST_TTL_MS = 5 * 60_000;

export interface AdmitRequest {
  deviceId: string;
  publicKey: string;
  client: ClientInfo;
  role: string;
  scopes: string[];
  isLocal: boolean;
  remoteIp: string;
}

export type PairingEventSink = (event: "device.pair.requested" | "device.pair.resolved", payload: unknown) => void;

/** Every requested scope is covered by an approved one (admin covers all, write covers read). */
export function scopesCovered(approved: readonly string[], requested: readonly string[]): boolean {
  return requested.every((scope) => scopeSatisfied(approved, scope));
}

export function newDeviceToken(): string {
  return randomBytes(32).toString("base64url");
}

export class DevicePairing {
  constructor(
    private readonly store: DeviceStore,
    private readonly emit: PairingEventSink,
    private readonly now: () => number,
  ) {}

  /** Returns the approved record, approving loopback devices on the spot; throws NOT_PAIRED otherwise. */
  admit(request: AdmitRequest): PairedDevice {
    const existing = this.store.get(request.deviceId);
    const reason = this.pairingReason(existing, request);
    if (!reason) {
      this.store.touch(request.deviceId, this.now());
      return existing!;
    }
    if (request.isLocal) return this.approveSilently(existing, request);
    throw this.pairingRequired(request, reason);
  }

  /** The device's token for `role`, created on first use; scopes widen when the grant did. */
  ensureToken(deviceId: string, role: string, scopes: string[]): DeviceToken {
    const existing = this.store.tokenFor(deviceId, role);
    const now = this.now();
    if (existing && existing.revokedAtMs === null) {
      if (scopesCovered(existing.scopes, scopes)) return existing;
      const widened = { ...existing, scopes: [...new Set([...existing.scopes, ...scopes])] };
      this.store.saveToken(widened);
      return widened;
    }
    const token: DeviceToken = {
      deviceId, role, token: newDeviceToken(), scopes, createdAtMs: now, rotatedAtMs: null, revokedAtMs: null, lastUsedAtMs: null,
    };
    this.store.saveToken(token);
    return token;
  }

  /** The token record when `presented` is this device's live token for `role`. */
  matchToken(deviceId: string, role: string, presented: string | undefined): DeviceToken | null {
    if (!presented) return null;
    const token = this.store.tokenFor(deviceId, role);
    if (!token || token.revokedAtMs !== null || token.token.length !== presented.length) return null;
    if (!timingSafeEqual(Buffer.from(token.token), Buffer.from(presented))) return null;
    this.store.markTokenUsed(deviceId, role, this.now());
    return token;
  }

  /** Approves a pending request (operator decision); null when it is unknown or expired. */
  approve(requestId: string): { request: PairingRequest; device: PairedDevice } | null {
    const request = this.pendingRequest(requestId);
    if (!request) return null;
    const device = this.saveApproved(this.store.get(request.deviceId), request);
    this.store.deleteRequestsFor(request.deviceId);
    this.emit("device.pair.resolved", { requestId, deviceId: request.deviceId, decision: "approved", ts: this.now() });
    return { request, device };
  }

  reject(requestId: string): PairingRequest | null {
    const request = this.pendingRequest(requestId);
    if (!request) return null;
    this.store.deleteRequest(requestId);
    this.emit("device.pair.resolved", { requestId, deviceId: request.deviceId, decision: "rejected", ts: this.now() });
    return request;
  }

  /** Pending requests younger than the TTL, newest first; older ones are dropped. */
  pendingRequests(): PairingRequest[] {
    const cutoff = this.now() - PAIRING_REQUEST_TTL_MS;
    this.store.pruneRequests(cutoff);
    return this.store.listRequests(cutoff);
  }

  /** Replaces (device, role)'s token with a new one; null when the device lacks that role. */
  rotate(deviceId: string, role: string, scopes: string[] | undefined): DeviceToken | null {
    const device = this.store.get(deviceId);
    if (!device || !device.roles.includes(role)) return null;
    const previous = this.store.tokenFor(deviceId, role);
    const now = this.now();
    const token: DeviceToken = {
      deviceId, role, token: newDeviceToken(), scopes: scopes ?? previous?.scopes ?? device.scopes,
      createdAtMs: previous?.createdAtMs ?? now, rotatedAtMs: now, revokedAtMs: null, lastUsedAtMs: null,
    };
    this.store.saveToken(token);
    return token;
  }

  private pendingRequest(requestId: string): PairingRequest | null {
    const request = this.store.request(requestId);
    return request && request.createdAtMs >= this.now() - PAIRING_REQUEST_TTL_MS ? request : null;
  }

  private pairingReason(existing: PairedDevice | null, request: AdmitRequest): string | null {
    if (!existing) return "not-paired";
    if (existing.publicKey !== request.publicKey) return "key-change";
    if (!existing.roles.includes(request.role)) return "role-upgrade";
    if (!scopesCovered(existing.scopes, request.scopes)) return "scope-upgrade";
    return null;
  }

  private approveSilently(existing: PairedDevice | null, request: AdmitRequest): PairedDevice {
    const device = this.saveApproved(existing, {
      deviceId: request.deviceId, publicKey: request.publicKey, displayName: request.client.displayName ?? null,
      platform: request.client.platform, clientId: request.client.id, clientMode: request.client.mode,
      role: request.role, scopes: request.scopes, remoteIp: request.remoteIp,
    }, request.client.deviceFamily ?? null);
    this.emit("device.pair.resolved", { requestId: crypto.randomUUID(), deviceId: device.deviceId, decision: "approved", ts: this.now() });
    return device;
  }

  /** Stores the approval; roles and scopes add to the earlier grant unless the key changed. */
  private saveApproved(
    existing: PairedDevice | null,
    grant: Pick<PairingRequest, "deviceId" | "publicKey" | "displayName" | "platform" | "clientId" | "clientMode" | "role" | "scopes" | "remoteIp">,
    deviceFamily: string | null = existing?.deviceFamily ?? null,
  ): PairedDevice {
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

  private pairingRequired(request: AdmitRequest, reason: string): HandshakeError {
    const now = this.now();
    this.store.pruneRequests(now - PAIRING_REQUEST_TTL_MS);
    let pending = this.store.pendingRequestFor(request.deviceId, now - PAIRING_REQUEST_TTL_MS);
    if (!pending || pending.publicKey !== request.publicKey || pending.role !== request.role || !scopesCovered(pending.scopes, request.scopes)) {
      pending = {
        requestId: crypto.randomUUID(),
        deviceId: request.deviceId,
        publicKey: request.publicKey,
        displayName: request.client.displayName ?? null,
        platform: request.client.platform,
        clientId: request.client.id,
        clientMode: request.client.mode,
        role: request.role,
        scopes: request.scopes,
        remoteIp: request.remoteIp,
        reason,
        createdAtMs: now,
      };
      this.store.addRequest(pending);
      this.emit("device.pair.requested", requestView(pending));
    }
    return new HandshakeError(
      ErrorCodes.NOT_PAIRED,
      "pairing required",
      { code: "PAIRING_REQUIRED", reason, requestId: pending.requestId },
      undefined,
      `pairing required: approve the device on the gateway (requestId: ${pending.requestId})`,
    );
  }
}
