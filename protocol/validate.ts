/**
 * ajv validators built from the generated JSON Schema (schema/protocol.schema.json), compiled
 * lazily on first use so start-up pays only for the frames it actually sees.
 */
import Ajv, { type ErrorObject, type ValidateFunction } from "ajv";
import bundle from "./schema/protocol.schema.json" with { type: "json" };
import type { DefinitionName } from "./index.ts";

// The bundle is generated and checked in CI, so ajv need not validate it again at every start
// (that costs about 12 ms and 6 MB).
const ajv = new Ajv({ allErrors: true, strict: false, coerceTypes: false, useDefaults: false, validateSchema: false });
ajv.addSchema(bundle);
const compiled = new Map<DefinitionName, ValidateFunction>();

export type ValidationResult<T> = { ok: true; value: T } | { ok: false; errors: string };

/** Validates `value` against a named definition; on failure returns a readable summary. */
export function validate<T = unknown>(name: DefinitionName, value: unknown): ValidationResult<T> {
  let fn = compiled.get(name);
  if (!fn) {
    fn = ajv.getSchema(`${bundle.$id}#/definitions/${name}`);
    if (!fn) throw new Error(`no protocol definition named ${name}`);
    compiled.set(name, fn);
  }
  return fn(value) ? { ok: true, value: value as T } : { ok: false, errors: formatErrors(fn.errors ?? []) };
}

/** `at /client/id: must be string; at root: must have required property 'minProtocol'`. */
export function formatErrors(errors: readonly ErrorObject[], limit = 5): string {
  const lines = errors.slice(0, limit).map((e) => {
    const where = e.instancePath === "" ? "root" : e.instancePath;
    const extra = e.keyword === "enum" ? ` (${(e.params as { allowedValues: unknown[] }).allowedValues.join(", ")})` : "";
    return `at ${where}: ${e.message ?? "invalid"}${extra}`;
  });
  if (errors.length > limit) lines.push(`and ${errors.length - limit} more`);
  return lines.join("; ");
}
