/**
 * What a closed WhatsApp socket means and what to do about it (channels-and-models.md §1.5,
 * user-needs B3). Three answers only:
 *   restart — open a new socket now (515 after pairing, our own sleep/wake reconnect);
 *   retry   — `run` rejects with a retryable error and the manager backs off (forever, capped);
 *   fatal   — `run` rejects with `ChannelFatalError` and the account stays stopped until a
 *             person acts; the message says what to do. Credentials are never deleted here.
 * A status that only came from the WebSocket handshake (a proxy or captive portal answering
 * 401/403 to the upgrade) is a network problem, never "logged out" or "banned".
 */

export const LOGIN_HINT = "run `openclaw channels login --channel whatsapp` to link it again";

export type CloseAction =
  | { kind: "restart"; reason: string; statusCode?: number }
  | { kind: "retry"; reason: string; statusCode?: number }
  | { kind: "fatal"; reason: string; statusCode: number; loggedOut: boolean };

/** Baileys' `DisconnectReason` values we act on. */
export const CloseCode = {
  loggedOut: 401,
  forbidden: 403,
  connectionLost: 408,
  multideviceMismatch: 411,
  sessionInvalid: 419,
  connectionClosed: 428,
  connectionReplaced: 440,
  badSession: 500,
  unavailableService: 503,
  restartRequired: 515,
} as const;

/** The status of a Baileys close error (`Boom.output.statusCode`), or undefined for a plain error. */
export function statusCodeOf(error: unknown): number | undefined {
  if (!error || typeof error !== "object") return undefined;
  const boom = error as { output?: { statusCode?: unknown }; statusCode?: unknown };
  const code = boom.output?.statusCode ?? boom.statusCode;
  return typeof code === "number" && Number.isFinite(code) ? code : undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : error === undefined ? "" : String(error);
}

/** Baileys wraps every `ws` error as "WebSocket Error (…)", with the upgrade's HTTP status as its code. */
function fromHandshake(error: unknown): boolean {
  return /^WebSocket Error\b/.test(messageOf(error));
}

const FATAL: Record<number, { reason: string; loggedOut: boolean }> = {
  [CloseCode.loggedOut]: { reason: `WhatsApp logged this device out (401): ${LOGIN_HINT}`, loggedOut: true },
  [CloseCode.forbidden]: {
    reason: `WhatsApp refused this account (403: banned or restricted): check WhatsApp on the phone, then ${LOGIN_HINT}`,
    loggedOut: true,
  },
  [CloseCode.multideviceMismatch]: {
    reason: `WhatsApp reports a multi-device mismatch (411): update WhatsApp on the phone, then ${LOGIN_HINT}`,
    loggedOut: true,
  },
  [CloseCode.sessionInvalid]: { reason: `WhatsApp no longer accepts this session (419): ${LOGIN_HINT}`, loggedOut: true },
  [CloseCode.connectionReplaced]: {
    reason:
      "another device/gateway took over this WhatsApp session (440): stop the other gateway or tool using these credentials, then restart this account (reconnecting on our own would evict it in turn)",
    loggedOut: false,
  },
};

const RETRY_REASONS: Record<number, string> = {
  [CloseCode.connectionLost]: "the connection to WhatsApp was lost or timed out (408)",
  [CloseCode.connectionClosed]: "WhatsApp closed the connection (428)",
  [CloseCode.badSession]: "WhatsApp reported a bad session (500)",
  [CloseCode.unavailableService]: "WhatsApp is unavailable (503)",
  // WhatsApp answers 405 to a client version it no longer accepts.
  405: "WhatsApp refused this client version (405); setting channels.whatsapp.fetchLatestVersion: true may help",
};

/** The action for a close error as Baileys reports it in `connection.update.lastDisconnect.error`. */
export function closeAction(error: unknown): CloseAction {
  const statusCode = statusCodeOf(error);
  const detail = messageOf(error);
  if (statusCode === CloseCode.restartRequired) return { kind: "restart", reason: "WhatsApp asked for a restart (515)", statusCode };
  if (fromHandshake(error)) {
    return { kind: "retry", reason: `cannot reach WhatsApp: ${detail}`, ...(statusCode === undefined ? {} : { statusCode }) };
  }
  if (statusCode !== undefined) {
    const fatal = FATAL[statusCode];
    if (fatal) return { kind: "fatal", statusCode, ...fatal };
    const reason = RETRY_REASONS[statusCode] ?? `the WhatsApp connection closed (${statusCode}${detail ? `: ${detail}` : ""})`;
    return { kind: "retry", reason, statusCode };
  }
  // No status: a network error (DNS, refused, reset) or something we did not expect. Both heal by retrying.
  return { kind: "retry", reason: detail ? `the WhatsApp connection failed: ${detail}` : "the WhatsApp connection closed" };
}
