/**
 * Reads the reference gateway's `devices/paired.json` (protocol.md §3.8: a map deviceId →
 * record with per-role `tokens`) into our device store, so paired clients keep their tokens.
 */
import { readFile } from "node:fs/promises";
import type { Database } from "bun:sqlite";
import { base64UrlEncode, decodePublicKey, deviceIdFor } from "../crypto/ed25519.ts";
import { DeviceStore, type DeviceToken, type PairedDevice } from "../store/devices.ts";

export interface DeviceImport {
  /** The file did not exist. */
  missing: boolean;
  devices: number;
  tokens: number;
  /** `<deviceId>: <reason>` for records that could not be imported. */
  skipped: string[];
}

type Loose = Record<string, unknown>;

const str = (value: unknown): string | null => (typeof value === "string" && value !== "" ? value : null);
const num = (value: unknown): number | null => (typeof value === "number" && Number.isFinite(value) ? value : null);
const strings = (value: unknown): string[] | null => (Array.isArray(value) && value.every((v) => typeof v === "string") ? value : null);
const isObject = (value: unknown): value is Loose => value !== null && typeof value === "object" && !Array.isArray(value);

/** One reference record → our device row and its tokens; throws with the reason when unusable. */
export function convertDevice(record: Loose, now: number): { device: PairedDevice; tokens: DeviceToken[] } {
  const deviceId = str(record.deviceId);
  const rawKey = str(record.publicKey);
  if (!deviceId) throw new Error("no deviceId");
  if (!rawKey) throw new Error("no publicKey");
  // Stored as the gateway compares keys at connect time: base64url of the raw 32 bytes.
  const decoded = decodePublicKey(rawKey);
  if (!decoded) throw new Error("publicKey is not an Ed25519 key");
  if (deviceIdFor(decoded) !== deviceId.toLowerCase()) throw new Error("deviceId is not the hash of its publicKey");
  const publicKey = base64UrlEncode(decoded);
  const scopes = strings(record.approvedScopes) ?? strings(record.scopes) ?? [];
  const createdAtMs = num(record.createdAtMs) ?? now;
  const tokens: DeviceToken[] = [];
  for (const [key, raw] of Object.entries(isObject(record.tokens) ? record.tokens : {})) {
    if (!isObject(raw) || !str(raw.token)) continue;
    tokens.push({
      deviceId,
      role: str(raw.role) ?? key,
      token: raw.token as string,
      scopes: strings(raw.scopes) ?? scopes,
      createdAtMs: num(raw.createdAtMs) ?? createdAtMs,
      rotatedAtMs: num(raw.rotatedAtMs),
      revokedAtMs: num(raw.revokedAtMs),
      lastUsedAtMs: num(raw.lastUsedAtMs),
    });
  }
  // A token for a role means the role was granted, even when an older record lacks `roles`.
  const roles = [...new Set([...(strings(record.roles) ?? []), ...(str(record.role) ? [record.role as string] : []), ...tokens.map((t) => t.role)])];
  const lastUsed = tokens.map((t) => t.lastUsedAtMs ?? 0).reduce((a, b) => Math.max(a, b), 0);
  const device: PairedDevice = {
    deviceId,
    publicKey,
    displayName: str(record.displayName),
    platform: str(record.platform),
    deviceFamily: str(record.deviceFamily),
    clientId: str(record.clientId),
    clientMode: str(record.clientMode),
    roles,
    scopes,
    remoteIp: str(record.remoteIp),
    createdAtMs,
    approvedAtMs: num(record.approvedAtMs) ?? createdAtMs,
    lastSeenAtMs: lastUsed > 0 ? lastUsed : null,
  };
  return { device, tokens };
}

/** Each device with its tokens is one transaction: a bad record is skipped, the rest still land. */
export async function importDevices(path: string, db: Database, now = Date.now()): Promise<DeviceImport> {
  const store = new DeviceStore(db);
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch {
    return { missing: true, devices: 0, tokens: 0, skipped: [] };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return { missing: false, devices: 0, tokens: 0, skipped: [`${path}: not valid JSON (${(error as Error).message})`] };
  }
  const records = Array.isArray(parsed) ? parsed : isObject(parsed) ? Object.values(parsed) : [];
  const result: DeviceImport = { missing: false, devices: 0, tokens: 0, skipped: [] };
  for (const record of records) {
    const label = isObject(record) ? (str(record.deviceId) ?? "(no deviceId)") : "(not an object)";
    try {
      if (!isObject(record)) throw new Error("not an object");
      const { device, tokens } = convertDevice(record, now);
      db.transaction(() => {
        store.save(device);
        for (const token of tokens) store.saveToken(token);
      })();
      result.devices++;
      result.tokens += tokens.length;
    } catch (error) {
      result.skipped.push(`${label}: ${(error as Error).message}`);
    }
  }
  return result;
}
