/**
 * The one error type method handlers throw. The dispatcher turns it into `res.error`; any
 * other thrown value is logged and masked as `UNAVAILABLE "internal error"`.
 */
import type { ErrorCode } from "../../../protocol/errors.ts";
import type { ErrorShape } from "../../../protocol/frames.ts";

export class RpcError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    readonly retry?: { retryable: boolean; retryAfterMs?: number },
  ) {
    super(message);
    this.name = "RpcError";
  }

  toShape(): ErrorShape {
    return {
      code: this.code,
      message: this.message,
      ...(this.details !== undefined ? { details: this.details } : {}),
      ...(this.retry ? { retryable: this.retry.retryable } : {}),
      ...(this.retry?.retryAfterMs !== undefined ? { retryAfterMs: this.retry.retryAfterMs } : {}),
    };
  }
}
