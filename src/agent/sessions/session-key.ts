/**
 * Session keys (protocol.md §6 "Agent runs", channels-and-models.md §3.5): `agent:<agentId>:<rest>`,
 * lowercased, with the main session `agent:main:main`. Callers may name a session loosely
 * (`main`, `cron:job-1`, `Agent:Main:Main`); every key is normalised here before it reaches the
 * store, so one conversation never ends up under two spellings.
 */

/** Agent ids (and so the second part of a key): lowercase letters, digits, `_` and `-`, at most 64. */
export const AGENT_ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;
/** The `<rest>` of an agent's main session. */
export const MAIN_KEY = "main";
/** The main session of the default agent. */
export const MAIN_SESSION_KEY = "agent:main:main";
/** Longer keys are refused: a key is an index and a log field, not a place for payloads. */
export const MAX_SESSION_KEY_LENGTH = 512;

const PREFIX = "agent:";

export class SessionKeyError extends Error {
  override name = "SessionKeyError";
  constructor(
    message: string,
    /** The key as the caller gave it. */
    readonly key: string,
  ) {
    super(message);
  }
}

export interface ParsedSessionKey {
  /** The normalised key. */
  key: string;
  agentId: string;
  /** Everything after `agent:<agentId>:`, e.g. `main`, `whatsapp:direct:+15551234567`. */
  rest: string;
}

export function isValidAgentId(agentId: string): boolean {
  return AGENT_ID_PATTERN.test(agentId);
}

export function mainSessionKey(agentId: string): string {
  return `${PREFIX}${agentId}:${MAIN_KEY}`;
}

/**
 * Splits a full `agent:<agentId>:<rest>` key (any case, surrounding blanks ignored); null when it
 * is not one: a bad agent id, an empty `<rest>`, control characters or blanks, or too long.
 */
export function parseSessionKey(input: string): ParsedSessionKey | null {
  const key = input.trim().toLowerCase();
  if (!key.startsWith(PREFIX) || key.length > MAX_SESSION_KEY_LENGTH) return null;
  const end = key.indexOf(":", PREFIX.length);
  if (end < 0) return null;
  const agentId = key.slice(PREFIX.length, end);
  const rest = key.slice(end + 1);
  if (!isValidAgentId(agentId) || !validRest(rest)) return null;
  return { key, agentId, rest };
}

// Channel peers contain `+`, `@`, `.` and `-` (E.164 numbers, JIDs, negative chat ids), so the
// rest is free-form apart from what would break logs and tables: blanks and control characters.
function validRest(rest: string): boolean {
  return rest.length > 0 && !/[\s\p{Cc}]/u.test(rest) && !rest.split(":").includes("");
}

export interface NormalizeOptions {
  /** The agent that `main` and bare keys (`cron:job-1`) belong to. Default `main`. */
  defaultAgentId?: string;
}

/**
 * The canonical form of a key a caller sent: `main` (or empty) → the default agent's main key;
 * `agent:…` → validated and lowercased; anything else (`cron:<jobId>`, `hook:<uuid>`) → under the
 * default agent, as the reference stores them. Throws SessionKeyError for keys that cannot be one.
 */
export function normalizeSessionKey(input: string, options: NormalizeOptions = {}): string {
  const agentId = options.defaultAgentId ?? "main";
  if (!isValidAgentId(agentId)) throw new SessionKeyError(`invalid agent id: ${agentId}`, input);
  const trimmed = input.trim().toLowerCase();
  if (trimmed === "" || trimmed === MAIN_KEY) return mainSessionKey(agentId);
  const full = trimmed.startsWith(PREFIX) ? trimmed : `${PREFIX}${agentId}:${trimmed}`;
  const parsed = parseSessionKey(full);
  if (!parsed) throw new SessionKeyError(`invalid session key: ${input.slice(0, 80)}`, input);
  return parsed.key;
}

/** The OpenAI-compatible HTTP endpoints: `/v1/chat/completions` and `/v1/responses` (protocol.md §8.1, §8.2). */
export type HttpSurface = "openai" | "openresponses";

export interface HttpSessionKeyOptions {
  surface: HttpSurface;
  agentId: string;
  /** `x-openclaw-session-key`: used as given (normalised) and wins over everything else. */
  headerKey?: string | null;
  /** The body's `user`: one conversation per user across requests. */
  user?: string | null;
  /** Id of a one-off conversation when neither is given. Default `crypto.randomUUID()`. */
  newId?: () => string;
}

/** Longest `user` kept in a key; longer ones are cut (they still name one conversation each). */
const MAX_USER_LENGTH = 128;

// `user` is whatever string the client sends ("Jane Doe", an email, a uuid). Blanks, control
// characters and `:` would make an invalid key (or fake extra segments), so they become `-`.
function userPart(user: string | null | undefined): string {
  return (user ?? "").trim().toLowerCase().replace(/[\s\p{Cc}:]+/gu, "-").slice(0, MAX_USER_LENGTH);
}

/**
 * The session an HTTP request runs in: the header's key; else `agent:<id>:<surface>-user:<user>`
 * when the body names a user; else a fresh `agent:<id>:<surface>:<uuid>` per request.
 */
export function httpSessionKey(options: HttpSessionKeyOptions): string {
  const { surface, agentId } = options;
  if (!isValidAgentId(agentId)) throw new SessionKeyError(`invalid agent id: ${agentId}`, agentId);
  const header = options.headerKey?.trim();
  if (header) return normalizeSessionKey(header, { defaultAgentId: agentId });
  const user = userPart(options.user);
  if (user) return `${PREFIX}${agentId}:${surface}-user:${user}`;
  const id = options.newId ? options.newId() : crypto.randomUUID();
  return `${PREFIX}${agentId}:${surface}:${id}`;
}
