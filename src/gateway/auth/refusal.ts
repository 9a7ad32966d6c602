/**
 * Why a `connect` was refused, as a plain value. The handshake stages return it and only the
 * handshake layer turns it into the error `res` and the close (protocol.md §3.3), so no stage
 * needs to know about sockets and none throws to say "no".
 */
import { CloseCodes, ErrorCodes, type ErrorCode } from "../../../protocol/errors.ts";
import type { AuthFailure } from "./shared-secret.ts";

export interface Refusal {
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown>;
  /** For a client that must wait (rate limited): how long until it may try again. */
  retryAfterMs?: number;
  closeCode: number;
  /** Usually the message; pairing puts the requestId here too. */
  closeReason: string;
}

/** A stage's answer: go on with what it established, or stop with a refusal. */
export type Verdict<T extends object = object> = ({ ok: true } & T) | Refused;
export type Refused = { ok: false; refusal: Refusal };

export interface RefusalInit {
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown>;
  retryAfterMs?: number;
  /** Default 1008 (policy violation). */
  closeCode?: number;
  /** Default: the message. */
  closeReason?: string;
}

export function refuse(init: RefusalInit): Refused {
  const { closeCode = CloseCodes.POLICY_VIOLATION, closeReason = init.message, ...rest } = init;
  return { ok: false, refusal: { ...rest, closeCode, closeReason } };
}

/** INVALID_REQUEST, the code of every malformed or unauthenticated connect. */
export function invalidRequest(message: string, details?: Record<string, unknown>): Refused {
  return refuse({ code: ErrorCodes.INVALID_REQUEST, message, ...(details ? { details } : {}) });
}

/** A shared-secret or device-token failure, with the details real clients act on. */
export function authRefusal(failure: AuthFailure, extra: { retryAfterMs?: number } = {}): Refused {
  return refuse({ code: ErrorCodes.INVALID_REQUEST, message: failure.message, details: { ...failure.details }, ...extra });
}
