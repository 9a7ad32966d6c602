/** `config.*`: read, replace, patch and apply the config file over the control plane (protocol.md §6 Config). */
import { method } from "../method-record.ts";
import { t, type Static } from "../schema-builder.ts";
import { Scopes } from "../scopes.ts";
import { EmptyParams } from "./system.ts";

/** Stands in for secret values in everything `config.*` returns; written back, it keeps the current value. */
export const REDACTED = "__OPENCLAW_REDACTED__";

export const ConfigWriteParams = t.object({
  /** The whole new config (`set`, `apply`) or a merge patch (`patch`), as JSON5 text. */
  raw: t.string({ maxLength: 1_000_000 }),
  /** `hash` from the `config.get` this edit is based on; required when the file exists. */
  baseHash: t.optional(t.string({ maxLength: 128 })),
  sessionKey: t.optional(t.string({ maxLength: 256 })),
  note: t.optional(t.string({ maxLength: 1024 })),
  restartDelayMs: t.optional(t.integer({ minimum: 0, maximum: 60_000 })),
});
export type ConfigWriteParams = Static<typeof ConfigWriteParams>;

export const ConfigSnapshot = t.object({
  path: t.string(),
  exists: t.boolean(),
  raw: t.nullable(t.string()),
  parsed: t.unknown(),
  valid: t.boolean(),
  config: t.unknown(),
  /** Hex SHA-256 of the file's text ("" when there is no file). */
  hash: t.string(),
  issues: t.array(t.string()),
  warnings: t.array(t.string()),
  legacyIssues: t.array(t.string()),
});
export type ConfigSnapshot = Static<typeof ConfigSnapshot>;

export const configMethods = {
  "config.get": method({ params: EmptyParams, result: ConfigSnapshot, scope: Scopes.READ }),
  "config.schema": method({ params: EmptyParams, scope: Scopes.ADMIN }),
  "config.set": method({ params: ConfigWriteParams, scope: Scopes.ADMIN }),
  "config.patch": method({ params: ConfigWriteParams, scope: Scopes.ADMIN }),
  "config.apply": method({ params: ConfigWriteParams, scope: Scopes.ADMIN }),
};
