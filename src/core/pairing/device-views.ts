/**
 * How devices and pairing requests appear on the wire (`device.pair.*` results and events).
 * Tokens are shown as summaries only: the secret itself leaves the gateway once, to its device.
 */
import type { DevicePairRequest, PairedDeviceInfo } from "../../../protocol/methods/devices.ts";
import type { DeviceToken, PairedDevice, PairingRequest } from "../../store/devices.ts";

/** Drops null fields: the wire shape has optional keys, not nulls. */
function defined<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null && v !== undefined)) as T;
}

export function requestView(request: PairingRequest): DevicePairRequest {
  return defined({
    requestId: request.requestId,
    deviceId: request.deviceId,
    publicKey: request.publicKey,
    displayName: request.displayName ?? undefined,
    platform: request.platform ?? undefined,
    clientId: request.clientId ?? undefined,
    clientMode: request.clientMode ?? undefined,
    role: request.role,
    roles: [request.role],
    scopes: request.scopes,
    remoteIp: request.remoteIp ?? undefined,
    silent: false,
    isRepair: request.reason !== "not-paired",
    reason: request.reason,
    ts: request.createdAtMs,
  });
}

export function deviceView(device: PairedDevice, tokens: DeviceToken[]): PairedDeviceInfo {
  return defined({
    deviceId: device.deviceId,
    publicKey: device.publicKey,
    displayName: device.displayName ?? undefined,
    platform: device.platform ?? undefined,
    clientId: device.clientId ?? undefined,
    clientMode: device.clientMode ?? undefined,
    roles: device.roles,
    scopes: device.scopes,
    remoteIp: device.remoteIp ?? undefined,
    tokens: tokens.map((t) =>
      defined({
        role: t.role,
        scopes: t.scopes,
        createdAtMs: t.createdAtMs,
        rotatedAtMs: t.rotatedAtMs ?? undefined,
        revokedAtMs: t.revokedAtMs ?? undefined,
        lastUsedAtMs: t.lastUsedAtMs ?? undefined,
      }),
    ),
    createdAtMs: device.createdAtMs,
    approvedAtMs: device.approvedAtMs,
  });
}
