/**
 * Which dashboard codes (`openclaw dashboard`) have been used, by nonce, so a restart within a
 * code's lifetime does not make it usable again. A code is first *claimed* by the device that
 * presents it (it may come back while its pairing waits for approval) and *consumed* once that
 * device is in; any other device, or a second sign-in, is refused. Expired rows are dropped on
 * the next claim: the code could not be used any more anyway.
 */
import type { Database } from "bun:sqlite";

export class BootstrapCodeStore {
  constructor(
    private readonly db: Database,
    private readonly now: () => number,
  ) {}

  /** `ok` when this device may use the code (first use, or its own pending claim). */
  claim(nonce: string, deviceId: string, expiresAtMs: number): "ok" | "used" {
    return this.db.transaction(() => {
      this.db.query("DELETE FROM control_ui_bootstrap_codes WHERE expires_at_ms <= ?").run(this.now());
      const row = this.db.query<{ device_id: string; consumed: number }, [string]>("SELECT device_id, consumed FROM control_ui_bootstrap_codes WHERE nonce = ?").get(nonce);
      if (row) return row.device_id === deviceId && row.consumed === 0 ? "ok" : "used";
      this.db.query("INSERT INTO control_ui_bootstrap_codes (nonce, device_id, expires_at_ms) VALUES (?, ?, ?)").run(nonce, deviceId, expiresAtMs);
      return "ok";
    })() as "ok" | "used";
  }

  /** The device is in: the code can never be used again. */
  consume(nonce: string): void {
    this.db.query("UPDATE control_ui_bootstrap_codes SET consumed = 1 WHERE nonce = ?").run(nonce);
  }
}
