/** Copies a text to the clipboard; says so (or says to select it by hand when copying is not allowed). */
import { useState } from "preact/hooks";

export function CopyButton({ text, label = "Copy" }: { text: string; label?: string }) {
  const [done, setDone] = useState<string | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setDone("Copied");
    } catch {
      setDone("Copying is not allowed here; select the text and copy it by hand");
    }
  };
  return (
    <>
      <button type="button" class="button small" onClick={copy}>
        {label}
      </button>
      {done ? <span class="muted" role="status"> {done}</span> : null}
    </>
  );
}
