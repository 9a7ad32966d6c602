/**
 * Checks a config against the JSON Schema `config.schema` returns, in the browser, before it
 * is sent: the subset our schema builder emits (type, properties/required,
 * additionalProperties, items, enum, const, anyOf, lengths, bounds, pattern, $ref). As on the
 * gateway, wrong values are errors and unknown keys in closed sections are warnings.
 */
export type JsonSchema = { [keyword: string]: unknown };

export interface SchemaReport {
  errors: string[];
  warnings: string[];
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

function typeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

const fits = (type: string, value: unknown) => {
  const actual = typeOf(value);
  return actual === type || (type === "number" && actual === "integer");
};

const where = (path: string[]) => (path.length > 0 ? path.join(".") : "(root)");

export function checkAgainstSchema(schema: JsonSchema, value: unknown): SchemaReport {
  const report: SchemaReport = { errors: [], warnings: [] };
  const definitions = isObject(schema.definitions) ? schema.definitions : {};

  const resolve = (s: JsonSchema): JsonSchema => {
    const ref = typeof s.$ref === "string" ? /^#\/definitions\/(.+)$/.exec(s.$ref)?.[1] : undefined;
    return ref && isObject(definitions[ref]) ? (definitions[ref] as JsonSchema) : s;
  };

  const visit = (raw: JsonSchema, v: unknown, path: string[], out: SchemaReport) => {
    const s = resolve(raw);
    const at = where(path);
    if (Array.isArray(s.anyOf)) {
      const tries = s.anyOf.map((variant) => {
        const r: SchemaReport = { errors: [], warnings: [] };
        visit(variant as JsonSchema, v, path, r);
        return r;
      });
      const ok = tries.find((r) => r.errors.length === 0);
      if (ok) out.warnings.push(...ok.warnings);
      else out.errors.push(`${at}: does not match any allowed form (${tries.map((r) => r.errors[0]?.replace(`${at}: `, "")).join("; or ")})`);
      return;
    }
    if ("const" in s && v !== s.const) {
      out.errors.push(`${at}: must be ${JSON.stringify(s.const)}`);
      return;
    }
    if (typeof s.type === "string" && !fits(s.type, v)) {
      out.errors.push(`${at}: must be ${s.type === "integer" ? "a whole number" : s.type === "object" ? "an object" : s.type === "array" ? "a list" : `a ${s.type}`}`);
      return;
    }
    if (Array.isArray(s.enum) && !s.enum.includes(v)) {
      out.errors.push(`${at}: must be one of ${s.enum.map((e) => JSON.stringify(e)).join(", ")}`);
      return;
    }
    if (typeof v === "string") {
      if (typeof s.minLength === "number" && v.length < s.minLength) out.errors.push(`${at}: must have at least ${s.minLength} characters`);
      if (typeof s.maxLength === "number" && v.length > s.maxLength) out.errors.push(`${at}: must have at most ${s.maxLength} characters`);
      if (typeof s.pattern === "string" && !new RegExp(s.pattern, "u").test(v)) out.errors.push(`${at}: does not have the expected form`);
    }
    if (typeof v === "number") {
      if (typeof s.minimum === "number" && v < s.minimum) out.errors.push(`${at}: must be at least ${s.minimum}`);
      if (typeof s.maximum === "number" && v > s.maximum) out.errors.push(`${at}: must be at most ${s.maximum}`);
    }
    if (Array.isArray(v)) {
      if (typeof s.minItems === "number" && v.length < s.minItems) out.errors.push(`${at}: must have at least ${s.minItems} entries`);
      if (typeof s.maxItems === "number" && v.length > s.maxItems) out.errors.push(`${at}: must have at most ${s.maxItems} entries`);
      if (isObject(s.items)) v.forEach((item, i) => visit(s.items as JsonSchema, item, [...path, String(i)], out));
    }
    if (isObject(v)) {
      const props = isObject(s.properties) ? s.properties : {};
      for (const key of Array.isArray(s.required) ? s.required : []) {
        if (typeof key === "string" && !(key in v)) out.errors.push(`${where([...path, key])}: is required`);
      }
      for (const [key, item] of Object.entries(v)) {
        if (Object.hasOwn(props, key)) visit(props[key] as JsonSchema, item, [...path, key], out);
        else if (s.additionalProperties === false) out.warnings.push(`unknown config key ${where([...path, key])} (ignored)`);
        else if (isObject(s.additionalProperties)) visit(s.additionalProperties, item, [...path, key], out);
      }
    }
  };

  visit(schema, value, [], report);
  return report;
}
