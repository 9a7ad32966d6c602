/** The raw editor's text as the gateway would judge it: JSON5 first, then `config.schema`. */
import { parseJson5, Json5Error } from "./json5.ts";
import { checkAgainstSchema, type JsonSchema } from "./schema-check.ts";

export interface DraftCheck {
  /** Mistakes that would make the gateway refuse the save. */
  errors: string[];
  /** Unknown keys: saved, but ignored by the gateway. */
  warnings: string[];
  hasComments: boolean;
  /** The schema had not arrived: only the syntax was checked. */
  syntaxOnly: boolean;
  /** The parsed config when the text is a JSON5 object (for the form view). */
  value: Record<string, unknown> | null;
}

export function checkDraft(text: string, schema: JsonSchema | null): DraftCheck {
  let parsed;
  try {
    parsed = parseJson5(text.trim() === "" ? "{}" : text);
  } catch (error) {
    const message = error instanceof Json5Error ? error.message : String(error);
    return { errors: [`not valid JSON5: ${message}`], warnings: [], hasComments: false, syntaxOnly: schema === null, value: null };
  }
  const { value, hasComments } = parsed;
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return { errors: ["(root): the config must be an object ({ … })"], warnings: [], hasComments, syntaxOnly: schema === null, value: null };
  }
  const config = value as Record<string, unknown>;
  if (!schema) return { errors: [], warnings: [], hasComments, syntaxOnly: true, value: config };
  return { ...checkAgainstSchema(schema, value), hasComments, syntaxOnly: false, value: config };
}

/** Whether a text has comments (the file as loaded, to warn before they are lost). */
export function textHasComments(text: string): boolean {
  try {
    return parseJson5(text).hasComments;
  } catch {
    return /\/\/|\/\*/.test(text);
  }
}
