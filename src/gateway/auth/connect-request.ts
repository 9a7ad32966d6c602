/**
 * Stage 1 of `connect` (protocol.md §3.2, §3.3): the params are schema-valid, the client's
 * protocol range meets ours, and the role is one we serve. Nothing is looked up yet.
 */
import { CloseCodes, ErrorCodes } from "../../../protocol/errors.ts";
import type { ConnectParams } from "../../../protocol/handshake.ts";
import { LATEST_PROTOCOL, PROTOCOL_VERSIONS } from "../../../protocol/index.ts";
import { Roles, type Role } from "../../../protocol/scopes.ts";
import { validate } from "../../../protocol/validate.ts";
import { invalidRequest, refuse, type Verdict } from "./refusal.ts";

export interface ConnectRequest {
  params: ConnectParams;
  /** The version both sides speak, reported in `hello-ok.protocol`. */
  protocol: number;
  role: Role;
  /** Deduplicated; always empty for nodes, which carry no operator scopes. */
  requestedScopes: string[];
}

const isRole = (role: string): role is Role => (Roles as readonly string[]).includes(role);

/** Highest version both sides speak, or null. */
export function negotiateProtocol(min: number, max: number): number | null {
  const shared = PROTOCOL_VERSIONS.filter((v) => v >= min && v <= max);
  return shared.length > 0 ? shared[shared.length - 1]! : null;
}

export function readConnectRequest(rawParams: unknown): Verdict<ConnectRequest> {
  const checked = validate<ConnectParams>("ConnectParams", rawParams);
  if (!checked.ok) return invalidRequest(`invalid connect params: ${checked.errors}`);
  const params = checked.value;
  const protocol = negotiateProtocol(params.minProtocol, params.maxProtocol);
  if (protocol === null) {
    return refuse({ code: ErrorCodes.INVALID_REQUEST, message: "protocol mismatch", details: { expectedProtocol: LATEST_PROTOCOL }, closeCode: CloseCodes.PROTOCOL_ERROR });
  }
  const role = params.role ?? "operator";
  if (!isRole(role)) return invalidRequest("invalid role");
  const requestedScopes = role === "node" ? [] : [...new Set(params.scopes ?? [])];
  return { ok: true, params, protocol, role, requestedScopes };
}
