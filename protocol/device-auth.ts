/**
 * The string a device signs in `connect` (protocol.md §3.6). Fields are joined with `|`,
 * scopes with `,`, a missing token is the empty string; v3 adds the lowercased platform and
 * device family.
 */
export type DeviceAuthVersion = "v1" | "v2" | "v3";

export interface DeviceAuthFields {
  deviceId: string;
  clientId: string;
  clientMode: string;
  role: string;
  scopes: readonly string[];
  signedAtMs: number;
  /** Exactly the `auth.token` the client sends (empty when none). */
  token: string;
  nonce?: string;
  platform?: string;
  deviceFamily?: string;
}

const normalise = (value: string | undefined) => (value ?? "").trim().toLowerCase();

export function buildDeviceAuthPayload(version: DeviceAuthVersion, f: DeviceAuthFields): string {
  const base = [version, f.deviceId, f.clientId, f.clientMode, f.role, f.scopes.join(","), String(f.signedAtMs), f.token];
  if (version === "v1") return base.join("|");
  base.push(f.nonce ?? "");
  if (version === "v2") return base.join("|");
  base.push(normalise(f.platform), normalise(f.deviceFamily));
  return base.join("|");
}
