/**
 * The `connect` request (protocol.md §3.3): validate, negotiate the version, check the role,
 * verify the device signature, authenticate with the shared secret or a device token, admit
 * the device (pairing), and settle the scopes. Returns the session or throws HandshakeError.
 */
import { CloseCodes, ErrorCodes } from "../../../protocol/errors.ts";
import type { ConnectParams } from "../../../protocol/handshake.ts";
import { PROTOCOL_VERSIONS, LATEST_PROTOCOL } from "../../../protocol/index.ts";
import { Roles, Scopes, type Role } from "../../../protocol/scopes.ts";
import { validate } from "../../../protocol/validate.ts";
import type { DeviceToken } from "../../store/devices.ts";
import { scopesCovered } from "../auth/device-pairing.ts";
import { verifyDeviceSignature, type VerifiedDevice } from "../auth/device-signature-check.ts";
import { HandshakeError } from "../auth/handshake-error.ts";
import { authFailure, checkSharedSecret } from "../auth/shared-secret.ts";
import type { GatewayServices } from "../services.ts";
import type { AuthMethod, Connection, Session } from "./connection.ts";

export interface HandshakeResult {
  session: Session;
  deviceToken: DeviceToken | null;
}

const isRole = (role: string): role is Role => (Roles as readonly string[]).includes(role);

/** Highest version both sides speak, or null. */
export function negotiateProtocol(min: number, max: number): number | null {
  const shared = PROTOCOL_VERSIONS.filter((v) => v >= min && v <= max);
  return shared.length > 0 ? shared[shared.length - 1]! : null;
}

/** Modes whose clients come and go per command, so presence does not track them. */
const UNTRACKED_MODES = new Set(["cli", "probe", "backend"]);

export function performHandshake(rawParams: unknown, connection: Connection, services: GatewayServices): HandshakeResult {
  const checked = validate<ConnectParams>("ConnectParams", rawParams);
  if (!checked.ok) throw HandshakeError.invalid(`invalid connect params: ${checked.errors}`);
  const params = checked.value;

  const protocol = negotiateProtocol(params.minProtocol, params.maxProtocol);
  if (protocol === null) {
    throw new HandshakeError(ErrorCodes.INVALID_REQUEST, "protocol mismatch", { expectedProtocol: LATEST_PROTOCOL }, CloseCodes.PROTOCOL_ERROR);
  }
  const role = params.role ?? "operator";
  if (!isRole(role)) throw HandshakeError.invalid("invalid role");
  const requestedScopes = role === "node" ? [] : [...new Set(params.scopes ?? [])];

  const now = services.now();
  const device: VerifiedDevice | null = params.device
    ? verifyDeviceSignature(params.device, params, { nonce: connection.nonce, isLocal: connection.isLocal, now, role, scopes: requestedScopes })
    : null;

  let authMethod: AuthMethod;
  let tokenGrant: DeviceToken | null = null;
  const shared = checkSharedSecret(services.auth.current, params.auth, params.client, connection.isLocal);
  if (shared.ok) {
    authMethod = shared.method;
  } else {
    const presented = params.auth?.deviceToken ?? params.auth?.token;
    tokenGrant = device ? services.pairing.matchToken(device.deviceId, role, presented) : null;
    if (!tokenGrant) {
      if (device && params.auth?.deviceToken) {
        const failure = authFailure("unauthorized: device token mismatch (rotate/reissue device token)", "device_token_mismatch");
        throw HandshakeError.invalid(failure.message, failure.details);
      }
      // A client that holds a device token for this gateway may retry with it.
      const canRetry = shared.details.authReason === "token_mismatch" && device !== null && !!params.auth?.token;
      throw HandshakeError.invalid(shared.message, {
        ...shared.details,
        canRetryWithDeviceToken: canRetry,
        ...(canRetry ? { recommendedNextStep: "retry_with_device_token" } : {}),
      });
    }
    if (!scopesCovered(tokenGrant.scopes, requestedScopes)) {
      const failure = authFailure("unauthorized: device token scope mismatch (request only the scopes the token grants)", "device_token_scope_mismatch");
      throw HandshakeError.invalid(failure.message, failure.details);
    }
    authMethod = "device-token";
  }

  let scopes: string[];
  let deviceToken: DeviceToken | null = null;
  if (device) {
    services.pairing.admit({
      deviceId: device.deviceId,
      publicKey: device.publicKey,
      client: params.client,
      role,
      scopes: requestedScopes,
      isLocal: connection.isLocal,
      remoteIp: connection.remoteAddress,
    });
    scopes = requestedScopes;
    deviceToken = services.pairing.ensureToken(device.deviceId, role, scopes);
  } else {
    scopes = deviceLessScopes(params, requestedScopes, connection);
  }
  // Every authenticated operator may at least read, so `health`/`status` always work.
  if (role === "operator" && !scopes.includes(Scopes.READ) && !scopes.includes(Scopes.ADMIN)) scopes = [Scopes.READ, ...scopes];

  return {
    session: {
      protocol,
      role,
      scopes,
      client: params.client,
      deviceId: device?.deviceId ?? null,
      authMethod,
      caps: params.caps ?? [],
      presenceKey: UNTRACKED_MODES.has(params.client.mode) ? null : presenceKeyFor(params, device, connection.connId),
      node:
        role === "node"
          ? { nodeId: device?.deviceId ?? params.client.id, commands: params.commands ?? [], permissions: params.permissions, pathEnv: params.pathEnv }
          : null,
    },
    deviceToken,
  };
}

/**
 * Without a device identity nothing was paired, so requested scopes stand only for the local
 * CLI and the local backend helper (as in the reference); everyone else may read.
 */
function deviceLessScopes(params: ConnectParams, requested: string[], connection: Connection): string[] {
  const { id, mode } = params.client;
  const trustedLocal = connection.isLocal && !connection.fromBrowser && ((id === "cli" && mode === "cli") || (id === "gateway-client" && mode === "backend"));
  return trustedLocal ? requested : [Scopes.READ];
}

function presenceKeyFor(params: ConnectParams, device: VerifiedDevice | null, connId: string): string {
  return (device?.deviceId || params.client.instanceId || connId).toLowerCase();
}
