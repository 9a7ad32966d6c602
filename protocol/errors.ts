/** The closed set of error codes a response may carry (`res.error.code`). */
export const ErrorCodes = {
  /** Schema or parameter validation failed, bad handshake, unknown method, auth failure. */
  INVALID_REQUEST: "INVALID_REQUEST",
  /** The gateway is shutting down, a dependency is unavailable, or a handler failed. */
  UNAVAILABLE: "UNAVAILABLE",
  /** The device must be paired (approved) before it may connect. */
  NOT_PAIRED: "NOT_PAIRED",
  /** WhatsApp is not linked. */
  NOT_LINKED: "NOT_LINKED",
  /** The agent did not answer within its timeout. */
  AGENT_TIMEOUT: "AGENT_TIMEOUT",
  /** A scope is missing (protocol 4 clients; protocol 3 clients get INVALID_REQUEST). */
  FORBIDDEN: "FORBIDDEN",
} as const;
export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

/** WebSocket close codes the gateway uses. */
export const CloseCodes = {
  NORMAL: 1000,
  PROTOCOL_ERROR: 1002,
  POLICY_VIOLATION: 1008,
  MESSAGE_TOO_BIG: 1009,
  SERVICE_RESTART: 1012,
} as const;

/** Close reasons are cut to this many UTF-8 bytes, as the reference does. */
export const CLOSE_REASON_MAX_BYTES = 120;
