/**
 * A session's own actions, opened per row: rename (its label), reset (a new conversation under
 * the same key) and delete. The destructive ones ask inline first; nothing uses a modal
 * `confirm()`, which would block the page. Each call shows its own progress and error.
 */
import { useState } from "preact/hooks";
import { useGateway } from "../../gateway/context.ts";
import { errorText } from "../chat/error-text.ts";

interface Props {
  sessionKey: string;
  label?: string;
  /** After a change: the page re-reads its rows. */
  onChanged(message: string): void;
}

type Asking = null | "reset" | "delete";

export function SessionManage({ sessionKey, label, onChanged }: Props) {
  const gateway = useGateway();
  const [draft, setDraft] = useState(label ?? "");
  const [busy, setBusy] = useState(false);
  const [asking, setAsking] = useState<Asking>(null);
  const [error, setError] = useState<string | null>(null);
  const id = `manage-${sessionKey.replace(/[^a-z0-9]/gi, "-")}`;

  const run = (action: string, method: string, params: unknown, done: string, hint?: string) => {
    setBusy(true);
    setError(null);
    setAsking(null);
    gateway.request(method, params).then(
      () => {
        setBusy(false);
        onChanged(done);
      },
      (failure: unknown) => {
        setBusy(false);
        setError(errorText(failure, action, hint));
      },
    );
  };

  return (
    <div class="session-manage" aria-busy={busy}>
      <form
        class="row"
        onSubmit={(e) => {
          e.preventDefault();
          run("rename the session", "sessions.patch", { key: sessionKey, label: draft.trim() || null }, draft.trim() ? `Renamed to “${draft.trim()}”.` : "Label removed.");
        }}
      >
        <label for={`${id}-label`} class="sr-only">
          Label for {sessionKey}
        </label>
        <input id={`${id}-label`} value={draft} maxLength={64} placeholder="Label (blank removes it)" onInput={(e) => setDraft(e.currentTarget.value)} />
        <button type="submit" class="button small" disabled={busy}>
          Save label
        </button>
      </form>
      {asking === null ? (
        <div class="row">
          <button type="button" class="button small" disabled={busy} onClick={() => setAsking("reset")}>
            Reset…
          </button>
          <button type="button" class="button small danger" disabled={busy} onClick={() => setAsking("delete")}>
            Delete…
          </button>
        </div>
      ) : (
        <div class="row" role="group" aria-label={asking === "reset" ? "Confirm reset" : "Confirm delete"}>
          <span>{asking === "reset" ? "Start over? The messages of this session are deleted; label and model stay." : "Delete this session and its messages?"}</span>
          <button
            type="button"
            class="button small danger"
            onClick={() =>
              asking === "reset"
                ? run("reset the session", "sessions.reset", { key: sessionKey }, "The session starts over.")
                : run("delete the session", "sessions.delete", { key: sessionKey }, "Session deleted.", "Use Reset to start it over instead.")
            }
          >
            {asking === "reset" ? "Yes, reset" : "Yes, delete"}
          </button>
          <button type="button" class="button small" onClick={() => setAsking(null)}>
            Cancel
          </button>
        </div>
      )}
      {error ? (
        <p class="error-text" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}
