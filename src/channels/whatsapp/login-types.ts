/** The shapes of a WhatsApp login (`login.ts`) that the RPC, the CLI and tests read. */

export type WhatsAppLoginStatus = "connecting" | "qr" | "code" | "pairing" | "linked" | "failed" | "timeout";

/** Statuses a login never leaves. */
export const LOGIN_ENDED: ReadonlySet<WhatsAppLoginStatus> = new Set(["linked", "failed", "timeout"]);

export interface WhatsAppLoginSnapshot {
  sessionKey: string;
  accountId: string;
  mode: "qr" | "pairing-code";
  status: WhatsAppLoginStatus;
  /** The latest QR payload, the text a terminal renders; gone once scanned or ended. */
  qr?: string;
  /** How many QRs this attempt has shown; the latest is `qr`. */
  qrCount: number;
  /** The 8-character pairing code to type on the phone. */
  code?: string;
  /** Why the attempt failed or timed out. */
  error?: string;
  /** The linked number (E.164), once linked. */
  phone?: string;
  /** What the commit step wants the user to know (e.g. the account is not in the config yet). */
  note?: string;
  startedAt: number;
  /** When the attempt gives up unless linked. */
  expiresAt: number;
  endedAt?: number;
  /** Grows with every change; `waitFor` callers compare it. */
  version: number;
}
