/**
 * Pasting the gateway token by hand (the alternative to the `openclaw dashboard` link). The
 * token stays in this tab's sessionStorage only; once connected the gateway issues a device
 * token, so a reload in a new tab does not need it again.
 */
import { useState } from "preact/hooks";
import { setPastedToken } from "../gateway/credentials.ts";
import { useGateway } from "../gateway/context.ts";

export function SignIn() {
  const gateway = useGateway();
  const [token, setToken] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const submit = (event: Event) => {
    event.preventDefault();
    const value = token.trim();
    if (!value) return setProblem("Paste the token first: it is gateway.auth.token in the gateway's config.");
    setProblem(null);
    setPastedToken(value);
    setToken("");
    gateway.reconnect();
  };
  return (
    <form class="sign-in" onSubmit={submit}>
      <label for="gateway-token">Gateway token</label>
      <div class="row">
        <input
          id="gateway-token"
          name="gateway-token"
          type="password"
          autocomplete="off"
          spellcheck={false}
          value={token}
          onInput={(e) => setToken((e.target as HTMLInputElement).value)}
          aria-describedby="gateway-token-help"
        />
        <button type="submit" class="button primary">
          Connect
        </button>
      </div>
      <p id="gateway-token-help" class="muted">
        Kept for this tab only. Find it with <code>openclaw config get gateway.auth.token</code> on the gateway host.
      </p>
      {problem ? <p class="error-text" role="alert">{problem}</p> : null}
    </form>
  );
}
