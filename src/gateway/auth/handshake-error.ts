/** A failed `connect`: the error `res` the client gets, then the close code and reason. */
import { CloseCodes, ErrorCodes, type ErrorCode } from "../../../protocol/errors.ts";

export class HandshakeError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
    readonly closeCode: number = CloseCodes.POLICY_VIOLATION,
    readonly closeReason: string = message,
  ) {
    super(message);
    this.name = "HandshakeError";
  }

  /** INVALID_REQUEST with `details`, given as a detail code or a whole object. */
  static invalid(message: string, details?: string | object, extra: Record<string, unknown> = {}): HandshakeError {
    const shaped = typeof details === "string" ? { code: details, ...extra } : details ? { ...details, ...extra } : undefined;
    return new HandshakeError(ErrorCodes.INVALID_REQUEST, message, shaped);
  }
}
