/**
 * What the page signs in with, by how long it lives:
 * - the one-time bootstrap code from `openclaw dashboard` (in memory only; taken out of the URL
 *   before anything else runs, so it is not left in history or copied with the address),
 * - a gateway token pasted by hand (sessionStorage: this tab only),
 * - the device token the gateway issued to this browser's key (IndexedDB, survives reloads).
 */
import { idbDelete, idbGet, idbSet } from "./idb.ts";

const TOKEN_KEY = "openclaw.gatewayToken";
const deviceTokenKey = () => `device-token:${location.origin}${location.pathname}`;

/** Removes `#bootstrap=<code>` from the address and returns the code (null when absent). */
export function takeBootstrapCode(): string | null {
  const match = /^#bootstrap=([A-Za-z0-9_-]{16,512})$/.exec(location.hash);
  if (!location.hash.startsWith("#bootstrap=")) return null;
  history.replaceState(null, "", `${location.pathname}${location.search}#/overview`);
  return match ? match[1]! : null;
}

export function pastedToken(): string | null {
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

export function setPastedToken(token: string | null): void {
  try {
    if (token) sessionStorage.setItem(TOKEN_KEY, token);
    else sessionStorage.removeItem(TOKEN_KEY);
  } catch {
    // Storage refused (private mode): the token still works for this connection.
  }
}

export async function storedDeviceToken(): Promise<string | null> {
  try {
    return (await idbGet<string>(deviceTokenKey())) ?? null;
  } catch {
    return null;
  }
}

export async function storeDeviceToken(token: string | null): Promise<void> {
  try {
    if (token) await idbSet(deviceTokenKey(), token);
    else await idbDelete(deviceTokenKey());
  } catch {
    // Without storage the next reload asks again; nothing else breaks.
  }
}
