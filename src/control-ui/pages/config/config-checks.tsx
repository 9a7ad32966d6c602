/** What the browser-side check found in the editor's text, read out politely as it changes. */
import type { DraftCheck } from "./check-draft.ts";

export function ConfigChecks({ check, dirty }: { check: DraftCheck; dirty: boolean }) {
  return (
    <div id="cfg-checks" class="config-checks" aria-live="polite">
      {check.errors.length > 0 ? (
        <div class="error-text" data-testid="config-errors">
          <p>Not saved until fixed:</p>
          <ul>
            {check.errors.map((e) => (
              <li key={e}>{e}</li>
            ))}
          </ul>
        </div>
      ) : dirty ? (
        <p class="ok-text">{check.syntaxOnly ? "Valid JSON5 (the schema has not loaded, so only the syntax was checked)." : "Valid: matches the config schema."}</p>
      ) : (
        <p class="muted">No unsaved edits.</p>
      )}
      {check.warnings.length > 0 && (
        <ul class="muted">
          {check.warnings.map((w) => (
            <li key={w}>{w}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
