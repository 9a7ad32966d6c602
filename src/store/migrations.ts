/**
 * Versioned schema migrations, applied in order inside one transaction each. Append new
 * entries; never edit one that has shipped. `PRAGMA user_version` records the last applied.
 */
export const migrations: readonly string[] = [
  // 1: paired devices, their per-role tokens, and pending pairing requests.
  `
  CREATE TABLE devices (
    device_id       TEXT PRIMARY KEY,
    public_key      TEXT NOT NULL,
    display_name    TEXT,
    platform        TEXT,
    device_family   TEXT,
    client_id       TEXT,
    client_mode     TEXT,
    roles           TEXT NOT NULL,
    scopes          TEXT NOT NULL,
    remote_ip       TEXT,
    created_at_ms   INTEGER NOT NULL,
    approved_at_ms  INTEGER NOT NULL,
    last_seen_at_ms INTEGER
  );
  CREATE TABLE device_tokens (
    device_id       TEXT NOT NULL REFERENCES devices(device_id) ON DELETE CASCADE,
    role            TEXT NOT NULL,
    token           TEXT NOT NULL UNIQUE,
    scopes          TEXT NOT NULL,
    created_at_ms   INTEGER NOT NULL,
    rotated_at_ms   INTEGER,
    revoked_at_ms   INTEGER,
    last_used_at_ms INTEGER,
    PRIMARY KEY (device_id, role)
  );
  CREATE TABLE device_pairing_requests (
    request_id     TEXT PRIMARY KEY,
    device_id      TEXT NOT NULL,
    public_key     TEXT NOT NULL,
    display_name   TEXT,
    platform       TEXT,
    client_id      TEXT,
    client_mode    TEXT,
    role           TEXT NOT NULL,
    scopes         TEXT NOT NULL,
    remote_ip      TEXT,
    reason         TEXT NOT NULL,
    created_at_ms  INTEGER NOT NULL
  );
  CREATE INDEX device_pairing_requests_device ON device_pairing_requests(device_id);
  `,
  // 2: paired nodes, node pairing requests, and completed side-effecting requests (idempotency).
  `
  CREATE TABLE nodes (
    node_id              TEXT PRIMARY KEY,
    token                TEXT NOT NULL UNIQUE,
    info                 TEXT NOT NULL,
    created_at_ms        INTEGER NOT NULL,
    approved_at_ms       INTEGER NOT NULL,
    last_connected_at_ms INTEGER
  );
  CREATE TABLE node_pairing_requests (
    request_id    TEXT PRIMARY KEY,
    node_id       TEXT NOT NULL,
    info          TEXT NOT NULL,
    is_repair     INTEGER NOT NULL,
    created_at_ms INTEGER NOT NULL
  );
  CREATE INDEX node_pairing_requests_node ON node_pairing_requests(node_id);
  CREATE TABLE idempotency (
    key           TEXT PRIMARY KEY,
    outcome       TEXT NOT NULL,
    created_at_ms INTEGER NOT NULL
  );
  CREATE INDEX idempotency_created ON idempotency(created_at_ms);
  `,
];
