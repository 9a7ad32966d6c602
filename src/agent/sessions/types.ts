/**
 * Sessions: one conversation per key (`agent:<agentId>:<rest>`, main `agent:main:main`), its
 * transcript in the sqlite store, and the rules for what part of it a model sees.
 */
import type { ModelMessage, Usage } from "../model/types.ts";

export interface SessionMeta {
  key: string;
  agentId: string;
  /** Changes on `sessions.reset`: a new conversation under the same key. */
  sessionId: string;
  createdAtMs: number;
  updatedAtMs: number;
  label: string | null;
  /** A per-session model override (`provider/model`), or null for the agent's default. */
  model: string | null;
  /** Messages in the current transcript. */
  messageCount: number;
  /** Token usage summed over the session's runs. */
  usage: Usage;
}

export interface TranscriptEntry {
  /** 1, 2, 3 … within the session id. */
  seq: number;
  ts: number;
  message: ModelMessage;
  /** The run that wrote it, for user/assistant/tool turns of an agent run. */
  runId: string | null;
}

export interface NewTranscriptEntry {
  ts: number;
  message: ModelMessage;
  runId: string | null;
}

/** What `SessionStore.list` selects; `search` is a case-insensitive substring of the key or label. */
export interface SessionListQuery {
  agentId?: string;
  limit?: number;
  offset?: number;
  updatedSinceMs?: number;
  search?: string;
}

export interface SessionStore {
  /** The session, created (with a new session id) when the key is new. */
  ensure(key: string, agentId: string): SessionMeta;
  get(key: string): SessionMeta | null;
  /** How many sessions there are (of one agent). */
  count(agentId?: string): number;
  /** Newest first; `updatedSinceMs` keeps sessions active at or after that time. */
  list(options?: SessionListQuery): SessionMeta[];
  /** How many sessions match the query's filters (its `limit` and `offset` ignored). */
  countMatching(options?: SessionListQuery): number;
  /** Appends in one transaction (a run's turn never half-lands) and bumps `updatedAtMs`. */
  append(key: string, entries: readonly NewTranscriptEntry[]): void;
  addUsage(key: string, usage: Usage): void;
  /** The current transcript, oldest first; `limit` keeps the newest entries. */
  transcript(key: string, options?: { limit?: number }): TranscriptEntry[];
  patch(key: string, fields: { label?: string | null; model?: string | null }): SessionMeta | null;
  /** Starts a new conversation under the key (new session id, empty transcript); null when unknown. */
  reset(key: string): SessionMeta | null;
  delete(key: string): boolean;
}
