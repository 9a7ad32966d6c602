/** Devices: pairing approval and per-role tokens (protocol.md §3.8, §6 Devices). */
import { method } from "../method-record.ts";
import { t, type Static } from "../schema-builder.ts";
import { Scopes } from "../scopes.ts";
import { RequestIdParams } from "./nodes.ts";
import { EmptyParams } from "./system.ts";

const id = () => t.string({ minLength: 1, maxLength: 256 });

export const DeviceIdParams = t.object({ deviceId: id() });
export type DeviceIdParams = Static<typeof DeviceIdParams>;

export const DeviceTokenRotateParams = t.object({
  deviceId: id(),
  role: id(),
  scopes: t.optional(t.array(t.string({ maxLength: 128 }), { maxItems: 64 })),
});
export type DeviceTokenRotateParams = Static<typeof DeviceTokenRotateParams>;

export const DeviceTokenRevokeParams = t.object({ deviceId: id(), role: id() });
export type DeviceTokenRevokeParams = Static<typeof DeviceTokenRevokeParams>;

/** A token as `device.pair.list` shows it: never the secret itself. */
export const DeviceTokenSummary = t.object({
  role: t.string(),
  scopes: t.array(t.string()),
  createdAtMs: t.integer(),
  rotatedAtMs: t.optional(t.integer()),
  revokedAtMs: t.optional(t.integer()),
  lastUsedAtMs: t.optional(t.integer()),
});

/** Who a device is, as paired records and pairing requests both describe it. */
const deviceIdentity = {
  deviceId: t.string(),
  publicKey: t.string(),
  displayName: t.optional(t.string()),
  platform: t.optional(t.string()),
  clientId: t.optional(t.string()),
  clientMode: t.optional(t.string()),
};

export const PairedDeviceInfo = t.object({
  ...deviceIdentity,
  roles: t.array(t.string()),
  scopes: t.array(t.string()),
  remoteIp: t.optional(t.string()),
  tokens: t.array(DeviceTokenSummary),
  createdAtMs: t.integer(),
  approvedAtMs: t.integer(),
});
export type PairedDeviceInfo = Static<typeof PairedDeviceInfo>;

export const DevicePairRequest = t.object({
  requestId: t.string(),
  ...deviceIdentity,
  role: t.string(),
  roles: t.array(t.string()),
  scopes: t.array(t.string()),
  remoteIp: t.optional(t.string()),
  silent: t.boolean(),
  isRepair: t.boolean(),
  reason: t.string(),
  ts: t.integer(),
});
export type DevicePairRequest = Static<typeof DevicePairRequest>;

export const DevicePairListResult = t.object({ pending: t.array(DevicePairRequest), paired: t.array(PairedDeviceInfo) });

export const DeviceTokenRotateResult = t.object({
  deviceId: t.string(),
  role: t.string(),
  token: t.string(),
  scopes: t.array(t.string()),
  rotatedAtMs: t.integer(),
});

export const deviceMethods = {
  "device.pair.list": method({ params: EmptyParams, result: DevicePairListResult, scope: Scopes.PAIRING }),
  "device.pair.approve": method({ params: RequestIdParams, scope: Scopes.PAIRING }),
  "device.pair.reject": method({ params: RequestIdParams, scope: Scopes.PAIRING }),
  "device.pair.remove": method({ params: DeviceIdParams, scope: Scopes.PAIRING }),
  "device.token.rotate": method({ params: DeviceTokenRotateParams, result: DeviceTokenRotateResult, scope: Scopes.PAIRING }),
  "device.token.revoke": method({ params: DeviceTokenRevokeParams, scope: Scopes.PAIRING }),
};
