/**
 * `sessions.*`: the stored conversations, for operators. Keys are normalised before they reach
 * the store (`main` → the default agent's main session), so `Agent:Main:Main`, `main` and
 * `agent:main:main` are one session. The agent runtime writes sessions; these only read, label,
 * restart and delete them.
 */
import { ErrorCodes } from "../../../protocol/errors.ts";
import {
  SESSIONS_LIST_DEFAULT_LIMIT,
  SESSIONS_PREVIEW_DEFAULT_LIMIT,
  SESSIONS_PREVIEW_DEFAULT_MAX_CHARS,
  type SessionPreview,
  type SessionRow,
  type sessionMethods as sessionRecords,
} from "../../../protocol/methods/sessions.ts";
import { resolveAgents } from "../../agent/agents.ts";
import { previewOf, type PreviewItem } from "../../agent/sessions/preview.ts";
import { mainSessionKey, normalizeSessionKey, parseSessionKey, SessionKeyError } from "../../agent/sessions/session-key.ts";
import type { SessionMeta } from "../../agent/sessions/types.ts";
import type { HandlersOf, MethodContext, MethodHandler } from "../rpc/dispatcher.ts";
import { RpcError } from "../rpc/rpc-error.ts";
import type { GatewayServices } from "../services.ts";

type SessionMethods = HandlersOf<typeof sessionRecords>;

/** The wire form of a session; absent label and model are left out, as the reference does. */
export function sessionRow(meta: SessionMeta): SessionRow {
  return {
    key: meta.key,
    agentId: meta.agentId,
    sessionId: meta.sessionId,
    createdAt: meta.createdAtMs,
    updatedAt: meta.updatedAtMs,
    ...(meta.label !== null ? { label: meta.label } : {}),
    ...(meta.model !== null ? { model: meta.model } : {}),
    messageCount: meta.messageCount,
    usage: meta.usage,
  };
}

// Read per call: the default agent follows config reloads.
function defaultAgentId(services: GatewayServices): string {
  const { config, workspace, paths } = services.options;
  return resolveAgents(config, workspace, paths.home).defaultAgentId;
}

/** The canonical key of what the caller named, or INVALID_REQUEST. */
function keyOf(services: GatewayServices, raw: string): { key: string; agentId: string } {
  try {
    const key = normalizeSessionKey(raw, { defaultAgentId: defaultAgentId(services) });
    return { key, agentId: parseSessionKey(key)!.agentId };
  } catch (error) {
    if (error instanceof SessionKeyError) throw new RpcError(ErrorCodes.INVALID_REQUEST, error.message);
    throw error;
  }
}

/** Blank means "clear": a UI that empties the field should not store an empty label. */
const cleared = (value: string | null | undefined) => (value === undefined ? undefined : value?.trim() || null);

const list: MethodHandler<"sessions.list"> = (params, { services }) => {
  const now = services.now();
  const query = {
    agentId: params.agentId?.trim().toLowerCase(),
    updatedSinceMs: params.activeMinutes !== undefined ? now - params.activeMinutes * 60_000 : undefined,
    search: params.search,
  };
  const offset = params.offset ?? 0;
  const sessions = services.sessions.list({ ...query, limit: params.limit ?? SESSIONS_LIST_DEFAULT_LIMIT, offset }).map(sessionRow);
  // A pager needs the total; counting 10,000 rows in SQLite takes a few ms.
  const total = services.sessions.countMatching(query);
  const hasMore = offset + sessions.length < total;
  return { ts: now, count: sessions.length, sessions, total, hasMore, ...(hasMore ? { nextOffset: offset + sessions.length } : {}) };
};

function previewFor(services: GatewayServices, requested: string, limit: number, maxChars: number): SessionPreview {
  let key: string;
  try {
    key = keyOf(services, requested).key;
  } catch {
    // One bad key among many should not fail the others (a picker previews a whole list).
    return { key: requested, status: "error", items: [] };
  }
  if (!services.sessions.get(key)) return { key: requested, status: "missing", items: [] };
  const items = services.sessions
    .transcript(key, { limit })
    .map((entry) => previewOf(entry.message, maxChars))
    .filter((item): item is PreviewItem => item !== null);
  return { key: requested, status: items.length > 0 ? "ok" : "empty", items };
}

const preview: MethodHandler<"sessions.preview"> = (params, { services }) => {
  const keys = [...(params.keys ?? []), ...(params.key !== undefined ? [params.key] : [])];
  if (keys.length === 0) throw new RpcError(ErrorCodes.INVALID_REQUEST, "invalid sessions.preview params: key or keys required");
  const limit = params.limit ?? SESSIONS_PREVIEW_DEFAULT_LIMIT;
  const maxChars = params.maxChars ?? SESSIONS_PREVIEW_DEFAULT_MAX_CHARS;
  return { ts: services.now(), previews: keys.map((key) => previewFor(services, key, limit, maxChars)) };
};

// Like the reference, patching a key that has no session yet creates it: a client may label a
// chat before its first message.
const patch: MethodHandler<"sessions.patch"> = (params, { services }) => {
  const { key, agentId } = keyOf(services, params.key);
  services.sessions.ensure(key, agentId);
  const meta = services.sessions.patch(key, { label: cleared(params.label), model: cleared(params.model) });
  if (!meta) throw new RpcError(ErrorCodes.UNAVAILABLE, `session ${key} was deleted meanwhile`);
  return { ok: true as const, key, entry: sessionRow(meta) };
};

/** Aborts the session's runs (running or queued), as the reference does before a reset or delete. */
function stopRunsOf(services: MethodContext["services"], key: string): void {
  for (const runId of services.agent.runsOf(key)) services.agent.abort(runId);
}

const reset: MethodHandler<"sessions.reset"> = (params, { services }) => {
  const { key, agentId } = keyOf(services, params.key);
  // A run still working on the old conversation would append into the new one: it ends first.
  stopRunsOf(services, key);
  const meta = services.sessions.reset(key) ?? services.sessions.ensure(key, agentId);
  services.log.info(`session ${key} reset (new session id ${meta.sessionId})`);
  return { ok: true as const, key, entry: sessionRow(meta) };
};

const remove: MethodHandler<"sessions.delete"> = (params, { services }) => {
  const { key } = keyOf(services, params.key);
  // The main session is where unaddressed messages go; the reference refuses too (reset it instead).
  const main = mainSessionKey(defaultAgentId(services));
  if (key === main) throw new RpcError(ErrorCodes.INVALID_REQUEST, `Cannot delete the main session (${main}).`);
  stopRunsOf(services, key);
  const deleted = services.sessions.delete(key);
  if (deleted) services.log.info(`session ${key} deleted`);
  return { ok: true as const, key, deleted };
};

export const sessionMethods: SessionMethods = {
  "sessions.list": list,
  "sessions.preview": preview,
  "sessions.patch": patch,
  "sessions.reset": reset,
  "sessions.delete": remove,
};
