/**
 * `doctor --import` for WhatsApp: an OpenClaw multi-file Baileys session
 * (`<dir>/credentials/whatsapp/<accountId>/`: `creds.json` and `<type>-<id>.json`, BufferJSON)
 * goes into the store as it is, so the link survives the move and nobody scans a QR again.
 *
 * Values are copied as stored text, never revived, so Baileys is not loaded. A key whose file
 * name may not be its id (Baileys wrote `:` as `-` and `/` as `__`) is kept under the file
 * name and found by it on first use (see `auth-state.ts`). A truncated `creds.json` falls back
 * to OpenClaw's `creds.json.bak`. An account we have linked is kept unless `force`, and then
 * ours is backed up first; an account a running gateway holds is left alone.
 */
import type { Database } from "bun:sqlite";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { writeAuthBackup } from "../channels/whatsapp/auth-backup.ts";
import { acquireWhatsAppAuthLock, WhatsAppAuthLockedError } from "../channels/whatsapp/auth-lock.ts";
import { isExactFileId, parseKeyFileName } from "../channels/whatsapp/multi-file-layout.ts";
import { WhatsAppAuthStore, type KeyRow } from "../store/whatsapp-auth.ts";

export interface WhatsAppImport {
  accountId: string;
  /** `kept-ours`: we have a linked session for this account (pass `force`); `skipped`: see `problems`. */
  status: "imported" | "kept-ours" | "skipped";
  /** Signal keys imported. */
  keys: number;
  /** The imported creds are linked to a phone (`me.id`), as this JID. */
  linkedAs: string | null;
  /** `creds.json` was unreadable and `creds.json.bak` was used. */
  credsFromBackup: boolean;
  /** Where our replaced session was backed up (`force`). */
  backup?: string;
  /** Why the account was skipped, and files that were not imported. */
  problems: string[];
}

export interface ImportWhatsAppOptions {
  /** The other installation's state dir. */
  sourceDir: string;
  /** Ours: backups go under it. */
  stateDir: string;
  /** Our store (`openStore(stateDir)`). */
  db: Database;
  /** Replace accounts we have linked, after backing them up. Default false. */
  force?: boolean;
  /** Clock for `updated_at` and backup names. Default `Date.now`. */
  now?: () => number;
}

interface Session {
  creds: string | null;
  credsFromBackup: boolean;
  keys: KeyRow[];
  legacyKeys: KeyRow[];
  problems: string[];
}

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === "object" && !Array.isArray(value);

/** Why parsed creds cannot be a Baileys session, or null. */
function credsProblem(creds: unknown): string | null {
  if (!isObject(creds)) return "not an object";
  for (const field of ["noiseKey", "signedIdentityKey", "signedPreKey"]) if (!isObject(creds[field])) return `no ${field}`;
  if (typeof creds.registrationId !== "number") return "no registrationId";
  if (typeof creds.advSecretKey !== "string") return "no advSecretKey";
  return null;
}

/** Parses a file as JSON and returns it re-serialised (compact), or the reason it is unusable. */
async function readJson(path: string): Promise<{ text: string; value: unknown } | { error: string }> {
  try {
    const value: unknown = JSON.parse(await readFile(path, "utf8"));
    return { text: JSON.stringify(value), value };
  } catch (error) {
    return { error: error instanceof SyntaxError ? "not valid JSON (truncated?)" : (error as Error).message };
  }
}

async function readSession(dir: string): Promise<Session> {
  const session: Session = { creds: null, credsFromBackup: false, keys: [], legacyKeys: [], problems: [] };
  const names = (await readdir(dir, { withFileTypes: true })).filter((entry) => entry.isFile()).map((entry) => entry.name);
  for (const [name, fromBackup] of [["creds.json", false], ["creds.json.bak", true]] as const) {
    if (!names.includes(name)) continue;
    const read = await readJson(join(dir, name));
    const problem = "error" in read ? read.error : credsProblem(read.value);
    if (problem === null && "text" in read) {
      session.creds = read.text;
      session.credsFromBackup = fromBackup;
      break;
    }
    session.problems.push(`${name}: ${problem}`);
  }
  for (const name of names.sort()) {
    const key = parseKeyFileName(name);
    if (!key) continue;
    const read = await readJson(join(dir, name));
    if ("error" in read) {
      session.problems.push(`${name}: ${read.error}; not imported`);
      continue;
    }
    // The multi-file store deletes a key's file rather than writing null; a null is nothing.
    if (read.value === null) continue;
    const row = { type: key.type, id: key.fileId, value: read.text };
    (isExactFileId(key.fileId) ? session.keys : session.legacyKeys).push(row);
  }
  return session;
}

/** Imports one multi-file session folder as `accountId`. */
export async function importMultiFileSession(options: Omit<ImportWhatsAppOptions, "sourceDir"> & { dir: string; accountId: string }): Promise<WhatsAppImport> {
  const { db, dir, accountId, stateDir } = options;
  const now = options.now ?? Date.now;
  const session = await readSession(dir);
  const result: WhatsAppImport = { accountId, status: "skipped", keys: 0, linkedAs: null, credsFromBackup: session.credsFromBackup, problems: session.problems };
  if (session.creds === null) {
    result.problems.push("no usable creds.json (or creds.json.bak); nothing imported");
    return result;
  }
  const me = (JSON.parse(session.creds) as { me?: { id?: unknown } }).me?.id;
  result.linkedAs = typeof me === "string" && me !== "" ? me : null;

  let lock;
  try {
    lock = await acquireWhatsAppAuthLock({ db, accountId });
  } catch (error) {
    if (!(error instanceof WhatsAppAuthLockedError)) throw error;
    result.problems.push(error.message);
    return result;
  }
  try {
    const store = new WhatsAppAuthStore(db);
    // Unlinked creds of ours (a gateway started, never linked) are nothing to keep.
    if (store.linkedAs(accountId) !== null) {
      if (!options.force) return { ...result, status: "kept-ours" };
      result.backup = await writeAuthBackup({ stateDir, accountId, auth: store.exportAccount(accountId), now: now() });
    }
    store.replaceAuth(accountId, { creds: session.creds, keys: session.keys, legacyKeys: session.legacyKeys, now: now() });
    return { ...result, status: "imported", keys: session.keys.length + session.legacyKeys.length };
  } finally {
    lock.release();
  }
}

/** Imports every account folder under `<sourceDir>/credentials/whatsapp/`. */
export async function importWhatsAppSessions(options: ImportWhatsAppOptions): Promise<WhatsAppImport[]> {
  const root = join(options.sourceDir, "credentials", "whatsapp");
  const entries = await readdir(root, { withFileTypes: true }).catch(() => []);
  const results: WhatsAppImport[] = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (!entry.isDirectory()) continue;
    results.push(await importMultiFileSession({ ...options, dir: join(root, entry.name), accountId: entry.name }));
  }
  return results;
}
