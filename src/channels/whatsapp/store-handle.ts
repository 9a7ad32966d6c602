/**
 * The gateway store (`<stateDir>/gateway.sqlite`) as the WhatsApp channel opens it: factories
 * get a state dir, not the gateway's handle, so the channel keeps one connection per state
 * dir for the process (WAL lets it share the file with the gateway's). A handle whose file
 * was replaced (a test removed the dir, a restore) is opened afresh instead of writing into a
 * deleted file.
 */
import type { Database } from "bun:sqlite";
import { statSync } from "node:fs";
import { join } from "node:path";
import { openStore, STORE_FILE } from "../../store/database.ts";

const handles = new Map<string, { db: Database; ino: number }>();

function inodeOf(stateDir: string): number | null {
  try {
    return statSync(join(stateDir, STORE_FILE)).ino;
  } catch {
    return null;
  }
}

export function whatsappStore(stateDir: string): Database {
  const cached = handles.get(stateDir);
  const ino = inodeOf(stateDir);
  if (cached && ino === cached.ino) return cached.db;
  if (cached) {
    handles.delete(stateDir);
    cached.db.close(false);
  }
  const db = openStore(stateDir);
  handles.set(stateDir, { db, ino: inodeOf(stateDir) ?? -1 });
  return db;
}

/** Only when the store file already exists: listing accounts must not create a state dir. */
export function existingWhatsappStore(stateDir: string): Database | null {
  return inodeOf(stateDir) === null ? null : whatsappStore(stateDir);
}

/** Closes every handle (tests that remove their state dirs). */
export function closeWhatsappStores(): void {
  for (const { db } of handles.values()) db.close(false);
  handles.clear();
}
