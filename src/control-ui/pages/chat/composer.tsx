/**
 * Where the user writes. Enter sends, Shift+Enter is a new line; while a reply runs the Stop
 * button (or Escape in the box) aborts it. The text stays in the box until the gateway accepted it,
 * so a refused send loses nothing.
 */
import { useState } from "preact/hooks";

interface Props {
  running: boolean;
  sending: boolean;
  disabled: boolean;
  /** Why sending is not possible right now, shown under the box. */
  disabledReason?: string;
  onSend(text: string): Promise<boolean>;
  onAbort(): void;
}

export function Composer({ running, sending, disabled, disabledReason, onSend, onAbort }: Props) {
  const [text, setText] = useState("");
  const submit = async () => {
    if (disabled || sending || !text.trim()) return;
    if (await onSend(text)) setText("");
  };
  return (
    <form
      class="composer"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <label for="chat-input" class="sr-only">
        Message
      </label>
      <textarea
        id="chat-input"
        rows={2}
        placeholder="Message (Enter sends, Shift+Enter for a new line)"
        value={text}
        aria-describedby={disabledReason ? "chat-input-hint" : undefined}
        onInput={(e) => setText(e.currentTarget.value)}
        onKeyDown={(e) => {
          if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
            e.preventDefault();
            void submit();
          } else if (e.key === "Escape" && running) {
            e.preventDefault();
            onAbort();
          }
        }}
      />
      <div class="composer-actions">
        {running ? (
          <button type="button" class="button danger" onClick={onAbort}>
            Stop
          </button>
        ) : null}
        <button type="submit" class="button primary" disabled={disabled || sending || !text.trim()}>
          {sending ? "Sending…" : "Send"}
        </button>
      </div>
      {disabledReason ? (
        <p id="chat-input-hint" class="composer-hint">
          {disabledReason}
        </p>
      ) : null}
    </form>
  );
}
