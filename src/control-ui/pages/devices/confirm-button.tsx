/**
 * A button for something that cannot be undone (remove a device, log out a channel): the first
 * press asks inline, the second does it. No modal `confirm()`, which would block the page.
 */
import { useEffect, useRef, useState } from "preact/hooks";

interface Props {
  label: string;
  /** The question shown after the first press, e.g. "Remove Laptop?". */
  question: string;
  onConfirm(): void;
  disabled?: boolean;
  /** An accessible name when `label` alone is ambiguous in a list. */
  ariaLabel?: string;
}

export function ConfirmButton({ label, question, onConfirm, disabled, ariaLabel }: Props) {
  const [asking, setAsking] = useState(false);
  const yes = useRef<HTMLButtonElement>(null);
  const trigger = useRef<HTMLButtonElement>(null);
  const wasAsking = useRef(false);
  // Focus follows the question: to "Yes" when it appears, back to the button when cancelled.
  useEffect(() => {
    if (asking) yes.current?.focus();
    else if (wasAsking.current) trigger.current?.focus();
    wasAsking.current = asking;
  }, [asking]);
  if (!asking) {
    return (
      <button type="button" class="button danger" ref={trigger} disabled={disabled} aria-label={ariaLabel} onClick={() => setAsking(true)}>
        {label}
      </button>
    );
  }
  return (
    <span class="confirm" role="group" aria-label={question} onKeyDown={(e) => e.key === "Escape" && setAsking(false)}>
      <span class="confirm-question">{question}</span>
      <button
        type="button"
        class="button danger"
        ref={yes}
        onClick={() => {
          setAsking(false);
          onConfirm();
        }}
      >
        Yes, {label.toLowerCase()}
      </button>
      <button type="button" onClick={() => setAsking(false)}>
        Cancel
      </button>
    </span>
  );
}
