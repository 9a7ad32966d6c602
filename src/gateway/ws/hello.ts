/** Builds `hello-ok` (protocol.md §3.9) for a freshly authenticated connection. */
import type { HelloAuth, HelloOk } from "../../../protocol/handshake.ts";
import { eventNames } from "../../../protocol/index.ts";
import { Scopes } from "../../../protocol/scopes.ts";
import type { DeviceToken } from "../../store/devices.ts";
import type { GatewayServices } from "../services.ts";
import type { Session } from "./connection.ts";

export function buildHelloOk(
  session: Session,
  connId: string,
  deviceToken: DeviceToken | null,
  methodNames: readonly string[],
  services: GatewayServices,
): HelloOk {
  const v4 = session.protocol >= 4;
  const auth: HelloAuth = {
    role: session.role,
    scopes: session.scopes,
    method: session.authMethod,
    ...(deviceToken ? { deviceToken: deviceToken.token, issuedAtMs: deviceToken.rotatedAtMs ?? deviceToken.createdAtMs } : {}),
  };
  return {
    type: "hello-ok",
    protocol: session.protocol,
    // Protocol 4 made `server` a closed object of exactly these two keys.
    server: v4 ? { version: services.version, connId } : { version: services.version, host: services.hostname, connId },
    features: { methods: [...methodNames], events: [...eventNames] },
    snapshot: {
      presence: services.presence.list(),
      health: services.health.snapshot(),
      stateVersion: { presence: services.presence.version, health: services.health.version },
      uptimeMs: Math.max(0, services.now() - services.startedAtMs),
      sessionDefaults: { defaultAgentId: "main", mainKey: "main", mainSessionKey: "agent:main:main", scope: "per-sender" },
      // Where the gateway keeps its files is for administrators only.
      ...(session.scopes.includes(Scopes.ADMIN)
        ? { configPath: services.options.paths.configPath, stateDir: services.options.paths.stateDir, authMode: services.auth.current.mode }
        : {}),
    },
    // Protocol 3 clients only expect `auth` when a device token was issued.
    ...(v4 || deviceToken ? { auth } : {}),
    policy: { ...services.policy },
  };
}
