/**
 * DM pairing codes (channels-and-models.md §3.4): 8 characters a person reads off a chat and
 * types into `openclaw pairing approve`, so the alphabet leaves out 0/O and 1/I.
 */
import { randomInt } from "node:crypto";

export const PAIRING_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
export const PAIRING_CODE_LENGTH = 8;

/**
 * 32^8 codes make a clash with the few pending ones (at most 3 per account) all but
 * impossible; the bound only stops a broken random source from looping forever.
 */
const MAX_ATTEMPTS = 100;

/** No free code was found: the random source keeps repeating codes that are taken. */
export class PairingCodeError extends Error {
  override name = "PairingCodeError";
}

export interface PairingCodeOptions {
  /** Whether a code is already used by a pending request. */
  taken: (code: string) => boolean;
  /** A uniform integer in `[0, max)`. Default `crypto.randomInt` (tests pass a fixed sequence). */
  random?: (max: number) => number;
}

/** A fresh code that `taken` does not know. Throws PairingCodeError when none is found. */
export function generatePairingCode(options: PairingCodeOptions): string {
  const random = options.random ?? randomInt;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    let code = "";
    for (let i = 0; i < PAIRING_CODE_LENGTH; i++) code += PAIRING_CODE_ALPHABET[random(PAIRING_CODE_ALPHABET.length)];
    if (!options.taken(code)) return code;
  }
  throw new PairingCodeError(`no free pairing code after ${MAX_ATTEMPTS} attempts`);
}

/** A code as the owner typed it (lower case, spaces around it) in the form it was issued. */
export function normalizePairingCode(input: string): string {
  return input.trim().toUpperCase();
}

const CODE_PATTERN = new RegExp(`^[${PAIRING_CODE_ALPHABET}]{${PAIRING_CODE_LENGTH}}$`);

/** Whether `code` (already normalised) could have been issued; lets the CLI refuse typos before asking the gateway. */
export function isPairingCode(code: string): boolean {
  return CODE_PATTERN.test(code);
}
