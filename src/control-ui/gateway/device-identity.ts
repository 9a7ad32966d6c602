/**
 * The browser's device identity (protocol.md §3.6): an Ed25519 key pair made by WebCrypto with
 * a non-extractable private key, kept in IndexedDB. The id is the hex SHA-256 of the raw public
 * key; signatures are base64url. WebCrypto exists only in secure contexts (https, or a page on
 * 127.0.0.1/localhost), which is why `identitySupport` is asked first.
 */
import { buildDeviceAuthPayload, type DeviceAuthFields } from "../../../protocol/device-auth.ts";
import { idbGet, idbSet } from "./idb.ts";

export interface DeviceIdentity {
  deviceId: string;
  /** base64url of the raw 32-byte key. */
  publicKey: string;
  privateKey: CryptoKey;
}

const KEY = "device-identity-v1";

export function base64Url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");

/** Why this browser cannot hold a device key; thrown by `loadIdentity`, shown as is. */
export class IdentityUnavailable extends Error {}

/**
 * null when this page may hold a device key, else why not, in words a user can act on. Cheap
 * and synchronous (no key is made), so the page renders at once; a browser without Ed25519 is
 * found out by `loadIdentity`.
 */
export function identitySupport(): string | null {
  if (!globalThis.isSecureContext || !globalThis.crypto?.subtle) {
    return (
      "This page is not a secure context, so the browser offers no WebCrypto to hold a device key. " +
      "Open the dashboard over https, or through an SSH tunnel: ssh -N -L 18789:127.0.0.1:18789 <gateway-host>, then open http://127.0.0.1:18789/."
    );
  }
  if (!globalThis.indexedDB) return "This browser has no IndexedDB (private mode?), so it cannot keep a device key. Use a normal window.";
  return null;
}

async function create(): Promise<DeviceIdentity> {
  let pair: CryptoKeyPair;
  try {
    pair = (await crypto.subtle.generateKey({ name: "Ed25519" }, false, ["sign", "verify"])) as CryptoKeyPair;
  } catch {
    throw new IdentityUnavailable("This browser's WebCrypto cannot make Ed25519 keys, so it cannot sign in. Use a current Chromium, Firefox or Safari.");
  }
  const raw = new Uint8Array(await crypto.subtle.exportKey("raw", pair.publicKey));
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", raw));
  return { deviceId: hex(digest), publicKey: base64Url(raw), privateKey: pair.privateKey };
}

let loading: Promise<DeviceIdentity> | null = null;

/** The stored identity, made and stored on first use. */
export function loadIdentity(): Promise<DeviceIdentity> {
  loading ??= (async () => {
    const stored = await idbGet<DeviceIdentity>(KEY);
    if (stored?.privateKey && stored.deviceId && stored.publicKey) return stored;
    const identity = await create();
    await idbSet(KEY, identity);
    return identity;
  })().catch((error) => {
    loading = null;
    throw error;
  });
  return loading;
}

/** The `device` block of `connect`, signed over the v3 payload. */
export async function signConnect(identity: DeviceIdentity, fields: Omit<DeviceAuthFields, "deviceId" | "signedAtMs">, signedAtMs: number) {
  const payload = buildDeviceAuthPayload("v3", { ...fields, deviceId: identity.deviceId, signedAtMs });
  const signature = new Uint8Array(await crypto.subtle.sign("Ed25519", identity.privateKey, new TextEncoder().encode(payload)));
  return { id: identity.deviceId, publicKey: identity.publicKey, signature: base64Url(signature), signedAt: signedAtMs, nonce: fields.nonce };
}
