/**
 * Agent sessions and their transcripts (`SessionStore`): one row per session key, one row per
 * transcript message. Messages are stored as JSON so new message fields need no migration.
 */
import type { Database } from "bun:sqlite";
import type { ModelMessage, Usage } from "../agent/model/types.ts";
import type { NewTranscriptEntry, SessionListQuery, SessionMeta, SessionStore, TranscriptEntry } from "../agent/sessions/types.ts";

/** Appending to (or counting usage for) a key that has no session: it was never created, or deleted meanwhile. */
export class UnknownSessionError extends Error {
  override name = "UnknownSessionError";
  constructor(readonly key: string) {
    super(`no session ${key}`);
  }
}

export interface SqliteSessionStoreOptions {
  /** Clock for created/updated times. Default `Date.now`. */
  now?: () => number;
  /** Id of a new conversation. Default `crypto.randomUUID()`. */
  newSessionId?: () => string;
}

interface SessionRow {
  key: string;
  agent_id: string;
  session_id: string;
  created_at_ms: number;
  updated_at_ms: number;
  label: string | null;
  model: string | null;
  message_count: number;
  input_tokens: number;
  output_tokens: number;
}

interface EntryRow {
  seq: number;
  ts: number;
  message: string;
  run_id: string | null;
}

function toMeta(row: SessionRow): SessionMeta {
  return {
    key: row.key,
    agentId: row.agent_id,
    sessionId: row.session_id,
    createdAtMs: row.created_at_ms,
    updatedAtMs: row.updated_at_ms,
    label: row.label,
    model: row.model,
    messageCount: row.message_count,
    usage: { inputTokens: row.input_tokens, outputTokens: row.output_tokens },
  };
}

function toEntry(row: EntryRow): TranscriptEntry {
  return { seq: row.seq, ts: row.ts, message: JSON.parse(row.message) as ModelMessage, runId: row.run_id };
}

