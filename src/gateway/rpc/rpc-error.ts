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

  /** Rebuilds an error from its wire shape (a cached outcome being replayed). */
  static fromShape(shape: ErrorShape): RpcError {
    const retry = shape.retryable !== undefined ? { retryable: shape.retryable, retryAfterMs: shape.retryAfterMs } : undefined;
    return new RpcError(shape.code as ErrorCode, shape.message, shape.details, retry);
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
