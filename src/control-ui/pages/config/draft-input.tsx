/**
 * A form field that keeps what is being typed in its own state and hands it over when the
 * field is left (change): a re-render in between (an event refreshing the page) must not wipe
 * half-typed text, and the config text is rewritten once per edit, not per keystroke.
 */
import { useEffect, useRef, useState } from "preact/hooks";

interface Props {
  id: string;
  /** The value as the config has it, formatted for the field. */
  shown: string;
  commit(text: string): void;
  multiline?: boolean;
  type?: "text" | "password";
  inputMode?: "text" | "numeric" | "decimal";
  placeholder?: string;
  describedBy?: string;
}

export function DraftInput({ id, shown, commit, multiline, type = "text", inputMode, placeholder, describedBy }: Props) {
  const [text, setText] = useState(shown);
  const editing = useRef(false);
  // The config changed from elsewhere (the other view, a reload): show it, unless mid-edit.
  useEffect(() => {
    if (!editing.current) setText(shown);
  }, [shown]);
  const common = {
    id,
    value: text,
    placeholder,
    "aria-describedby": describedBy,
    onFocus: () => (editing.current = true),
    onInput: (e: Event) => setText((e.currentTarget as HTMLInputElement | HTMLTextAreaElement).value),
    onChange: (e: Event) => commit((e.currentTarget as HTMLInputElement | HTMLTextAreaElement).value),
    onBlur: () => (editing.current = false),
  };
  if (multiline) return <textarea rows={2} {...common} />;
  // Two literal types: Preact's typings tell input kinds apart by a literal `type`.
  return type === "password" ? <input type="password" autoComplete="off" {...common} /> : <input type="text" inputMode={inputMode} autoComplete="off" spellcheck={false} {...common} />;
}
