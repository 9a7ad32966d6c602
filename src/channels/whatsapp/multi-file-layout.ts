/**
 * Facts about Baileys' multi-file auth folder (`useMultiFileAuthState`, which OpenClaw used):
 * `creds.json` plus one `<type>-<fileId>.json` per signal key, where the file id is the key id
 * with `/` written as `__` and `:` as `-`. That mapping loses information (ids may contain `-`
 * themselves), so a file name tells the key's id for sure only when neither mark appears.
 */

/** Baileys 7's signal key types (`SignalDataTypeMap`). */
export const SIGNAL_KEY_TYPES = [
  "pre-key",
  "session",
  "sender-key",
  "sender-key-memory",
  "app-state-sync-key",
  "app-state-sync-version",
  "lid-mapping",
  "device-list",
  "tctoken",
  "identity-key",
] as const;

// Longest first: `sender-key-memory-…` must not be read as a `sender-key` named `memory-…`.
const BY_LENGTH = [...SIGNAL_KEY_TYPES].sort((a, b) => b.length - a.length);

/** The file id Baileys' multi-file store gives a key id. */
export function multiFileId(id: string): string {
  return id.replaceAll("/", "__").replaceAll(":", "-");
}

/** `<type>-<fileId>.json` → its parts; null for creds, backups and anything else. */
export function parseKeyFileName(name: string): { type: string; fileId: string } | null {
  if (!name.endsWith(".json")) return null;
  const stem = name.slice(0, -".json".length);
  for (const type of BY_LENGTH) {
    if (stem.startsWith(`${type}-`) && stem.length > type.length + 1) return { type, fileId: stem.slice(type.length + 1) };
  }
  return null;
}

/** Whether a file id is certainly the key's own id (nothing in it can have been rewritten). */
export function isExactFileId(fileId: string): boolean {
  return !fileId.includes("-") && !fileId.includes("__");
}
