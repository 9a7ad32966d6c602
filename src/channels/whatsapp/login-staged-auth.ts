/**
 * The auth state a link attempt runs on: fresh creds and an in-memory key store. A login never
 * writes into the account's store while it runs, so an attempt that times out, is cancelled,
 * fails or dies with the process leaves the account exactly as it was: no half-linked creds
 * (a pairing code sets `creds.me` before anyone typed it in) and no orphaned keys. Once the
 * device is linked, `login-commit.ts` copies all of it into the account's store in one go.
 */
import type { AuthenticationCreds, AuthenticationState, SignalDataSet, SignalDataTypeMap } from "@whiskeysockets/baileys";

type KeyType = keyof SignalDataTypeMap;

/** What a link attempt produced, ready to be committed. */
export interface StagedAuth {
  /** Handed to the socket; Baileys mutates `creds` in place and writes keys through `keys`. */
  readonly state: AuthenticationState;
  /** Every key Baileys stored, as one `keys.set` mutation (nothing to delete: the store started empty). */
  keys(): SignalDataSet;
  /** `creds.me.id` once WhatsApp paired the device (a pairing-code request sets it earlier). */
  readonly me: AuthenticationCreds["me"];
}

/** Builds a staged state over `creds` (default: brand-new creds from Baileys, imported on demand). */
export async function createStagedAuth(creds?: AuthenticationCreds): Promise<StagedAuth> {
  const initial = creds ?? (await import("@whiskeysockets/baileys")).initAuthCreds();
  const store = new Map<KeyType, Map<string, unknown>>();
  const state: AuthenticationState = {
    creds: initial,
    keys: {
      get: (type, ids) => {
        const found: Record<string, any> = {};
        const ofType = store.get(type);
        for (const id of ids) {
          const value = ofType?.get(id);
          if (value !== undefined) found[id] = value;
        }
        return found;
      },
      set: (data) => {
        for (const [type, entries] of Object.entries(data) as [KeyType, Record<string, unknown> | undefined][]) {
          if (!entries) continue;
          let ofType = store.get(type);
          if (!ofType) store.set(type, (ofType = new Map()));
          for (const [id, value] of Object.entries(entries)) {
            if (value === null || value === undefined) ofType.delete(id);
            else ofType.set(id, value);
          }
        }
      },
      clear: () => store.clear(),
    },
  };
  return {
    state,
    keys: () => {
      const set: Record<string, Record<string, unknown>> = {};
      for (const [type, entries] of store) if (entries.size > 0) set[type] = Object.fromEntries(entries);
      return set as SignalDataSet;
    },
    get me() {
      return state.creds.me;
    },
  };
}
