/**
 * Checks tool arguments against the tool's JSON Schema. Only the subset the tool schemas use is
 * understood (see `KNOWN_KEYWORDS`), which keeps ajv's compiler off the gateway's start path;
 * a schema using anything else is refused when the registry is built, never half-checked.
 */
import type { JsonSchema } from "../../../protocol/schema-builder.ts";

const KNOWN_KEYWORDS = new Set([
  "type", "properties", "required", "additionalProperties", "items", "enum", "const", "anyOf",
  "minLength", "maxLength", "pattern", "minimum", "maximum", "minItems", "maxItems", "description",
]);

/** Errors reported per call; the model needs the first few, not a page. */
const MAX_PROBLEMS = 5;

export class UnsupportedSchemaError extends Error {
  override name = "UnsupportedSchemaError";
}

/** Throws UnsupportedSchemaError naming the first keyword `checkArgs` would not enforce. */
export function assertSupportedSchema(schema: JsonSchema, where = "parameters"): void {
  for (const [keyword, value] of Object.entries(schema)) {
    if (!KNOWN_KEYWORDS.has(keyword)) throw new UnsupportedSchemaError(`${where}: unsupported schema keyword "${keyword}"`);
    if (keyword === "properties") {
      for (const [name, sub] of Object.entries(value as Record<string, JsonSchema>)) assertSupportedSchema(sub, `${where}.${name}`);
    } else if (keyword === "items" || (keyword === "additionalProperties" && typeof value === "object")) {
      assertSupportedSchema(value as JsonSchema, `${where}.${keyword}`);
    } else if (keyword === "anyOf") {
      (value as JsonSchema[]).forEach((sub, i) => assertSupportedSchema(sub, `${where}.anyOf[${i}]`));
    }
  }
}

/** null when `value` fits `schema`, else a readable summary (`at /limit: must be <= 1000`). */
export function checkArgs(schema: JsonSchema, value: unknown): string | null {
  const checker = new ArgChecker();
  checker.check(schema, value, "");
  const { problems } = checker;
  if (problems.length === 0) return null;
  const shown = problems.slice(0, MAX_PROBLEMS);
  if (problems.length > MAX_PROBLEMS) shown.push(`and ${problems.length - MAX_PROBLEMS} more`);
  return shown.join("; ");
}

function typeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

function fitsType(type: string, value: unknown): boolean {
  const actual = typeOf(value);
  return actual === type || (type === "number" && actual === "integer");
}

function article(type: string): string {
  if (type === "integer") return "an integer";
  return type === "object" || type === "array" ? `an ${type}` : `a ${type}`;
}

/** JSON Schema lengths count code points, not UTF-16 units. */
function codePoints(text: string, atLeast: number): number {
  if (text.length <= atLeast) return text.length;
  let count = 0;
  for (const _ of text) count++;
  return count;
}

/** Walks a value beside its schema, collecting every problem with where it is. */
class ArgChecker {
  readonly problems: string[] = [];

  check(schema: JsonSchema, value: unknown, at: string): void {
    if (Array.isArray(schema.anyOf)) {
      const fits = (schema.anyOf as JsonSchema[]).some((sub) => {
        const trial = new ArgChecker();
        trial.check(sub, value, at);
        return trial.problems.length === 0;
      });
      if (!fits) this.report(at, "does not match any allowed shape");
    }
    if (typeof schema.type === "string" && !fitsType(schema.type, value)) {
      this.report(at, `must be ${article(schema.type)}`);
      return;
    }
    if ("const" in schema && value !== schema.const) this.report(at, `must be ${JSON.stringify(schema.const)}`);
    if (Array.isArray(schema.enum) && !schema.enum.includes(value)) this.report(at, `must be one of ${schema.enum.map((v) => JSON.stringify(v)).join(", ")}`);
    if (typeof value === "string") this.string(schema, value, at);
    if (typeof value === "number") {
      if (typeof schema.minimum === "number" && value < schema.minimum) this.report(at, `must be >= ${schema.minimum}`);
      if (typeof schema.maximum === "number" && value > schema.maximum) this.report(at, `must be <= ${schema.maximum}`);
    }
    if (Array.isArray(value)) this.array(schema, value, at);
    else if (typeOf(value) === "object") this.object(schema, value as Record<string, unknown>, at);
  }

  private report(at: string, message: string): void {
    this.problems.push(`at ${at || "/"}: ${message}`);
  }

  private string(schema: JsonSchema, value: string, at: string): void {
    if (typeof schema.minLength === "number" && codePoints(value, schema.minLength) < schema.minLength) this.report(at, `must have at least ${schema.minLength} characters`);
    if (typeof schema.maxLength === "number" && codePoints(value, schema.maxLength) > schema.maxLength) this.report(at, `must have at most ${schema.maxLength} characters`);
    if (typeof schema.pattern === "string" && !new RegExp(schema.pattern, "u").test(value)) this.report(at, `must match ${schema.pattern}`);
  }

  private array(schema: JsonSchema, value: unknown[], at: string): void {
    if (typeof schema.minItems === "number" && value.length < schema.minItems) this.report(at, `must have at least ${schema.minItems} items`);
    if (typeof schema.maxItems === "number" && value.length > schema.maxItems) this.report(at, `must have at most ${schema.maxItems} items`);
    const items = schema.items as JsonSchema | undefined;
    if (items) value.forEach((item, i) => this.check(items, item, `${at}/${i}`));
  }

  private object(schema: JsonSchema, value: Record<string, unknown>, at: string): void {
    const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
    for (const name of (schema.required ?? []) as string[]) {
      if (!Object.hasOwn(value, name)) this.report(at, `missing required argument '${name}'`);
    }
    const extra = schema.additionalProperties;
    for (const [name, item] of Object.entries(value)) {
      // hasOwn: `constructor` or `__proto__` as an argument name is just an unknown argument.
      if (Object.hasOwn(properties, name)) this.check(properties[name]!, item, `${at}/${name}`);
      else if (extra === false) this.report(at, `unknown argument '${name}'`);
      else if (typeof extra === "object" && extra !== null) this.check(extra as JsonSchema, item, `${at}/${name}`);
    }
  }
}
