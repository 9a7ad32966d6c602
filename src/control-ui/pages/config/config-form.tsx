/**
 * The config as a form, generated from `config.schema`: one field per setting of the sections
 * the schema describes (gateway, logging, canvas host, …), grouped as the file nests them.
 * It edits the same draft as the JSON5 editor: a change here rewrites the draft's text, so
 * both views always show one config. Sections the schema leaves open (channels, models…) are
 * edited as JSON5. Every field can be left "not set", which removes the key (the default applies).
 */
import type { ComponentChildren } from "preact";
import { DraftInput } from "./draft-input.tsx";
import type { JsonSchema } from "./schema-check.ts";

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);

/** The config's secret-named keys (src/config/redact-config.ts): their values never reach the page. */
const SECRET_KEYS = new Set(["token", "password", "secret", "apikey", "bottoken", "accesstoken", "refreshtoken", "privatekey", "clientsecret", "webhooksecret"]);
const isSecret = (key: string) => SECRET_KEYS.has(key.toLowerCase().replace(/[-_]/g, ""));
const REDACTED = "__OPENCLAW_REDACTED__";

interface Props {
  schema: JsonSchema;
  value: Obj;
  /** Errors by dotted key path, shown at their field. */
  errors: ReadonlyMap<string, string>;
  onChange(next: Obj): void;
}

/** A copy of `root` with `path` set to `value` (undefined removes it, and empty parents with it). */
function setAt(root: Obj, path: string[], value: unknown): Obj {
  const [key, ...rest] = path;
  const next: Obj = { ...root };
  if (rest.length === 0) {
    if (value === undefined) delete next[key!];
    else next[key!] = value;
    return next;
  }
  const child = setAt(isObject(root[key!]) ? (root[key!] as Obj) : {}, rest, value);
  if (Object.keys(child).length === 0) delete next[key!];
  else next[key!] = child;
  return next;
}

const getAt = (root: unknown, path: string[]): unknown => path.reduce<unknown>((node, key) => (isObject(node) ? node[key] : undefined), root);

/** Whether the form can show this schema node as one field. */
function leafKind(s: JsonSchema): "enum" | "boolean" | "integer" | "number" | "string" | "strings" | null {
  if (Array.isArray(s.enum)) return "enum";
  if (s.type === "boolean" || s.type === "integer" || s.type === "number" || s.type === "string") return s.type;
  if (s.type === "array" && isObject(s.items) && (s.items as JsonSchema).type === "string") return "strings";
  return null;
}

export function ConfigForm({ schema, value, errors, onChange }: Props) {
  const set = (path: string[], v: unknown) => onChange(setAt(value, path, v));

  const field = (s: JsonSchema, path: string[]): ComponentChildren => {
    const id = `cf-${path.join("-")}`;
    const key = path[path.length - 1]!;
    const current = getAt(value, path);
    const error = errors.get(path.join("."));
    const described = error ? `${id}-error` : undefined;
    const kind = leafKind(s);
    let input: ComponentChildren;
    if (kind === "enum" || kind === "boolean") {
      const options = kind === "boolean" ? [true, false] : (s.enum as unknown[]);
      input = (
        <select id={id} aria-describedby={described} value={current === undefined ? "" : JSON.stringify(current)} onChange={(e) => set(path, e.currentTarget.value === "" ? undefined : JSON.parse(e.currentTarget.value))}>
          <option value="">not set (default)</option>
          {options.map((o) => (
            <option key={String(o)} value={JSON.stringify(o)}>
              {String(o)}
            </option>
          ))}
        </select>
      );
    } else if (kind === "strings") {
      input = (
        <DraftInput
          id={id}
          multiline
          describedBy={`${id}-hint ${described ?? ""}`}
          shown={Array.isArray(current) ? current.join("\n") : ""}
          commit={(text) => {
            const items = text.split("\n").map((l) => l.trim()).filter(Boolean);
            set(path, items.length > 0 ? items : undefined);
          }}
        />
      );
    } else if (kind === "string" && isSecret(key)) {
      input = (
        <DraftInput
          id={id}
          type="password"
          describedBy={described}
          placeholder={current === REDACTED ? "set (hidden): type to replace" : "not set"}
          shown={current === REDACTED || typeof current !== "string" ? "" : current}
          commit={(text) => set(path, text === "" ? (current === REDACTED ? REDACTED : undefined) : text)}
        />
      );
    } else {
      const numeric = kind === "integer" || kind === "number";
      input = (
        <DraftInput
          id={id}
          inputMode={kind === "integer" ? "numeric" : numeric ? "decimal" : "text"}
          describedBy={described}
          placeholder="not set (default)"
          shown={current === undefined || current === null ? "" : String(current)}
          // A number that does not parse stays text, so the schema check names the field.
          commit={(text) => set(path, text === "" ? undefined : numeric && text.trim() !== "" && Number.isFinite(Number(text)) ? Number(text) : text)}
        />
      );
    }
    return (
      <div class="field form-field" key={id}>
        <label for={id}>{key}</label>
        {input}
        {kind === "strings" && (
          <span class="muted" id={`${id}-hint`}>
            one per line
          </span>
        )}
        {error && (
          <span class="error-text" id={described}>
            {error}
          </span>
        )}
      </div>
    );
  };

  const group = (s: JsonSchema, path: string[]): ComponentChildren => {
    const props = isObject(s.properties) ? (s.properties as Record<string, JsonSchema>) : {};
    return Object.entries(props).map(([key, child]) => {
      const childPath = [...path, key];
      if (leafKind(child)) return field(child, childPath);
      if (child.type === "object" && isObject(child.properties)) {
        return (
          <fieldset class="form-group" key={childPath.join(".")}>
            <legend>{childPath.join(".")}</legend>
            {group(child, childPath)}
          </fieldset>
        );
      }
      return null;
    });
  };

  const sections = Object.entries(isObject(schema.properties) ? (schema.properties as Record<string, JsonSchema>) : {}).filter(
    ([key, s]) => key !== "meta" && s.type === "object" && isObject(s.properties),
  );
  return (
    <div class="config-form">
      {sections.map(([key, s]) => (
        <details key={key} open={key === "gateway"}>
          <summary>{key}</summary>
          {group(s, [key])}
        </details>
      ))}
      <p class="muted">Other sections (channels, models, agents’ lists, hooks…) are edited in the JSON5 view.</p>
    </div>
  );
}

/** `gateway.port: must be …` → the map the form shows errors from. */
export function errorsByPath(errors: readonly string[]): Map<string, string> {
  const map = new Map<string, string>();
  for (const e of errors) {
    const m = /^([^:\s]+): (.*)$/.exec(e);
    if (m && !map.has(m[1]!)) map.set(m[1]!, m[2]!);
  }
  return map;
}
