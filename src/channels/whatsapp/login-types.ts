/** The shapes of a WhatsApp login (`login.ts`): what it is built from, and what the RPC, the CLI and tests read. */
import type { Logger } from "../../log/logger.ts";
import type { Clock } from "./clock.ts";
import type { StagedAuth } from "./login-staged-auth.ts";
import type { WaSocketFactory, WaSocketOptions } from "./socket.ts";

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

export interface WhatsAppLoginOptions {
  accountId: string;
  sessionKey: string;
  socketFactory: WaSocketFactory;
  /** Everything the socket needs besides the auth (logger, browser name, a test server URL). */
  socket: Omit<WaSocketOptions, "auth">;
  /**
   * Copies the linked creds and keys into the account's store and starts the account; may
   * return a note for the user. A throw fails the login (the device is linked on the phone
   * but not saved here, and the error says so).
   */
  commit: (auth: StagedAuth) => Promise<{ note?: string } | void>;
  /** Link with a code typed on the phone: digits with country code (`pairingPhoneDigits`). Default: QR. */
  pairingPhone?: string;
  /** Give up with `timeout` after this long. Default 180 000 ms (plus `PAIRED_GRACE_MS` once paired). */
  timeoutMs?: number;
  /** Reconnects allowed after the phone accepted (the 515 restart, a dropped connection). Default 3. */
  maxReconnects?: number;
  log: Logger;
  /** Wall time for the snapshot's times, timers for the deadline and waits. Default: the system clock. */
  clock?: Clock;
}