/** `list`'s WHERE clause: agent, activity and a case-insensitive substring of the key or label. */
function listFilter(options: SessionListQuery): { where: string; args: (string | number)[] } {
  const clauses = ["updated_at_ms >= ?"];
  // The lowest integer means "since ever".
  const args: (string | number)[] = [options.updatedSinceMs ?? Number.MIN_SAFE_INTEGER];
  if (options.agentId !== undefined) {
    clauses.push("agent_id = ?");
    args.push(options.agentId);
  }
  const search = options.search?.trim();
  if (search) {
    // A user's `%` or `_` is a character to find, not a wildcard. LIKE ignores ASCII case.
    const pattern = `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    clauses.push("(key LIKE ? ESCAPE '\\' OR label LIKE ? ESCAPE '\\')");
    args.push(pattern, pattern);
  }
  return { where: clauses.join(" AND "), args };
}

/**
 * Keys are stored as given: callers normalise them first (`normalizeSessionKey`). `reset` and
 * `delete` drop the old transcript in the same transaction, so no conversation is left
 * orphaned under a session id nothing points at.
 */
export class SqliteSessionStore implements SessionStore {
  private readonly now: () => number;
  private readonly newSessionId: () => string;

  constructor(
    private readonly db: Database,
    options: SqliteSessionStoreOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.newSessionId = options.newSessionId ?? (() => crypto.randomUUID());
  }

  ensure(key: string, agentId: string): SessionMeta {
    const now = this.now();
    this.db
      .query("INSERT INTO sessions (key, agent_id, session_id, created_at_ms, updated_at_ms) VALUES (?, ?, ?, ?, ?) ON CONFLICT(key) DO NOTHING")
      .run(key, agentId, this.newSessionId(), now, now);
    return this.get(key)!;
  }

  get(key: string): SessionMeta | null {
    const row = this.db.query<SessionRow, [string]>("SELECT * FROM sessions WHERE key = ?").get(key);
    return row ? toMeta(row) : null;
  }

  count(agentId?: string): number {
    const row =
      agentId === undefined
        ? this.db.query<{ n: number }, []>("SELECT COUNT(*) AS n FROM sessions").get()
        : this.db.query<{ n: number }, [string]>("SELECT COUNT(*) AS n FROM sessions WHERE agent_id = ?").get(agentId);
    return row?.n ?? 0;
  }

  list(options: SessionListQuery = {}): SessionMeta[] {
    // SQLite reads a negative LIMIT as "no limit".
    const { where, args } = listFilter(options);
    return this.db
      .query<SessionRow, (string | number)[]>(`SELECT * FROM sessions WHERE ${where} ORDER BY updated_at_ms DESC, key LIMIT ? OFFSET ?`)
      .all(...args, options.limit ?? -1, Math.max(0, options.offset ?? 0))
      .map(toMeta);
  }

  /** How many sessions `list` would return without `limit` and `offset` (a pager's total). */
  countMatching(options: SessionListQuery = {}): number {
    const { where, args } = listFilter(options);
    return this.db.query<{ n: number }, (string | number)[]>(`SELECT COUNT(*) AS n FROM sessions WHERE ${where}`).get(...args)?.n ?? 0;
  }

  /** Throws UnknownSessionError when the key has no session; an empty `entries` changes nothing. */
  append(key: string, entries: readonly NewTranscriptEntry[]): void {
    this.db.transaction(() => {
      const row = this.db.query<{ session_id: string; message_count: number }, [string]>("SELECT session_id, message_count FROM sessions WHERE key = ?").get(key);
      if (!row) throw new UnknownSessionError(key);
      if (entries.length === 0) return;
      const insert = this.db.query("INSERT INTO transcript_entries (session_id, seq, ts, role, message, run_id) VALUES (?, ?, ?, ?, ?, ?)");
      entries.forEach((entry, i) => insert.run(row.session_id, row.message_count + i + 1, entry.ts, entry.message.role, JSON.stringify(entry.message), entry.runId));
      this.db.query("UPDATE sessions SET message_count = ?, updated_at_ms = ? WHERE key = ?").run(row.message_count + entries.length, this.now(), key);
    })();
  }

  /** Throws UnknownSessionError when the key has no session. */
  addUsage(key: string, usage: Usage): void {
    const changed = this.db
      .query("UPDATE sessions SET input_tokens = input_tokens + ?, output_tokens = output_tokens + ? WHERE key = ?")
      .run(usage.inputTokens, usage.outputTokens, key).changes;
    if (changed === 0) throw new UnknownSessionError(key);
  }

  transcript(key: string, options: { limit?: number } = {}): TranscriptEntry[] {
    const session = this.db.query<{ session_id: string; message_count: number }, [string]>("SELECT session_id, message_count FROM sessions WHERE key = ?").get(key);
    if (!session) return [];
    // Seqs run 1…message_count without gaps, so "the newest n" is a range on the primary key.
    const after = options.limit === undefined ? 0 : session.message_count - Math.max(0, options.limit);
    return this.db
      .query<EntryRow, [string, number]>("SELECT seq, ts, message, run_id FROM transcript_entries WHERE session_id = ? AND seq > ? ORDER BY seq")
      .all(session.session_id, after)
      .map(toEntry);
  }

  /** Fields left undefined stay as they are; null clears one. Null when the key has no session. */
  patch(key: string, fields: { label?: string | null; model?: string | null }): SessionMeta | null {
    return this.db.transaction(() => {
      const current = this.get(key);
      if (!current) return null;
      const label = fields.label === undefined ? current.label : fields.label;
      const model = fields.model === undefined ? current.model : fields.model;
      this.db.query("UPDATE sessions SET label = ?, model = ?, updated_at_ms = ? WHERE key = ?").run(label, model, this.now(), key);
      return this.get(key);
    })();
  }

  /**
   * A new conversation under the key: new session id and creation time, empty transcript, usage back to zero;
   * label and model stay (they describe the chat, not one conversation in it).
   */
  reset(key: string): SessionMeta | null {
    return this.db.transaction(() => {
      const current = this.get(key);
      if (!current) return null;
      const now = this.now();
      this.db.query("DELETE FROM transcript_entries WHERE session_id = ?").run(current.sessionId);
      this.db
        .query("UPDATE sessions SET session_id = ?, created_at_ms = ?, updated_at_ms = ?, message_count = 0, input_tokens = 0, output_tokens = 0 WHERE key = ?")
        .run(this.newSessionId(), now, now, key);
      return this.get(key);
    })();
  }

  delete(key: string): boolean {
    return this.db.transaction(() => {
      const current = this.get(key);
      if (!current) return false;
      this.db.query("DELETE FROM transcript_entries WHERE session_id = ?").run(current.sessionId);
      this.db.query("DELETE FROM sessions WHERE key = ?").run(key);
      return true;
    })();
  }
}
