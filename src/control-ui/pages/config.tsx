/**
 * Config: the effective config (secrets redacted) and a JSON5 editor for it, checked in the
 * browser against `config.schema` as you type, saved with the hash of the file it started
 * from. A save that finds the file changed says so and lets you take the newer file or keep
 * your text; nothing is overwritten silently.
 */
import { useEffect, useMemo, useState } from "preact/hooks";
import type { ConfigSnapshot } from "../../../protocol/methods/config.ts";
import { useGateway } from "../gateway/context.ts";
import { useResource } from "./devices/use-resource.ts";
import { checkDraft, textHasComments } from "./config/check-draft.ts";
import { ConfigChecks } from "./config/config-checks.tsx";
import { ConfigForm, errorsByPath } from "./config/config-form.tsx";
import { saveConfig, type SaveMode, type SaveOutcome } from "./config/save-config.ts";
import type { JsonSchema } from "./config/schema-check.ts";
import "./devices/admin.css";
import "./config/config.css";

/** The editor's starting point: the file's (redacted) text and its hash. */
interface Base {
  hash: string;
  text: string;
}

const baseOf = (s: ConfigSnapshot): Base => ({ hash: s.hash, text: s.raw ?? "{\n}\n" });

export default function ConfigPage() {
  const gateway = useGateway();
  const snapshot = useResource((g) => g.request<ConfigSnapshot>("config.get", {}), "read the config");
  const schema = useResource((g) => g.request<{ schema: JsonSchema }>("config.schema", {}), "read the config schema");
  const [base, setBase] = useState<Base | null>(null);
  const [draft, setDraft] = useState<string | null>(null);
  const [saving, setSaving] = useState<SaveMode | null>(null);
  const [outcome, setOutcome] = useState<SaveOutcome | null>(null);
  const [view, setView] = useState<"form" | "json5">("form");

  // A fresh snapshot becomes the base unless the user is in the middle of an edit: then the
  // old base (and hash) stays, so saving finds out about the change instead of hiding it.
  useEffect(() => {
    if (snapshot.data && draft === null) setBase(baseOf(snapshot.data));
  }, [snapshot.data]);

  const text = draft ?? base?.text ?? "";
  const dirty = base !== null && draft !== null && draft !== base.text;
  const check = useMemo(() => checkDraft(text, schema.data?.schema ?? null), [text, schema.data]);
  const commentsInFile = useMemo(() => (base ? textHasComments(base.text) : false), [base]);

  const save = async (mode: SaveMode) => {
    if (!base) return;
    setSaving(mode);
    setOutcome(null);
    const result = await saveConfig(gateway, mode, text, base.hash);
    setSaving(null);
    setOutcome(result);
    if (result.kind === "saved") {
      setDraft(null);
      snapshot.reload();
    }
  };

  /** After a conflict: take the newer file, dropping the edits. */
  const loadNewer = () => {
    setDraft(null);
    setOutcome(null);
    snapshot.reload();
  };

  /** After a conflict: keep the edits, based on the newer file, so the next save replaces it knowingly. */
  const keepMine = async () => {
    try {
      const fresh = await gateway.request<ConfigSnapshot>("config.get", {});
      setBase(baseOf(fresh));
      setOutcome({ kind: "rebased" });
    } catch (error) {
      setOutcome({ kind: "failed", message: `Could not read the newer config: ${(error as Error).message}. Retry.` });
    }
  };

  const data = snapshot.data;
  return (
    <div class="page admin-page config-page">
      <div class="page-head">
        <h1>Config</h1>
        {data && (
          <span class="muted">
            {data.path}
            {data.exists ? "" : " (no file yet: saving creates it)"}
          </span>
        )}
      </div>
      {snapshot.error && (
        <p class="banner banner-error" role="alert">
          {snapshot.error}{" "}
          <button type="button" class="button small" onClick={snapshot.reload}>
            Retry
          </button>
        </p>
      )}
      {data && !data.valid && (
        <div class="banner banner-warn" role="status">
          <p>The file on the gateway does not validate; the gateway runs with its last good config. Fix these and save:</p>
          <ul>
            {data.issues.map((i) => (
              <li key={i}>{i}</li>
            ))}
          </ul>
        </div>
      )}

      <section aria-labelledby="cfg-edit">
        <div class="page-head">
          <h2 id="cfg-edit">Edit</h2>
          <div class="row" role="group" aria-label="Edit as">
            <button type="button" class="button small" aria-pressed={view === "form"} onClick={() => setView("form")}>
              Form
            </button>
            <button type="button" class="button small" aria-pressed={view === "json5"} onClick={() => setView("json5")}>
              JSON5 (experts)
            </button>
          </div>
        </div>
        {(commentsInFile || check.hasComments) && (
          <p class="banner banner-warn" data-testid="comments-warning">
            Saving writes the file as plain JSON: comments and JSON5 formatting are lost. The previous file is kept as
            <code> openclaw.json.bak</code> beside it.
          </p>
        )}
        {view === "form" ? (
          check.value && schema.data ? (
            <ConfigForm schema={schema.data.schema} value={check.value} errors={errorsByPath(check.errors)} onChange={(next) => setDraft(`${JSON.stringify(next, null, 2)}\n`)} />
          ) : (
            <p class="muted">{schema.error ?? (check.value ? "Loading the config schema…" : "The text does not parse, so the form cannot show it: fix it in the JSON5 view.")}</p>
          )
        ) : (
          <>
            <label for="cfg-text">Config text</label>
            <p class="muted" id="cfg-help">
              Secrets show as <code>__OPENCLAW_REDACTED__</code>; leave that in place to keep a secret as it is.
            </p>
            <textarea
              id="cfg-text"
              class="config-text"
              spellcheck={false}
              autoComplete="off"
              aria-describedby="cfg-help cfg-checks"
              aria-invalid={check.errors.length > 0}
              value={text}
              disabled={!base}
              onInput={(e) => setDraft(e.currentTarget.value)}
            />
          </>
        )}
        <ConfigChecks check={check} dirty={dirty} />
        <SaveOutcomeLine outcome={outcome} onLoadNewer={loadNewer} onKeepMine={keepMine} />
        <div class="actions">
          <button type="button" class="button primary" disabled={!dirty || check.errors.length > 0 || saving !== null} onClick={() => save("set")}>
            {saving === "set" ? "Saving…" : "Save"}
          </button>
          <button type="button" class="button" disabled={!dirty || check.errors.length > 0 || saving !== null} onClick={() => save("apply")}>
            {saving === "apply" ? "Saving…" : "Save and restart"}
          </button>
          <button type="button" class="button" disabled={!dirty || saving !== null} onClick={() => (setDraft(null), setOutcome(null))}>
            Undo my edits
          </button>
        </div>
        <p class="muted">Save applies what can change while running (channels, auth tokens, hooks…); “Save and restart” restarts the gateway in-process for the rest.</p>
      </section>

      <section aria-labelledby="cfg-effective">
        <h2 id="cfg-effective">Effective config</h2>
        {data ? <pre class="config-effective" tabIndex={0} aria-label="The effective config, secrets redacted">{JSON.stringify(data.config ?? {}, null, 2)}</pre> : !snapshot.error && <p class="muted">Loading…</p>}
      </section>
    </div>
  );
}

