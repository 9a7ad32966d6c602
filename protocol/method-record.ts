/**
 * One record per method: what its params and result look like, who may call it, and whether a
 * repeat with the same `idempotencyKey` must return the first outcome. Everything else about a
 * method (the scope table, the compiled validators, the schema bundle, handler types) is
 * derived from these records, so a method is described once, in its `methods/<area>.ts`.
 */
import type { Role, Scope } from "./scopes.ts";
import type { Schema, Static } from "./schema-builder.ts";

export interface MethodRecord<P extends Schema = Schema, R extends Schema | undefined = Schema | undefined> {
  params: P;
  /** The result's shape, where the gateway promises one (clients generate types from it). */
  result?: R;
  /** Roles allowed to call; default `["operator"]`. */
  roles: readonly Role[];
  /** The operator scope needed, or null when any allowed role may call it (health, node-only methods). */
  scope: Scope | null;
  /** The params carry an `idempotencyKey`; a repeat returns the first outcome instead of running again. */
  idempotent: boolean;
}

interface MethodSpec<P extends Schema, R extends Schema | undefined> {
  params: P;
  result?: R;
  roles?: readonly Role[];
  scope: Scope | null;
  idempotent?: boolean;
}

/** Fills in the defaults of a method record (operators only, not idempotent). */
export function method<P extends Schema, R extends Schema | undefined = undefined>(spec: MethodSpec<P, R>): MethodRecord<P, R> {
  return Object.freeze({ roles: ["operator"] as const, idempotent: false, ...spec }) as MethodRecord<P, R>;
}

export type ParamsOfRecord<M> = M extends MethodRecord<infer P, Schema | undefined> ? Static<P> : never;
export type ResultOfRecord<M> = M extends { result: infer R extends Schema } ? Static<R> : unknown;

/** A method name as a JavaScript identifier, for the compiled validator's export name. */
export function validatorName(method: string): string {
  return `params_${method.replace(/[^A-Za-z0-9]/g, "_")}`;
}
