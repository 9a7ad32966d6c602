/**
 * The chat page's place in the URL: `#/chat?session=<key>`, so a reload, a bookmark or a link
 * from the Sessions page opens the same conversation. The shell routes on the part before `?`.
 */

/** The query part of the hash route (`#/chat?session=…` → its params). */
export function hashParams(hash = location.hash): URLSearchParams {
  const at = hash.indexOf("?");
  return new URLSearchParams(at === -1 ? "" : hash.slice(at + 1));
}

/** The link that opens `sessionKey` in the chat page. */
export function chatHref(sessionKey: string): string {
  return `#/chat?session=${encodeURIComponent(sessionKey)}`;
}

/** Records the open session in the URL without a new history entry (switching is not navigation). */
export function replaceChatSession(sessionKey: string): void {
  const url = new URL(location.href);
  url.hash = chatHref(sessionKey).slice(1);
  history.replaceState(history.state, "", url);
}
