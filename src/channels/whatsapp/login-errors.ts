/**
 * Why a link could not start. A link that started and then went wrong is not an error: it ends
 * with status `failed` or `timeout` and says why in the login's snapshot, so every client (CLI,
 * RPC, UI) sees the same outcome.
 */
export type WhatsAppLoginErrorCode =
  /** Another login for the same account is running and this request would not reuse it. */
  | "busy"
  /** The pairing-code phone number is not an E.164 number. */
  | "invalid_phone"
  /** The account id cannot name a WhatsApp account. */
  | "invalid_account";

export class WhatsAppLoginError extends Error {
  override name = "WhatsAppLoginError";
  readonly code: WhatsAppLoginErrorCode;

  constructor(code: WhatsAppLoginErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}
