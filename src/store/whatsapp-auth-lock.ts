/**
 * The per-account WhatsApp auth lock row (`whatsapp_auth_locks`). Taking it over is a
 * compare-and-swap on the owner token inside one IMMEDIATE transaction, so two processes that
 * both judged the same holder dead cannot both end up holding the lock.
 */
import type { Database } from "bun:sqlite";

export interface AuthLockRow {
  accountId: string;
  /** Random token of this acquisition: only its owner refreshes or deletes the row. */
  owner: string;
  pid: number;
  /** Linux `/proc/sys/kernel/random/boot_id`; null elsewhere. */
  bootId: string | null;
  /** Linux pid namespace (`/proc/self/ns/pid`): pids compare only within one. */
  pidNs: string | null;
  /** The holder process's start time as the OS reports it (Linux: clock ticks after boot). */
  procStart: string | null;
  host: string;
  startedAt: number;
  heartbeatAt: number;
  /** How often the holder refreshes `heartbeatAt`, so a watcher knows how long to look. */
  heartbeatMs: number;
}

interface Row {
  account_id: string;
  owner: string;
  pid: number;
  boot_id: string | null;
  pid_ns: string | null;
  proc_start: string | null;
  host: string;
  started_at: number;
  heartbeat_at: number;
  heartbeat_ms: number;
}

const toLock = (row: Row): AuthLockRow => ({
  accountId: row.account_id,
  owner: row.owner,
  pid: row.pid,
  bootId: row.boot_id,
  pidNs: row.pid_ns,
  procStart: row.proc_start,
  host: row.host,
  startedAt: row.started_at,
  heartbeatAt: row.heartbeat_at,
  heartbeatMs: row.heartbeat_ms,
});

export class WhatsAppAuthLockStore {
  constructor(private readonly db: Database) {}

  read(accountId: string): AuthLockRow | null {
    const row = this.db.query<Row, [string]>("SELECT * FROM whatsapp_auth_locks WHERE account_id = ?").get(accountId);
    return row ? toLock(row) : null;
  }

  /** Writes `lock` if the current holder is still `expectedOwner` (null: no row); false otherwise. */
  swap(expectedOwner: string | null, lock: AuthLockRow): boolean {
    return this.db.transaction(() => {
      if ((this.read(lock.accountId)?.owner ?? null) !== expectedOwner) return false;
      this.db
        .query(
          `INSERT OR REPLACE INTO whatsapp_auth_locks
             (account_id, owner, pid, boot_id, pid_ns, proc_start, host, started_at, heartbeat_at, heartbeat_ms)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(lock.accountId, lock.owner, lock.pid, lock.bootId, lock.pidNs, lock.procStart, lock.host, lock.startedAt, lock.heartbeatAt, lock.heartbeatMs);
      return true;
    }).immediate();
  }

  /** Refreshes the holder's heartbeat; false when `owner` no longer holds the lock. */
  heartbeat(accountId: string, owner: string, now: number): boolean {
    return this.db.query("UPDATE whatsapp_auth_locks SET heartbeat_at = ? WHERE account_id = ? AND owner = ?").run(now, accountId, owner).changes === 1;
  }

  release(accountId: string, owner: string): void {
    this.db.query("DELETE FROM whatsapp_auth_locks WHERE account_id = ? AND owner = ?").run(accountId, owner);
  }
}