function SaveOutcomeLine({ outcome, onLoadNewer, onKeepMine }: { outcome: SaveOutcome | null; onLoadNewer(): void; onKeepMine(): void }) {
  if (!outcome) return null;
  switch (outcome.kind) {
    case "saved":
      return (
        <p class="ok-text" role="status">
          {outcome.mode === "apply" ? "Saved. The gateway restarts now; this page reconnects by itself." : "Saved and applied."}
        </p>
      );
    case "conflict":
      return (
        <div class="banner banner-error" role="alert" data-testid="config-conflict">
          <p>
            <strong>Someone else changed the config</strong> after this page loaded it (another browser, the CLI or an edit of the file). Nothing was
            saved.
          </p>
          <div class="actions">
            <button type="button" class="button primary" onClick={onLoadNewer}>
              Load the newer config (drops my edits)
            </button>
            <button type="button" class="button" onClick={onKeepMine}>
              Keep my edits over it
            </button>
          </div>
        </div>
      );
    case "rebased":
      return (
        <p class="banner banner-warn" role="status">
          Your edits are kept and now based on the newer file: Save replaces the other change with your text. Compare with the effective config below first.
        </p>
      );
    case "invalid":
      return (
        <div class="banner banner-error" role="alert">
          <p>The gateway refused the config; nothing was saved. Fix these and save again:</p>
          <ul>
            {outcome.issues.map((i) => (
              <li key={i}>{i}</li>
            ))}
          </ul>
        </div>
      );
    case "failed":
      return (
        <p class="banner banner-error" role="alert">
          {outcome.message}
        </p>
      );
  }
}
