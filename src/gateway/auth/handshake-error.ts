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

  static invalid(message: string, detailCode?: string, extra: Record<string, unknown> = {}): HandshakeError {
    return new HandshakeError(ErrorCodes.INVALID_REQUEST, message, detailCode ? { code: detailCode, ...extra } : undefined);
  }
}
