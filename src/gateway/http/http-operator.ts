/**
 * The caller an HTTP API request acts as once its Bearer token proved it holds the gateway's
 * shared secret. As in the reference, that secret is an owner/operator credential: the caller
 * gets the full operator scope set (admin, approvals, pairing, read, write), the same as the
 * local CLI with the token, and goes through `services.call` with the same role, scope and
 * params checks as any WebSocket client.
 */
import { randomUUID } from "node:crypto";
import { LATEST_PROTOCOL } from "../../../protocol/index.ts";
import { Scopes } from "../../../protocol/scopes.ts";
import type { AuthMode } from "../../config/load.ts";
import type { AuthMethod, Caller } from "../rpc/caller.ts";
import type { Peer } from "./peer.ts";

/** Scopes of a shared-secret HTTP caller (the reference's full operator default set). */
export const HTTP_OPERATOR_SCOPES: readonly string[] = Object.freeze([Scopes.ADMIN, Scopes.APPROVALS, Scopes.PAIRING, Scopes.READ, Scopes.WRITE]);

export interface HttpOperatorInput {
  peer: Peer;
  /** The gateway's auth mode (`services.auth.current.mode`): which secret the bearer matched. */
  authMode: AuthMode;
  /** Which API the caller came through, for logs (`/tools/invoke`). */
  surface: string;
  version: string;
}

function authMethodOf(mode: AuthMode): AuthMethod {
  if (mode === "password") return "password";
  return mode === "none" ? "none" : "token";
}

export function httpOperatorCaller({ peer, authMode, surface, version }: HttpOperatorInput): Caller {
  return {
    session: {
      protocol: LATEST_PROTOCOL,
      role: "operator",
      scopes: [...HTTP_OPERATOR_SCOPES],
      client: { id: "gateway-http", displayName: `HTTP ${surface}`, version, platform: process.platform, mode: "backend" },
      deviceId: null,
      authMethod: authMethodOf(authMode),
      caps: [],
      // A request is not a presence: nothing to keep alive after it is answered.
      presenceKey: null,
      node: null,
    },
    connId: `http-${randomUUID()}`,
    remoteAddress: peer.remoteAddress,
    isLocal: peer.isLocal,
  };
}
