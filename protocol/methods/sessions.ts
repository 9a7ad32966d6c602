/**
 * Sessions (protocol.md §6 "Other methods"): list the stored conversations, preview their last
 * messages, label them or pin a model, start them over, delete them. Keys are
 * `agent:<agentId>:<rest>`; `main` and bare keys (`cron:job-1`) mean the default agent's.
 */
import { method } from "../method-record.ts";
import { t, type Static } from "../schema-builder.ts";
import { Scopes } from "../scopes.ts";

const sessionKey = () => t.string({ minLength: 1, maxLength: 512 });

/** `sessions.list` without `limit` returns this many, newest first. */
export const SESSIONS_LIST_DEFAULT_LIMIT = 1000;
/** `sessions.preview` defaults (the reference's): messages per session, characters per message. */
export const SESSIONS_PREVIEW_DEFAULT_LIMIT = 12;
export const SESSIONS_PREVIEW_DEFAULT_MAX_CHARS = 240;

export const SessionUsage = t.object({ inputTokens: t.integer({ minimum: 0 }), outputTokens: t.integer({ minimum: 0 }) });

export const SessionRow = t.object({
  key: t.string(),
  agentId: t.string(),
  /** Changes on `sessions.reset`. */
  sessionId: t.string(),
  /** When the current conversation began (ms). */
  createdAt: t.integer(),
  updatedAt: t.integer(),
  label: t.optional(t.string()),
  /** A per-session model override (`provider/model`). */
  model: t.optional(t.string()),
  messageCount: t.integer({ minimum: 0 }),
  usage: SessionUsage,
});
export type SessionRow = Static<typeof SessionRow>;

export const SessionsListParams = t.object({
  agentId: t.optional(t.string({ minLength: 1, maxLength: 64 })),
  limit: t.optional(t.integer({ minimum: 1, maximum: 10_000 })),
  /** Only sessions active in the last this many minutes. */
  activeMinutes: t.optional(t.integer({ minimum: 1, maximum: 5_256_000 })),
  /** Skip this many matching sessions (paging, with `limit`). */
  offset: t.optional(t.integer({ minimum: 0, maximum: 10_000_000 })),
  /** Only sessions whose key or label contains this text (case-insensitive); blank matches all. */
  search: t.optional(t.string({ maxLength: 256 })),
});
export type SessionsListParams = Static<typeof SessionsListParams>;
export const SessionsListResult = t.object({
  ts: t.integer(),
  /** Rows in this answer. */
  count: t.integer({ minimum: 0 }),
  sessions: t.array(SessionRow),
  /** Sessions matching the filters, on every page. */
  total: t.integer({ minimum: 0 }),
  /** More matching sessions after this page; `nextOffset` is where they start. */
  hasMore: t.boolean(),
  nextOffset: t.optional(t.integer({ minimum: 0 })),
});
export type SessionsListResult = Static<typeof SessionsListResult>;

/** `keys` is the reference's form; `key` is shorthand for one session. At least one is required. */
export const SessionsPreviewParams = t.object({
  keys: t.optional(t.array(sessionKey(), { minItems: 1, maxItems: 64 })),
  key: t.optional(sessionKey()),
  limit: t.optional(t.integer({ minimum: 1, maximum: 200 })),
  maxChars: t.optional(t.integer({ minimum: 20, maximum: 10_000 })),
});
export type SessionsPreviewParams = Static<typeof SessionsPreviewParams>;

export const SessionPreviewItem = t.object({ role: t.enum(["user", "assistant", "tool", "system", "other"]), text: t.string() });
export type SessionPreviewItem = Static<typeof SessionPreviewItem>;
export const SessionPreview = t.object({
  /** The key as requested. */
  key: t.string(),
  status: t.enum(["ok", "empty", "missing", "error"]),
  /** The last messages, oldest first. */
  items: t.array(SessionPreviewItem),
});
export type SessionPreview = Static<typeof SessionPreview>;
export const SessionsPreviewResult = t.object({ ts: t.integer(), previews: t.array(SessionPreview) });

export const SessionsPatchParams = t.object({
  key: sessionKey(),
  /** Null or blank clears it. */
  label: t.optional(t.nullable(t.string({ maxLength: 64 }))),
  /** `provider/model`; null clears the override. */
  model: t.optional(t.nullable(t.string({ maxLength: 256 }))),
});
export type SessionsPatchParams = Static<typeof SessionsPatchParams>;

export const SessionsResetParams = t.object({ key: sessionKey(), reason: t.optional(t.enum(["new", "reset"])) });
export type SessionsResetParams = Static<typeof SessionsResetParams>;

/** `sessions.patch` and `sessions.reset`: the session as it is now, under its normalised key. */
export const SessionChangeResult = t.object({ ok: t.literal(true), key: t.string(), entry: SessionRow });

export const SessionsDeleteParams = t.object({ key: sessionKey() });
export type SessionsDeleteParams = Static<typeof SessionsDeleteParams>;
export const SessionsDeleteResult = t.object({ ok: t.literal(true), key: t.string(), deleted: t.boolean() });

/** Sessions, in the order `hello-ok.features.methods` lists them. */
export const sessionMethods = {
  "sessions.list": method({ params: SessionsListParams, result: SessionsListResult, scope: Scopes.READ }),
  "sessions.preview": method({ params: SessionsPreviewParams, result: SessionsPreviewResult, scope: Scopes.READ }),
  "sessions.patch": method({ params: SessionsPatchParams, result: SessionChangeResult, scope: Scopes.ADMIN }),
  "sessions.reset": method({ params: SessionsResetParams, result: SessionChangeResult, scope: Scopes.ADMIN }),
  "sessions.delete": method({ params: SessionsDeleteParams, result: SessionsDeleteResult, scope: Scopes.ADMIN }),
};
