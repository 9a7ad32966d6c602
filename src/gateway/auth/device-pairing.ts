/**
 * Pairing decisions at connect time (protocol.md §3.8). Loopback devices are approved
 * silently and persisted; any other unknown device, or a known one asking for more than it
 * was granted, gets a pending request and `NOT_PAIRED`. Approved devices get a per-role token.
 */
import { randomBytes, timingSafeEqual } from "node:crypto";
import { ErrorCodes } from "../../../protocol/errors.ts";
import type { ClientInfo } from "../../../protocol/handshake.ts";
import { scopeSatisfied } from "../../../protocol/scopes.ts";
import type { DeviceStore, DeviceToken, PairedDevice } from "../../store/devices.ts";
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

  private pairingReason(existing: PairedDevice | null, request: AdmitRequest): string | null {
    if (!existing) return "not-paired";
    if (existing.publicKey !== request.publicKey) return "key-change";
    if (!existing.roles.includes(request.role)) return "role-upgrade";
    if (!scopesCovered(existing.scopes, request.scopes)) return "scope-upgrade";
    return null;
  }

  private approveSilently(existing: PairedDevice | null, request: AdmitRequest): PairedDevice {
    const now = this.now();
    const keyChanged = existing !== null && existing.publicKey !== request.publicKey;
    const device: PairedDevice = {
      deviceId: request.deviceId,
      publicKey: request.publicKey,
      displayName: request.client.displayName ?? existing?.displayName ?? null,
      platform: request.client.platform,
      deviceFamily: request.client.deviceFamily ?? null,
      clientId: request.client.id,
      clientMode: request.client.mode,
      roles: [...new Set([...(keyChanged ? [] : existing?.roles ?? []), request.role])],
      scopes: [...new Set([...(keyChanged ? [] : existing?.scopes ?? []), ...request.scopes])],
      remoteIp: request.remoteIp,
      createdAtMs: existing?.createdAtMs ?? now,
      approvedAtMs: now,
      lastSeenAtMs: now,
    };
    this.store.save(device);
    this.emit("device.pair.resolved", { requestId: crypto.randomUUID(), deviceId: device.deviceId, decision: "approved", ts: now });
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
      this.emit("device.pair.requested", { ...pending, isRepair: reason !== "not-paired", silent: false, ts: now });
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
