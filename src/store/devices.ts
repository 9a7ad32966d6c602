/** Typed access to paired devices, their per-role tokens and pending pairing requests. */
import type { Database } from "bun:sqlite";

export interface PairedDevice {
  deviceId: string;
  publicKey: string;
  displayName: string | null;
  platform: string | null;
  deviceFamily: string | null;
  clientId: string | null;
  clientMode: string | null;
  roles: string[];
  scopes: string[];
  remoteIp: string | null;
  createdAtMs: number;
  approvedAtMs: number;
  lastSeenAtMs: number | null;
}

export interface DeviceToken {
  deviceId: string;
  role: string;
  token: string;
  scopes: string[];
  createdAtMs: number;
  rotatedAtMs: number | null;
  revokedAtMs: number | null;
  lastUsedAtMs: number | null;
}

export interface PairingRequest {
  requestId: string;
  deviceId: string;
  publicKey: string;
  displayName: string | null;
  platform: string | null;
  clientId: string | null;
  clientMode: string | null;
  role: string;
  scopes: string[];
  remoteIp: string | null;
  /** `not-paired`, `role-upgrade`, `scope-upgrade`, `key-change`. */
  reason: string;
  createdAtMs: number;
}

type Row = Record<string, string | number | null>;

const json = (value: unknown) => JSON.stringify(value);
const list = (value: unknown): string[] => (typeof value === "string" ? (JSON.parse(value) as string[]) : []);

function toDevice(row: Row): PairedDevice {
  return {
    deviceId: row.device_id as string,
    publicKey: row.public_key as string,
    displayName: row.display_name as string | null,
    platform: row.platform as string | null,
    deviceFamily: row.device_family as string | null,
    clientId: row.client_id as string | null,
    clientMode: row.client_mode as string | null,
    roles: list(row.roles),
    scopes: list(row.scopes),
    remoteIp: row.remote_ip as string | null,
    createdAtMs: row.created_at_ms as number,
    approvedAtMs: row.approved_at_ms as number,
    lastSeenAtMs: row.last_seen_at_ms as number | null,
  };
}

function toToken(row: Row): DeviceToken {
  return {
    deviceId: row.device_id as string,
    role: row.role as string,
    token: row.token as string,
    scopes: list(row.scopes),
    createdAtMs: row.created_at_ms as number,
    rotatedAtMs: row.rotated_at_ms as number | null,
    revokedAtMs: row.revoked_at_ms as number | null,
    lastUsedAtMs: row.last_used_at_ms as number | null,
  };
}

function toRequest(row: Row): PairingRequest {
  return {
    requestId: row.request_id as string,
    deviceId: row.device_id as string,
    publicKey: row.public_key as string,
    displayName: row.display_name as string | null,
    platform: row.platform as string | null,
    clientId: row.client_id as string | null,
    clientMode: row.client_mode as string | null,
    role: row.role as string,
    scopes: list(row.scopes),
    remoteIp: row.remote_ip as string | null,
    reason: row.reason as string,
    createdAtMs: row.created_at_ms as number,
  };
}

export class DeviceStore {
  constructor(private readonly db: Database) {}

  get(deviceId: string): PairedDevice | null {
    const row = this.db.query<Row, [string]>("SELECT * FROM devices WHERE device_id = ?").get(deviceId);
    return row ? toDevice(row) : null;
  }

  list(): PairedDevice[] {
    return this.db.query<Row, []>("SELECT * FROM devices ORDER BY approved_at_ms").all().map(toDevice);
  }

  /** Inserts or replaces a paired device record. */
  save(device: PairedDevice): void {
    this.db
      .query(
        `INSERT INTO devices (device_id, public_key, display_name, platform, device_family, client_id, client_mode,
           roles, scopes, remote_ip, created_at_ms, approved_at_ms, last_seen_at_ms)
         VALUES ($deviceId, $publicKey, $displayName, $platform, $deviceFamily, $clientId, $clientMode,
           $roles, $scopes, $remoteIp, $createdAtMs, $approvedAtMs, $lastSeenAtMs)
         ON CONFLICT(device_id) DO UPDATE SET public_key = excluded.public_key, display_name = excluded.display_name,
           platform = excluded.platform, device_family = excluded.device_family, client_id = excluded.client_id,
           client_mode = excluded.client_mode, roles = excluded.roles, scopes = excluded.scopes,
           remote_ip = excluded.remote_ip, approved_at_ms = excluded.approved_at_ms, last_seen_at_ms = excluded.last_seen_at_ms`,
      )
      .run({ ...device, roles: json(device.roles), scopes: json(device.scopes) });
  }

