/**
 * `device.pair.*` and `device.token.*`: operators approve, reject and remove devices and
 * rotate or revoke their tokens. Taking access away also closes the sockets that rely on it,
 * so a revoked token stops working at once, not at the next reconnect.
 */
import { CloseCodes, ErrorCodes } from "../../../protocol/errors.ts";
import type { DeviceIdParams, DeviceTokenRevokeParams, DeviceTokenRotateParams } from "../../../protocol/methods/devices.ts";
import type { RequestIdParams } from "../../../protocol/methods/nodes.ts";
import { scopesCovered } from "../auth/device-pairing.ts";
import { deviceView, requestView } from "../auth/device-views.ts";
import type { MethodHandler, MethodHandlers } from "../rpc/dispatcher.ts";
import { RpcError } from "../rpc/rpc-error.ts";
import type { GatewayServices } from "../services.ts";
import type { Session } from "../ws/connection.ts";

type DeviceMethods = Pick<MethodHandlers, "device.pair.list" | "device.pair.approve" | "device.pair.reject" | "device.pair.remove" | "device.token.rotate" | "device.token.revoke">;

/** Closes the open sessions `matches` selects; returns how many. */
export function closeSessions(services: GatewayServices, matches: (session: Session) => boolean, reason: string): number {
  let closed = 0;
  for (const connection of [...services.connections.authenticated()]) {
    if (!matches(connection.session!)) continue;
    connection.close(CloseCodes.POLICY_VIOLATION, reason);
    closed++;
  }
  return closed;
}

const unknown = (what: string) => new RpcError(ErrorCodes.INVALID_REQUEST, `unknown ${what}`);

const list: MethodHandler = (_params, { services }) => ({
  pending: services.pairing.pendingRequests().map(requestView),
  paired: services.devices.list().map((device) => deviceView(device, services.devices.tokensFor(device.deviceId))),
});

const approve: MethodHandler<RequestIdParams> = ({ requestId }, { services }) => {
  const approved = services.pairing.approve(requestId);
  if (!approved) throw unknown("requestId");
  const { device } = approved;
  services.log.info(`device ${device.deviceId} approved (${device.roles.join(", ")})`);
  return { requestId, device: deviceView(device, services.devices.tokensFor(device.deviceId)) };
};

const reject: MethodHandler<RequestIdParams> = ({ requestId }, { services }) => {
  const request = services.pairing.reject(requestId);
  if (!request) throw unknown("requestId");
  return { requestId, deviceId: request.deviceId };
};

const remove: MethodHandler<DeviceIdParams> = ({ deviceId }, { services }) => {
  if (!services.devices.remove(deviceId)) throw unknown("deviceId");
  const closed = closeSessions(services, (s) => s.deviceId === deviceId, "device removed");
  return { deviceId, removed: true, closedConnections: closed };
};

const rotate: MethodHandler<DeviceTokenRotateParams> = ({ deviceId, role, scopes }, { services }) => {
  const device = services.devices.get(deviceId);
  if (!device) throw unknown("deviceId");
  if (scopes && !scopesCovered(device.scopes, scopes)) {
    throw new RpcError(ErrorCodes.INVALID_REQUEST, "scopes exceed what the device was approved for", { approvedScopes: device.scopes });
  }
  const token = services.pairing.rotate(deviceId, role, scopes);
  if (!token) throw new RpcError(ErrorCodes.INVALID_REQUEST, `device has no role ${role}`);
  services.redactor.addSecret(token.token);
  // Connections that signed in with the old token lose it now.
  closeSessions(services, (s) => s.deviceId === deviceId && s.role === role && s.authMethod === "device-token", "device token rotated");
  return { deviceId, role, token: token.token, scopes: token.scopes, rotatedAtMs: token.rotatedAtMs! };
};

const revoke: MethodHandler<DeviceTokenRevokeParams> = ({ deviceId, role }, { services }) => {
  const now = services.now();
  if (!services.devices.get(deviceId)) throw unknown("deviceId");
  if (!services.devices.revokeToken(deviceId, role, now)) throw new RpcError(ErrorCodes.INVALID_REQUEST, `no live ${role} token for this device`);
  const closed = closeSessions(services, (s) => s.deviceId === deviceId && s.role === role && s.authMethod === "device-token", "device token revoked");
  return { deviceId, role, revokedAtMs: now, closedConnections: closed };
};

export const deviceMethods: DeviceMethods = {
  "device.pair.list": list,
  "device.pair.approve": approve,
  "device.pair.reject": reject,
  "device.pair.remove": remove,
  "device.token.rotate": rotate,
  "device.token.revoke": revoke,
};
