/**
 * Validation against the protocol's JSON Schema, with the validators ajv compiled ahead of time
 * (`protocol/schema/validators.ts`, written by `bun run protocol:gen`): the same checks as
 * compiling at run time, without loading ajv's compiler into the gateway.
 */
import type { ErrorObject } from "ajv";
import { validatorName } from "./method-record.ts";
import * as compiled from "./schema/validators.ts";

interface CompiledValidator {
  (value: unknown): boolean;
  errors?: ErrorObject[] | null;
}

const validators = compiled as unknown as Record<string, CompiledValidator>;

/** Definitions with a compiled validator besides method params: frames, connect params, the config file. */
export type ValidatedName = "RequestFrame" | "ConnectParams" | "OpenClawConfig";

export type ValidationResult<T> = { ok: true; value: T } | { ok: false; errors: string };

/** Validates `value` against a named definition; on failure returns a readable summary. */
export function validate<T = unknown>(name: ValidatedName, value: unknown): ValidationResult<T> {
  const fn = validators[name];
  if (!fn) throw new Error(`no compiled validator for ${name}; run bun run protocol:gen`);
  return fn(value) ? { ok: true, value: value as T } : { ok: false, errors: formatErrors(fn.errors ?? []) };
}

/** Validates the params of `method` (a name from the method records). */
export function validateParams<T = unknown>(method: string, value: unknown): ValidationResult<T> {
  const fn = validators[validatorName(method)];
  if (!fn) throw new Error(`no compiled validator for ${method} params; run bun run protocol:gen`);
  return fn(value) ? { ok: true, value: value as T } : { ok: false, errors: formatErrors(fn.errors ?? []) };
}

/** The raw ajv errors of the last failed check of `name` (the config loader sorts them into errors and warnings). */
export function lastErrors(name: ValidatedName): readonly ErrorObject[] {
  return validators[name]?.errors ?? [];
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
