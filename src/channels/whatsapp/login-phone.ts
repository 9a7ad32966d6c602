/**
 * The phone number a pairing code is requested for. Baileys wants the digits with the country
 * code and nothing else; people type `+1 (555) 123-4567`. A number that is not 7–15 digits
 * (E.164) is refused before a socket is opened, because WhatsApp answers a bad number only with
 * a code that never works.
 */
import { normalizeE164 } from "./jid.ts";
import { WhatsAppLoginError } from "./login-errors.ts";

/** `"+1 (555) 123-4567"` → `"15551234567"`; throws `WhatsAppLoginError("invalid_phone")`. */
export function pairingPhoneDigits(input: string): string {
  const e164 = normalizeE164(input);
  if (!e164 || !/^\+[1-9]\d{6,14}$/.test(e164)) {
    throw new WhatsAppLoginError("invalid_phone", `not a phone number in international format: ${JSON.stringify(input)} (use E.164, e.g. +15551234567)`);
  }
  return e164.slice(1);
}
