/**
 * The embedded store: one bun:sqlite file in the state dir (`gateway.sqlite`), WAL mode, with
 * versioned migrations. It holds what must survive a crash; later features add their tables
 * as new migrations.
 */
import { Database } from "bun:sqlite";
import { chmodSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { migrations } from "./migrations.ts";

export const STORE_FILE = "gateway.sqlite";

export class StoreError extends Error {
  override name = "StoreError";
}

export function openStore(stateDir: string): Database {
  const path = join(stateDir, STORE_FILE);
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  let db: Database;
  try {
    db = new Database(path, { create: true, strict: true });
    chmodSync(path, 0o600);
  } catch (error) {
    throw new StoreError(`cannot open the store ${path}: ${(error as Error).message}`);
  }
  db.run("PRAGMA journal_mode = WAL");
  db.run("PRAGMA synchronous = NORMAL");
  db.run("PRAGMA foreign_keys = ON");
  db.run("PRAGMA busy_timeout = 5000");
  migrate(db, path);
  return db;
}

function migrate(db: Database, path: string): void {
  const { user_version: current } = db.query<{ user_version: number }, []>("PRAGMA user_version").get()!;
  if (current > migrations.length) {
    throw new StoreError(
      `the store ${path} is at schema version ${current}, newer than this build knows (${migrations.length}); upgrade openclaw`,
    );
  }
  for (let version = current + 1; version <= migrations.length; version++) {
    db.transaction(() => {
      db.run(migrations[version - 1]!);
      db.run(`PRAGMA user_version = ${version}`);
    })();
  }
}
