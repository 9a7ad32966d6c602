/** `logs.tail`: read the gateway's JSON-lines file log from a byte cursor (protocol.md §6 Logs). */
import { method } from "../method-record.ts";
import { t, type Static } from "../schema-builder.ts";
import { Scopes } from "../scopes.ts";

export const LogsTailParams = t.object({
  /** Byte offset returned by the previous call; omitted = the last `maxBytes` of the file. */
  cursor: t.optional(t.integer({ minimum: 0 })),
  limit: t.optional(t.integer({ minimum: 1, maximum: 5000 })),
  maxBytes: t.optional(t.integer({ minimum: 1, maximum: 1_000_000 })),
});
export type LogsTailParams = Static<typeof LogsTailParams>;

export const LogsTailResult = t.object({
  file: t.string(),
  /** Where the next call continues: the end of the last complete line returned. */
  cursor: t.integer({ minimum: 0 }),
  size: t.integer({ minimum: 0 }),
  lines: t.array(t.string()),
  /** Older lines were left out (no cursor, or more than `limit` lines). */
  truncated: t.optional(t.boolean()),
  /** The cursor no longer fits the file (rotated, or too far behind); reading restarted near the end. */
  reset: t.optional(t.boolean()),
});
export type LogsTailResult = Static<typeof LogsTailResult>;

export const logsMethods = {
  "logs.tail": method({ params: LogsTailParams, result: LogsTailResult, scope: Scopes.READ }),
};
