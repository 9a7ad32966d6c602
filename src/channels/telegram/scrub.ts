/**
 * Keeping the bot token out of every log line, status field and error message. grammY's
 * `sensitiveLogs` stays off, but errors from fetch or the OS can still carry the request URL
 * (`…/bot<token>/getUpdates`), so anything that came from below is scrubbed before we pass it on.
 */
import { createHash } from "node:crypto";

const BOT_URL_SEGMENT = /\/bot[^/\s"'?#]+/g;
const TOKEN_LIKE = /\b\d{5,}:[A-Za-z0-9_-]{20,}\b/g;

/** Removes `token` and anything shaped like a bot URL segment or a bot token from `text`. */
export function scrubToken(text: string, token?: string): string {
  let out = text;
  if (token && out.includes(token)) out = out.split(token).join("***");
  return out.replace(BOT_URL_SEGMENT, "/bot***").replace(TOKEN_LIKE, "***");
}

/** A stable, non-reversible key for a token: what the process-wide poller lock is keyed by. */
export function tokenKey(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** A scrubbed one-line description of any thrown value, for `report({lastError})` and logs. */
export function describeError(error: unknown, token?: string): string {
  if (error instanceof Error) {
    // grammY's HttpError keeps the underlying failure in `.error`; its message alone says
    // only "Network request failed", which tells an operator nothing.
    const inner = (error as { error?: unknown }).error;
    const detail = inner instanceof Error && inner.message && !error.message.includes(inner.message) ? `: ${inner.message}` : "";
    return scrubToken(`${error.message}${detail}`, token);
  }
  return scrubToken(String(error), token);
}
