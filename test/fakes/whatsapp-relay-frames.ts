/** The JSON frames between the WhatsApp relay (test side) and the relay socket (gateway process). */
import type { Contact } from "@whiskeysockets/baileys";

/** Relay → socket. */
export type RelayFrame =
  | { t: "ev"; event: string; arg: unknown }
  | { t: "user"; user: Contact }
  | { t: "ret"; id: number; value: unknown }
  | { t: "err"; id: number; statusCode: number; message: string }
  | { t: "pong" };

/** Socket → relay. */
export type RelayCall = { t: "call"; id: number; method: string; args: unknown[] } | { t: "ping" };
