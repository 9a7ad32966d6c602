/**
 * What a closed login socket means for the attempt. The adapter's table (`close-codes.ts`)
 * decides for a linked account; a link attempt differs in three ways: 515 (and, once the phone
 * has accepted the device, a dropped connection) means "reopen now with the staged creds", up
 * to a few times; 408 after a QR was offered and before anyone scanned is the QR references
 * running out, i.e. a timeout;
 * and a refusal (401/403/411/419) means the phone or WhatsApp turned this link down, not that a
 * linked device was logged out.
 */
import { CloseCode, closeAction, statusCodeOf } from "./close-codes.ts";

export type CloseVerdict = { action: "reopen" } | { action: "end"; status: "failed" | "timeout"; error: string };

export interface ClosedSocket {
  /** `connection.update.lastDisconnect.error`. */
  error: unknown;
  /** The phone accepted the device (`isNewLogin`) during this attempt. */
  paired: boolean;
  mode: "qr" | "pairing-code";
  /** A QR (or the code) was offered: only then is a 408 the references running out. */
  offered: boolean;
  /** Reopens left. */
  reopensLeft: number;
}

const REFUSED = new Set<number>([CloseCode.loggedOut, CloseCode.forbidden, CloseCode.multideviceMismatch, CloseCode.sessionInvalid]);

export function closeVerdict(closed: ClosedSocket): CloseVerdict {
  const status = statusCodeOf(closed.error);
  const action = closeAction(closed.error);
  const detail = `${status ?? "no status"}: ${closed.error instanceof Error ? closed.error.message : "closed"}`;
  const reopen = action.kind === "restart" || (closed.paired && action.kind === "retry");
  if (reopen && closed.reopensLeft > 0) return { action: "reopen" };
  if (reopen) return { action: "end", status: "failed", error: `WhatsApp kept closing the connection after pairing (${detail})` };
  // Before anything was offered a 408 is the network (Baileys reports a refused connect so).
  if (status === CloseCode.connectionLost && !closed.paired && closed.offered) {
    const what = closed.mode === "qr" ? "nobody scanned the QR code" : "the pairing code was not entered";
    return { action: "end", status: "timeout", error: `${what} before WhatsApp stopped offering new ones (${detail})` };
  }
  if (status !== undefined && REFUSED.has(status)) return { action: "end", status: "failed", error: `WhatsApp refused the link (${detail})` };
  if (status === CloseCode.connectionReplaced) return { action: "end", status: "failed", error: `another session took over this link (${detail})` };
  return { action: "end", status: "failed", error: action.reason };
}
