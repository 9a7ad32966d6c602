/**
 * The WhatsApp channel's errors: what `run` rejects with (the manager retries these with
 * backoff; `ChannelFatalError` it does not), and how a failed send maps onto
 * `ChannelSendError` kinds.
 */
import { ChannelSendError } from "../types.ts";
import { statusCodeOf } from "./close-codes.ts";

export const NOT_LINKED = "configured, not linked: run openclaw channels login --channel whatsapp";

/** The connection failed in a way that heals by reconnecting later (network, DNS, 408/428/5xx). */
export class WhatsAppConnectionError extends Error {
  override name = "WhatsAppConnectionError";
  readonly statusCode: number | undefined;

  constructor(message: string, statusCode?: number) {
    super(message);
    this.statusCode = statusCode;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * A failed `sendMessage` as a send error. Closed or timed-out sockets and WhatsApp's 5xx and
 * 429 are worth retrying; a 4xx about the message or chat (bad JID, not on WhatsApp, too
 * large) is not. Anything we do not recognise is retried: the outbox caps the attempts.
 */
export function toSendError(error: unknown): ChannelSendError {
  if (error instanceof ChannelSendError) return error;
  const status = statusCodeOf(error);
  const message = messageOf(error);
  if (status === 429) return new ChannelSendError(`WhatsApp rate-limited the send (429): ${message}`, { kind: "transient", retryAfterMs: 60_000 });
  if (status === 401 || status === 403) return new ChannelSendError(`WhatsApp refused the send (${status}): ${message}`, { kind: "not_linked" });
  if (status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 428) {
    return new ChannelSendError(`WhatsApp refused the message (${status}): ${message}`, { kind: "refused" });
  }
  return new ChannelSendError(`WhatsApp send failed: ${message}`, { kind: "transient" });
}
