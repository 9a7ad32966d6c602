/**
 * Stage 6 of `connect`: what the new session may do (protocol.md §3.7, §5). A paired device
 * gets the scopes it asked for (admission saw to it that they were approved) and its role's
 * token; without a device identity nothing was paired, so only the local CLI and the local
 * backend helper keep their scopes (as in the reference) and everyone else may read.
 */
import type { ConnectParams } from "../../../protocol/handshake.ts";
import { Scopes } from "../../../protocol/scopes.ts";
import type { DeviceTokens } from "../../core/pairing/device-tokens.ts";
import type { DeviceToken } from "../../store/devices.ts";
import type { AuthMethod, Connection, Session } from "../ws/connection.ts";
import type { ConnectRequest } from "./connect-request.ts";
import type { VerifiedDevice } from "./device-signature-check.ts";

export interface HandshakeResult {
  session: Session;
  /** The device's token for its role, sent back in `hello-ok.auth`; null without a device. */
  deviceToken: DeviceToken | null;
}

export interface GrantInput {
  request: ConnectRequest;
  device: VerifiedDevice | null;
  method: AuthMethod;
  peer: Pick<Connection, "connId" | "isLocal" | "fromBrowser">;
  tokens: DeviceTokens;
}

/** Modes whose clients come and go per command, so presence does not track them. */
const UNTRACKED_MODES = new Set(["cli", "probe", "backend"]);

export function grantSession({ request, device, method, peer, tokens }: GrantInput): HandshakeResult {
  const { params, role, requestedScopes } = request;
  let scopes = device ? requestedScopes : deviceLessScopes(params, requestedScopes, peer);
  // Every authenticated operator may at least read, so `health`/`status` always work.
  if (role === "operator" && !scopes.includes(Scopes.READ) && !scopes.includes(Scopes.ADMIN)) scopes = [Scopes.READ, ...scopes];
  return {
    session: {
      protocol: request.protocol,
      role,
      scopes,
      client: params.client,
      deviceId: device?.deviceId ?? null,
      authMethod: method,
      caps: params.caps ?? [],
      presenceKey: UNTRACKED_MODES.has(params.client.mode) ? null : (device?.deviceId || params.client.instanceId || peer.connId).toLowerCase(),
      node:
        role === "node"
          ? { nodeId: device?.deviceId ?? params.client.id, commands: params.commands ?? [], permissions: params.permissions, pathEnv: params.pathEnv }
          : null,
    },
    deviceToken: device ? tokens.ensure(device.deviceId, role, requestedScopes) : null,
  };
}

function deviceLessScopes(params: ConnectParams, requested: string[], peer: GrantInput["peer"]): string[] {
  const { id, mode } = params.client;
  const trustedLocal = peer.isLocal && !peer.fromBrowser && ((id === "cli" && mode === "cli") || (id === "gateway-client" && mode === "backend"));
  return trustedLocal ? requested : [Scopes.READ];
}
