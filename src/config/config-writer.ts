/**
 * The one way the config file is changed, in the gateway and in the CLI alike. One update is
 * a critical section per config path: read → base-hash check → edit → validate → durable write →
 * apply. Updates of the same path queue behind each other (process-wide), so of two writers
 * holding the same base hash exactly one succeeds and the other gets a ConfigConflictError,
 * and nothing another writer acknowledged is ever silently overwritten.
 *
 * Each text is parsed once: the current file (on demand, by the edit), and the new text right
 * before it is validated, so the object that is validated and applied is exactly what is on disk.
 */
import { createHash } from "node:crypto";
import { readFile, rm } from "node:fs/promises";
import type { OpenClawConfig } from "../../protocol/config-schema.ts";
import { VERSION } from "../version.ts";
import { parseDocument, type ConfigObject } from "./config-document.ts";
import { runExclusive } from "./path-queue.ts";
import { checkConfig, type ConfigFile } from "./read-config.ts";
import { staleTempFiles, writeConfigAtomic } from "./write-config.ts";

/** Hex SHA-256 of the file's text, `""` when there is no file: what `config.get` reports as `hash`. */
export function hashConfigText(raw: string | null): string {
  return raw === null ? "" : createHash("sha256").update(raw).digest("hex");
}

export type ConflictReason = "base-hash-required" | "base-hash-mismatch";

/** The file is not the one the caller read; nothing was written. */
export class ConfigConflictError extends Error {
  constructor(
    readonly path: string,
    readonly reason: ConflictReason,
  ) {
    super(
      reason === "base-hash-required"
        ? `config ${path} exists; a base hash of the text it was read as is required`
        : `config ${path} changed since it was read (base hash mismatch); nothing was written, run the command again`,
    );
    this.name = "ConfigConflictError";
  }
}

/** The file as the update found it, inside the critical section. */
export interface CurrentConfig {
  readonly path: string;
  /** The file's text; null when there is no file. */
  readonly raw: string | null;
  readonly hash: string;
  /**
   * The text parsed as JSON5 but not validated (an empty or missing file is `{}`), so edits can
   * repair a file that does not validate. Parsed on first call; the edit may change and return
   * it. Throws ConfigError when the text is not a JSON5 object.
   */
  document(): ConfigObject;
}

/** Builds the new config from the current one; throw to refuse (nothing is written). */
export type ConfigEdit = (current: CurrentConfig) => ConfigObject;

export interface ConfigUpdate {
  /** The config file. Updates of the same (resolved) path run one at a time. */
  path: string;
  /**
   * The hash the caller read (`config.get`'s `hash`, `""` for no file). When given, the update
   * happens only if the file still hashes to it. `null`: the caller has none, which is fine only
   * while there is no file. Omitted (default): no check, the edit applies to whatever is there.
   */
  baseHash?: string | null;
  edit: ConfigEdit;
  /** Runs after validation and before anything is written; throw to refuse the update. */
  check?: (next: { config: OpenClawConfig; warnings: readonly string[] }) => void;
  /**
   * Runs once the new file is in place, still inside the critical section, so whoever makes the
   * new config live does it before the next update reads the file. A throw is passed on, but
   * the file is already written by then. Default: nothing.
   */
  apply?: (file: ConfigFile) => void | Promise<void>;
  /** Clock for `meta.lastTouchedAt`; default `Date.now`. */
  now?: () => number;
}

export interface ConfigUpdateResult {
  /** The file as written: its text and the validated config parsed from it. */
  file: ConfigFile;
  /** The new text's hash: the base for the caller's next update. */
  hash: string;
}

/**
 * Validates the edited config and replaces the file atomically (mode 0600, previous file kept as
 * `.bak`), stamping `meta.lastTouchedVersion`/`lastTouchedAt` as the reference does. Throws
 * ConfigConflictError or ConfigError (invalid result), or whatever the edit or check threw, and
 * then writes nothing.
 */
export function updateConfig(update: ConfigUpdate): Promise<ConfigUpdateResult> {
  return runExclusive(update.path, () => commit(update));
}

/**
 * Removes temp files an interrupted write left beside the config (`<config>.*.tmp`, see
 * `staleTempFiles`); they hold the whole config, token included. Queued like an update, so it
 * never removes a temp file of a write of this process. Returns the removed paths.
 */
export function removeStaleTempFiles(configPath: string): Promise<string[]> {
  return runExclusive(configPath, async () => {
    const stale = await staleTempFiles(configPath);
    for (const file of stale) await rm(file, { force: true });
    return stale;
  });
}

async function readText(path: string): Promise<string | null> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}

const isObject = (value: unknown): value is ConfigObject => value !== null && typeof value === "object" && !Array.isArray(value);

async function commit(update: ConfigUpdate): Promise<ConfigUpdateResult> {
  const { path } = update;
  const raw = await readText(path);
  const hash = hashConfigText(raw);
  if (update.baseHash === null && raw !== null) throw new ConfigConflictError(path, "base-hash-required");
  if (typeof update.baseHash === "string" && update.baseHash !== hash) throw new ConfigConflictError(path, "base-hash-mismatch");

  let parsed: { doc: ConfigObject } | { error: unknown } | undefined;
  const document = (): ConfigObject => {
    if (!parsed) {
      try {
        parsed = { doc: parseDocument(path, raw) };
      } catch (error) {
        parsed = { error };
      }
    }
    if ("error" in parsed) throw parsed.error;
    return parsed.doc;
  };
  const doc = update.edit({ path, raw, hash, document });

  const meta = isObject(doc.meta) ? doc.meta : {};
  const stampedAt = new Date((update.now ?? Date.now)()).toISOString();
  const text = JSON.stringify({ ...doc, meta: { ...meta, lastTouchedVersion: VERSION, lastTouchedAt: stampedAt } }, null, 2) + "\n";
  // JSON drops `undefined` and turns NaN into null: validate and apply what the file will say.
  const { config, warnings } = checkConfig(path, JSON.parse(text));
  update.check?.({ config, warnings });
  await writeConfigAtomic(path, text);
  const file: ConfigFile = { path, exists: true, raw: text, config, warnings };
  await update.apply?.(file);
  return { file, hash: hashConfigText(text) };
}
