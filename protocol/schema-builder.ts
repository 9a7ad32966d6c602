/**
 * A tiny JSON Schema builder that also carries the TypeScript type of what it describes.
 * The wire contract is written once with it; `protocol:gen` turns the same objects into the
 * committed JSON Schema, and `Static<typeof X>` gives the matching TypeScript type.
 *
 * Objects are open (extra keys allowed) on purpose: newer clients add fields, and the
 * gateway must stay lenient about unknown keys while being strict about types.
 */

declare const STATIC: unique symbol;
declare const OPTIONAL: unique symbol;

export type JsonSchema = { [keyword: string]: unknown };
export type Schema<T = unknown> = JsonSchema & { readonly [STATIC]?: T };
export type OptionalSchema<T = unknown> = Schema<T> & { readonly [OPTIONAL]?: true };
export type Static<S> = S extends Schema<infer T> ? T : never;

/** Marks a property as optional; kept out of the emitted JSON (symbols are not serialised). */
const optionalMark = Symbol("optional");

type Props = Record<string, Schema>;
type RequiredKeys<P extends Props> = { [K in keyof P]: P[K] extends OptionalSchema ? (typeof OPTIONAL extends keyof P[K] ? never : K) : K }[keyof P];
type OptionalKeys<P extends Props> = Exclude<keyof P, RequiredKeys<P>>;
type Flatten<T> = { [K in keyof T]: T[K] } & {};
type ObjectStatic<P extends Props> = Flatten<
  { [K in RequiredKeys<P>]: Static<P[K]> } & { [K in OptionalKeys<P>]?: Static<P[K]> }
>;

interface Annotations {
  description?: string;
}

/** Marks what this builder made, so `index.ts` can collect every exported schema as a definition. */
const schemaMark = Symbol("schema");

function make<T>(schema: JsonSchema): Schema<T> {
  Object.defineProperty(schema, schemaMark, { value: true, enumerable: false });
  return schema as Schema<T>;
}

/** Whether `value` was built with `t` (and so is a schema, not a record or a constant). */
export function isSchema(value: unknown): value is Schema {
  return typeof value === "object" && value !== null && schemaMark in value;
}

export const t = {
  string(opts: Annotations & { minLength?: number; maxLength?: number; pattern?: string } = {}) {
    return make<string>({ type: "string", ...opts });
  },
  integer(opts: Annotations & { minimum?: number; maximum?: number } = {}) {
    return make<number>({ type: "integer", ...opts });
  },
  number(opts: Annotations & { minimum?: number; maximum?: number } = {}) {
    return make<number>({ type: "number", ...opts });
  },
  boolean(opts: Annotations = {}) {
    return make<boolean>({ type: "boolean", ...opts });
  },
  null() {
    return make<null>({ type: "null" });
  },
  unknown(opts: Annotations = {}) {
    return make<unknown>({ ...opts });
  },
  literal<const L extends string | number | boolean>(value: L, opts: Annotations = {}) {
    return make<L>({ const: value, ...opts });
  },
  enum<const L extends string>(values: readonly L[], opts: Annotations = {}) {
    return make<L>({ type: "string", enum: [...values], ...opts });
  },
  array<S extends Schema>(items: S, opts: Annotations & { minItems?: number; maxItems?: number } = {}) {
    return make<Static<S>[]>({ type: "array", items, ...opts });
  },
  record<S extends Schema>(values: S, opts: Annotations = {}) {
    return make<Record<string, Static<S>>>({ type: "object", additionalProperties: values, ...opts });
  },
  /** An object; pass `additionalProperties: false` for a closed one (config uses that to spot unknown keys). */
  object<P extends Props>(properties: P, opts: Annotations & { additionalProperties?: boolean } = {}) {
    const required = Object.keys(properties).filter((key) => !(optionalMark in properties[key]!));
    return make<ObjectStatic<P>>({
      type: "object",
      properties,
      ...(required.length > 0 ? { required } : {}),
      ...opts,
    });
  },
  union<S extends Schema[]>(variants: [...S], opts: Annotations = {}) {
    return make<Static<S[number]>>({ anyOf: variants, ...opts });
  },
  nullable<S extends Schema>(schema: S) {
    return make<Static<S> | null>({ anyOf: [schema, { type: "null" }] });
  },
  optional<S extends Schema>(schema: S): S & { readonly [OPTIONAL]: true } {
    const copy = { ...schema };
    Object.defineProperty(copy, optionalMark, { value: true, enumerable: false });
    return copy as S & { readonly [OPTIONAL]: true };
  },
  /** A named reference to another definition in the bundle (`#/definitions/<name>`). */
  ref<T>(name: string) {
    return make<T>({ $ref: `#/definitions/${name}` });
  },
};
