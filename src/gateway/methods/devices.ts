/**
 * `device.pair.*` and `device.token.*`: operators approve, reject and remove devices and
 * rotate or revoke their tokens. The decisions live in core/pairing; here results become
 * responses, and taking access away also closes the sockets that rely on it, so a revoked
 * token stops working at once, not at the next reconnect.
 */
import { CloseCodes, ErrorCodes } from "../../../protocol/errors.ts";
import type { deviceMethods as deviceRecords } from "../../../protocol/methods/devices.ts";
import { deviceView, requestView } from "../../core/pairing/device-views.ts";
import type { HandlersOf, MethodHandler } from "../rpc/dispatcher.ts";
import { RpcError } from "../rpc/rpc-error.ts";
import type { GatewayServices } from "../services.ts";
import type { Session } from "../ws/connection.ts";

type DeviceMethods = HandlersOf<typeof deviceRecords>;

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

/** Sessions that signed in with this device's token for this role. */
const usingToken = (deviceId: string, role: string) => (s: Session) => s.deviceId === deviceId && s.role === role && s.authMethod === "device-token";

const list: MethodHandler<"device.pair.list"> = (_params, { services }) => ({
  pending: services.pairing.pendingRequests().map(requestView),
  paired: services.devices.list().map((device) => deviceView(device, services.devices.tokensFor(device.deviceId))),
});

const approve: MethodHandler<"device.pair.approve"> = ({ requestId }, { services }) => {
  const result = services.pairing.approve(requestId);
  if (result.status !== "approved") throw unknown("requestId");
  const { device } = result;
  services.log.info(`device ${device.deviceId} approved (${device.roles.join(", ")})`);
  return { requestId, device: deviceView(device, services.devices.tokensFor(device.deviceId)) };
};

const reject: MethodHandler<"device.pair.reject"> = ({ requestId }, { services }) => {
  const result = services.pairing.reject(requestId);
  if (result.status !== "rejected") throw unknown("requestId");
  return { requestId, deviceId: result.request.deviceId };
};

const remove: MethodHandler<"device.pair.remove"> = ({ deviceId }, { services }) => {
  if (!services.pairing.remove(deviceId)) throw unknown("deviceId");
  const closed = closeSessions(services, (s) => s.deviceId === deviceId, "device removed");
  return { deviceId, removed: true, closedConnections: closed };
};

const rotate: MethodHandler<"device.token.rotate"> = ({ deviceId, role, scopes }, { services }) => {
  const result = services.pairing.tokens.rotate(deviceId, role, scopes);
  switch (result.status) {
    case "unknown-device":
      throw unknown("deviceId");
    case "scopes-exceed-approval":
      throw new RpcError(ErrorCodes.INVALID_REQUEST, "scopes exceed what the device was approved for", { approvedScopes: result.approvedScopes });
    case "role-not-granted":
      throw new RpcError(ErrorCodes.INVALID_REQUEST, `device has no role ${role}`);
  }
  const { token } = result;
  services.redactor.addSecret(token.token);
  // Connections that signed in with the old token lose it now.
  closeSessions(services, usingToken(deviceId, role), "device token rotated");
  return { deviceId, role, token: token.token, scopes: token.scopes, rotatedAtMs: token.rotatedAtMs! };
};

const revoke: MethodHandler<"device.token.revoke"> = ({ deviceId, role }, { services }) => {
  const result = services.pairing.tokens.revoke(deviceId, role);
  if (result.status === "unknown-device") throw unknown("deviceId");
  if (result.status === "no-live-token") throw new RpcError(ErrorCodes.INVALID_REQUEST, `no live ${role} token for this device`);
  const closed = closeSessions(services, usingToken(deviceId, role), "device token revoked");
  return { deviceId, role, revokedAtMs: result.revokedAtMs, closedConnections: closed };
};

export const deviceMethods: DeviceMethods = {
  "device.pair.list": list,
  "device.pair.approve": approve,
  "device.pair.reject": reject,
  "device.pair.remove": remove,
  "device.token.rotate": rotate,
  "device.token.revoke": revoke,
};