  touch(deviceId: string, atMs: number): void {
    this.db.query("UPDATE devices SET last_seen_at_ms = ? WHERE device_id = ?").run(atMs, deviceId);
  }

  remove(deviceId: string): boolean {
    return this.db.query("DELETE FROM devices WHERE device_id = ?").run(deviceId).changes > 0;
  }

  tokenFor(deviceId: string, role: string): DeviceToken | null {
    const row = this.db.query<Row, [string, string]>("SELECT * FROM device_tokens WHERE device_id = ? AND role = ?").get(deviceId, role);
    return row ? toToken(row) : null;
  }

  /** Stores a new token for (device, role), replacing any earlier one. */
  saveToken(token: DeviceToken): void {
    this.db
      .query(
        `INSERT INTO device_tokens (device_id, role, token, scopes, created_at_ms, rotated_at_ms, revoked_at_ms, last_used_at_ms)
         VALUES ($deviceId, $role, $token, $scopes, $createdAtMs, $rotatedAtMs, $revokedAtMs, $lastUsedAtMs)
         ON CONFLICT(device_id, role) DO UPDATE SET token = excluded.token, scopes = excluded.scopes,
           rotated_at_ms = excluded.rotated_at_ms, revoked_at_ms = excluded.revoked_at_ms`,
      )
      .run({ ...token, scopes: json(token.scopes) });
  }

  tokensFor(deviceId: string): DeviceToken[] {
    return this.db.query<Row, [string]>("SELECT * FROM device_tokens WHERE device_id = ? ORDER BY role").all(deviceId).map(toToken);
  }

  revokeToken(deviceId: string, role: string, atMs: number): boolean {
    return this.db.query("UPDATE device_tokens SET revoked_at_ms = ? WHERE device_id = ? AND role = ? AND revoked_at_ms IS NULL").run(atMs, deviceId, role).changes > 0;
  }

  markTokenUsed(deviceId: string, role: string, atMs: number): void {
    this.db.query("UPDATE device_tokens SET last_used_at_ms = ? WHERE device_id = ? AND role = ?").run(atMs, deviceId, role);
  }

  addRequest(request: PairingRequest): void {
    this.db
      .query(
        `INSERT INTO device_pairing_requests (request_id, device_id, public_key, display_name, platform, client_id,
           client_mode, role, scopes, remote_ip, reason, created_at_ms)
         VALUES ($requestId, $deviceId, $publicKey, $displayName, $platform, $clientId, $clientMode, $role, $scopes,
           $remoteIp, $reason, $createdAtMs)`,
      )
      .run({ ...request, scopes: json(request.scopes) });
  }

  /** The newest pending request of a device that is younger than `sinceMs`. */
  pendingRequestFor(deviceId: string, sinceMs: number): PairingRequest | null {
    const row = this.db
      .query<Row, [string, number]>(
        "SELECT * FROM device_pairing_requests WHERE device_id = ? AND created_at_ms >= ? ORDER BY created_at_ms DESC LIMIT 1",
      )
      .get(deviceId, sinceMs);
    return row ? toRequest(row) : null;
  }

  request(requestId: string): PairingRequest | null {
    const row = this.db.query<Row, [string]>("SELECT * FROM device_pairing_requests WHERE request_id = ?").get(requestId);
    return row ? toRequest(row) : null;
  }

  deleteRequestsFor(deviceId: string): void {
    this.db.query("DELETE FROM device_pairing_requests WHERE device_id = ?").run(deviceId);
  }

  listRequests(sinceMs: number): PairingRequest[] {
    return this.db
      .query<Row, [number]>("SELECT * FROM device_pairing_requests WHERE created_at_ms >= ? ORDER BY created_at_ms DESC")
      .all(sinceMs)
      .map(toRequest);
  }

  deleteRequest(requestId: string): void {
    this.db.query("DELETE FROM device_pairing_requests WHERE request_id = ?").run(requestId);
  }

  pruneRequests(olderThanMs: number): void {
    this.db.query("DELETE FROM device_pairing_requests WHERE created_at_ms < ?").run(olderThanMs);
  }
}
