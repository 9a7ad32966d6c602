/**
 * One sentence for a failed request on the chat and sessions pages: what failed, the gateway's
 * own words (they name the config key or the limit, e.g. `agents.defaults.model`), and what to do.
 */
interface ErrorLike {
  code?: unknown;
  message?: unknown;
}

const fields = (error: unknown): ErrorLike => (typeof error === "object" && error !== null ? (error as ErrorLike) : {});
const sentence = (text: string) => (/[.!?)]$/.test(text) ? text : `${text}.`);

/** `action` is what the page tried, e.g. "send the message"; `hint` replaces the default advice for a refused request. */
export function errorText(error: unknown, action: string, hint = "Correct it and try again."): string {
  const { code, message: raw } = fields(error);
  const message = typeof raw === "string" && raw ? raw : String(error);
  const scope = /missing scope: ([\w.]+)/.exec(message)?.[1];
  if (scope) return `Could not ${action}: this browser lacks the ${scope} scope. Connect with the gateway token, or approve this device with that scope.`;
  switch (code) {
    case "TIMEOUT":
      return `Could not ${action}: the gateway did not answer in time. Check that it is running (openclaw gateway status), then try again.`;
    case "DISCONNECTED":
      return `Could not ${action}: the connection to the gateway dropped. The page reconnects by itself; try again once it is back.`;
    case "UNAVAILABLE":
      // The gateway's message already says what to set (no model → `agents.defaults.model`).
      return `Could not ${action}: ${sentence(message)}`;
    case "INVALID_REQUEST":
      return `Could not ${action}: ${sentence(message)} ${hint}`;
    default:
      return `Could not ${action}: ${sentence(message)} Try again; the gateway log (Logs page) has details.`;
  }
}
