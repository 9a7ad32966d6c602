/** Reading fields of provider JSON, which is checked rather than trusted. */

export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** A token count, or 0 when the provider sent none or nonsense. */
export function tokenCount(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : 0;
}

export function nonEmptyText(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

/**
 * Header names lowercased, `overrides` winning. The config's `headers` are the overrides: a header
 * the user wrote (a proxy's own Authorization) beats the one derived from the key, and two
 * spellings of one name never reach the wire as a combined value.
 */
export function mergeHeaders(defaults: Record<string, string>, overrides: Record<string, string>): Record<string, string> {
  const merged: Record<string, string> = {};
  for (const [name, value] of Object.entries(defaults)) merged[name.toLowerCase()] = value;
  for (const [name, value] of Object.entries(overrides)) merged[name.toLowerCase()] = value;
  return merged;
}
