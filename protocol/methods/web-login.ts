/**
 * Linking a WhatsApp account as a device through the gateway, which owns the socket and the
 * credential store (user-needs B5). `web.login.start` begins an attempt (or returns the one
 * running for the account) and answers once it has a QR or pairing code to show;
 * `web.login.wait` returns as soon as something the caller has not seen happens (a rotated QR,
 * the phone accepting, the end) or after its `timeoutMs`. Both answer with the attempt as it
 * stands, so a client loops on `wait` until `status` is `linked`, `failed` or `timeout`.
 * `web.login.cancel` (this gateway's addition) ends an attempt the person gave up on (Ctrl-C in
 * `channels login`, a closed QR panel) at once instead of at its deadline.
 *
 * Names follow the reference (`channel`, `accountId`, `force`, `timeoutMs`, `sessionKey`,
 * `currentQrDataUrl` in; `connected`, `message`, `qrDataUrl`, `sessionKey` out); `qr`, `code`,
 * `status`, `version` and `pairingCode` are this gateway's additions.
 */
import { method } from "../method-record.ts";
import { t, type Static } from "../schema-builder.ts";
import { Scopes } from "../scopes.ts";

const channelParam = t.optional(t.string({ minLength: 1, maxLength: 64, description: "Only `whatsapp` (the default) links this way." }));
const accountParam = t.optional(t.string({ minLength: 1, maxLength: 128, description: "Default: the channel's default account." }));

export const WebLoginStartParams = t.object({
  channel: channelParam,
  accountId: accountParam,
  /** Link again although the account is linked (its current link keeps working until the new one is saved), or replace a running attempt. */
  force: t.optional(t.boolean()),
  /** How long to wait for the first QR or pairing code before answering. Default 30 000 ms. */
  timeoutMs: t.optional(t.integer({ minimum: 0, maximum: 120_000 })),
  /** Accepted for compatibility; the gateway log has the details. */
  verbose: t.optional(t.boolean()),
  /** Link with an 8-character code typed on the phone (WhatsApp → Linked devices → Link with phone number) instead of a QR. */
  pairingCode: t.optional(t.object({ phone: t.string({ minLength: 1, maxLength: 32, description: "The account's number, E.164 (+15551234567)." }) })),
  /** How long the attempt may take before it ends as `timeout`. Default 180 000 ms. */
  linkTimeoutMs: t.optional(t.integer({ minimum: 10_000, maximum: 600_000 })),
});
export type WebLoginStartParams = Static<typeof WebLoginStartParams>;

export const WebLoginWaitParams = t.object({
  channel: channelParam,
  accountId: accountParam,
  /** From `web.login.start`; default: the account's latest attempt. */
  sessionKey: t.optional(t.string({ minLength: 1, maxLength: 128 })),
  /** How long to wait for something new. Default 30 000 ms. */
  timeoutMs: t.optional(t.integer({ minimum: 0, maximum: 120_000 })),
  /** The QR the caller shows now: answer at once if it is stale (the reference's way of asking). */
  currentQrDataUrl: t.optional(t.string({ maxLength: 16_384 })),
  /** The `version` the caller saw last: answer once anything changed after it. */
  afterVersion: t.optional(t.integer({ minimum: 0 })),
});
export type WebLoginWaitParams = Static<typeof WebLoginWaitParams>;

export const WebLoginCancelParams = t.object({
  channel: channelParam,
  accountId: accountParam,
  /** From `web.login.start`; default: the account's running attempt. */
  sessionKey: t.optional(t.string({ minLength: 1, maxLength: 128 })),
});
export type WebLoginCancelParams = Static<typeof WebLoginCancelParams>;

const WebLoginStatus = t.enum(["connecting", "qr", "code", "pairing", "linked", "failed", "timeout"]);

export const WebLoginResult = t.object({
  channel: t.string(),
  accountId: t.string(),
  /** The attempt's handle for `web.login.wait`; absent when nothing was started (already linked). */
  sessionKey: t.optional(t.string()),
  /** `linked`, `failed` and `timeout` are final. */
  status: WebLoginStatus,
  /** The account is linked (status `linked`). */
  connected: t.boolean(),
  /** What to tell the person, in one sentence. */
  message: t.string(),
  mode: t.optional(t.enum(["qr", "pairing-code"])),
  /** The latest QR payload, the text a terminal renders; each rotation replaces it. */
  qr: t.optional(t.string()),
  /** The same QR as a PNG data URL. */
  qrDataUrl: t.optional(t.string()),
  /** How many QRs the attempt has shown; the latest is `qr`. */
  qrCount: t.optional(t.integer({ minimum: 0 })),
  /** The 8-character pairing code. */
  code: t.optional(t.string()),
  /** Why the attempt failed or timed out. */
  error: t.optional(t.string()),
  /** The linked number (E.164). */
  phone: t.optional(t.string()),
  /** When the attempt gives up unless linked (ms since the epoch). */
  expiresAt: t.optional(t.integer()),
  /** Grows with every change; pass it back as `afterVersion`. */
  version: t.optional(t.integer({ minimum: 0 })),
  /** `web.login.start` returned an attempt that was already running. */
  reused: t.optional(t.boolean()),
});
export type WebLoginResult = Static<typeof WebLoginResult>;

export const webLoginMethods = {
  "web.login.start": method({ params: WebLoginStartParams, result: WebLoginResult, scope: Scopes.ADMIN }),
  "web.login.wait": method({ params: WebLoginWaitParams, result: WebLoginResult, scope: Scopes.ADMIN }),
  /** Ends a running attempt as `failed` (nothing is linked, no creds are kept); an ended one is returned as it ended. */
  "web.login.cancel": method({ params: WebLoginCancelParams, result: WebLoginResult, scope: Scopes.ADMIN, idempotent: true }),
};
