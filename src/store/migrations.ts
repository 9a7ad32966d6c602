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
  // 3: agent sessions (one row per key) and their transcripts. `message_count` doubles as the
  // last `seq`, so appends and `messageCount` need no scan. The transcript's primary key is the
  // index that reads one conversation in order (and its newest entries with a range on seq).
  `
  CREATE TABLE sessions (
    key           TEXT PRIMARY KEY,
    agent_id      TEXT NOT NULL,
    session_id    TEXT NOT NULL UNIQUE,
    created_at_ms INTEGER NOT NULL,
    updated_at_ms INTEGER NOT NULL,
    label         TEXT,
    model         TEXT,
    message_count INTEGER NOT NULL DEFAULT 0,
    input_tokens  INTEGER NOT NULL DEFAULT 0,
    output_tokens INTEGER NOT NULL DEFAULT 0
  );
  CREATE INDEX sessions_updated ON sessions(updated_at_ms);
  CREATE INDEX sessions_agent_updated ON sessions(agent_id, updated_at_ms);
  CREATE TABLE transcript_entries (
    session_id TEXT NOT NULL,
    seq        INTEGER NOT NULL,
    ts         INTEGER NOT NULL,
    role       TEXT NOT NULL,
    message    TEXT NOT NULL,
    run_id     TEXT,
    PRIMARY KEY (session_id, seq)
  ) WITHOUT ROWID;
  `,
  // 4: channels: the inbox (deduplicated inbound messages), the outbox (sends that must happen
  // once, across restarts), per-account cursors, DM pairing requests and approved senders.
  // The inbox id is AUTOINCREMENT because replies are keyed `reply:<inboxId>:<chunk>` in the
  // outbox: a pruned id handed out again would make a new reply look like an old one.
  // `channel_inbox(state, done_at)` serves both the pending scan (in id order within
  // `done_at IS NULL`) and pruning done items.
  `
  CREATE TABLE channel_inbox (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    channel     TEXT NOT NULL,
    account_id  TEXT NOT NULL,
    chat_id     TEXT NOT NULL,
    message_id  TEXT NOT NULL,
    message     TEXT NOT NULL,
    state       TEXT NOT NULL,
    received_at INTEGER NOT NULL,
    done_at     INTEGER,
    note        TEXT,
    UNIQUE (channel, account_id, chat_id, message_id)
  );
  CREATE INDEX channel_inbox_state ON channel_inbox(state, done_at);
  CREATE TABLE channel_outbox (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    idempotency_key TEXT NOT NULL UNIQUE,
    channel         TEXT NOT NULL,
    account_id      TEXT NOT NULL,
    message         TEXT NOT NULL,
    state           TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    created_at      INTEGER NOT NULL,
    sent_at         INTEGER,
    result          TEXT,
    last_error      TEXT,
    inbox_id        INTEGER
  );
  CREATE INDEX channel_outbox_due ON channel_outbox(state, next_attempt_at);
  CREATE TABLE channel_cursors (
    channel    TEXT NOT NULL,
    account_id TEXT NOT NULL,
    value      TEXT NOT NULL,
    PRIMARY KEY (channel, account_id)
  ) WITHOUT ROWID;
  CREATE TABLE dm_pairing_requests (
    channel      TEXT NOT NULL,
    account_id   TEXT NOT NULL,
    sender_id    TEXT NOT NULL,
    code         TEXT NOT NULL UNIQUE,
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    meta         TEXT,
    PRIMARY KEY (channel, account_id, sender_id)
  );
  CREATE TABLE dm_allowed_senders (
    channel     TEXT NOT NULL,
    account_id  TEXT NOT NULL,
    sender_id   TEXT NOT NULL,
    approved_at INTEGER NOT NULL,
    PRIMARY KEY (channel, account_id, sender_id)
  ) WITHOUT ROWID;
  `,
  // 5: WhatsApp (Baileys) auth state, one transactional store instead of thousands of files:
  // creds and signal keys (values are BufferJSON text), keys imported from a multi-file session
  // whose file names cannot be turned back into ids (looked up by file name on a miss, then
  // moved into whatsapp_keys), the per-account lock that keeps a second gateway off an account,
  // our sent messages for recipients' retries, and the LID <-> phone number map. Keys and
  // messages keep their rowid: sessions and app-state versions run to many KB, where
  // WITHOUT ROWID tables get slower.
  `
  CREATE TABLE whatsapp_creds (
    account_id TEXT PRIMARY KEY,
    creds      TEXT NOT NULL,
    updated_at INTEGER NOT NULL
  );
  CREATE TABLE whatsapp_keys (
    account_id TEXT NOT NULL,
    type       TEXT NOT NULL,
    id         TEXT NOT NULL,
    value      TEXT NOT NULL,
    PRIMARY KEY (account_id, type, id)
  );
  CREATE TABLE whatsapp_legacy_keys (
    account_id TEXT NOT NULL,
    type       TEXT NOT NULL,
    file_id    TEXT NOT NULL,
    value      TEXT NOT NULL,
    PRIMARY KEY (account_id, type, file_id)
  );
  CREATE TABLE whatsapp_auth_locks (
    account_id   TEXT PRIMARY KEY,
    owner        TEXT NOT NULL,
    pid          INTEGER NOT NULL,
    boot_id      TEXT,
    pid_ns       TEXT,
    proc_start   TEXT,
    host         TEXT NOT NULL,
    started_at   INTEGER NOT NULL,
    heartbeat_at INTEGER NOT NULL,
    heartbeat_ms INTEGER NOT NULL
  );
  CREATE TABLE whatsapp_messages (
    account_id TEXT NOT NULL,
    remote_jid TEXT NOT NULL,
    id         TEXT NOT NULL,
    message    TEXT NOT NULL,
    ts         INTEGER NOT NULL,
    PRIMARY KEY (account_id, remote_jid, id)
  );
  CREATE INDEX whatsapp_messages_ts ON whatsapp_messages(account_id, ts);
  CREATE TABLE whatsapp_lid_map (
    account_id TEXT NOT NULL,
    lid        TEXT NOT NULL,
    pn         TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (account_id, lid)
  ) WITHOUT ROWID;
  CREATE INDEX whatsapp_lid_map_pn ON whatsapp_lid_map(account_id, pn);
  `,
  // 6: the control UI's dashboard codes that were used (by nonce; the code itself is never stored).
  `
  CREATE TABLE control_ui_bootstrap_codes (
    nonce         TEXT PRIMARY KEY,
    device_id     TEXT NOT NULL,
    expires_at_ms INTEGER NOT NULL,
    consumed      INTEGER NOT NULL DEFAULT 0
  ) WITHOUT ROWID;
  `,
];
