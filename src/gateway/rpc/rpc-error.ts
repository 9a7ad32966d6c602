/**
 * The one error type method handlers throw. The dispatcher turns it into `res.error`; any
 * other thrown value is logged and masked as `UNAVAILABLE "internal error"`.
 */
import type { ErrorCode } from "../../../protocol/errors.ts";
import type { ErrorShape } from "../../../protocol/frames.ts";

export interface RetryHint {
  retryable: boolean;
  retryAfterMs?: number;
}

export class RpcError extends Error {
  /** Set by `retryLater` (and by replays of errors that had it). */
  retry?: RetryHint;
  /** A payload sent beside the error (`agent`'s final `{runId, status:"error", summary}`). */
  payload?: unknown;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "RpcError";
  }

  /** An error the caller may retry after `retryAfterMs` (rate limits, a busy dependency). */
  static retryLater(code: ErrorCode, message: string, options: { details?: unknown; retryAfterMs?: number }): RpcError {
    const error = new RpcError(code, message, options.details);
    error.retry = { retryable: true, retryAfterMs: options.retryAfterMs };
    return error;
  }

  /** An error whose response also carries `payload`. */
  static withPayload(code: ErrorCode, message: string, payload: unknown, details?: unknown): RpcError {
    const error = new RpcError(code, message, details);
    error.payload = payload;
    return error;
  }

  /** Rebuilds an error from its wire shape (a cached outcome being replayed). */
  static fromShape(shape: ErrorShape): RpcError {
    const error = new RpcError(shape.code as ErrorCode, shape.message, shape.details);
    if (shape.retryable !== undefined) error.retry = { retryable: shape.retryable, retryAfterMs: shape.retryAfterMs };
    return error;
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
