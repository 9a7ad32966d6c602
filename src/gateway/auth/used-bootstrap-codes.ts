/**
 * Which dashboard codes have been used, kept in `<stateDir>/control-ui-bootstrap-codes.json`
 * (mode 0600) so a restart within a code's lifetime does not make it usable again. A code is
 * first *claimed* by the device that presents it (it may come back while its pairing waits for
 * approval) and *consumed* once that device is in; any other device, or a second sign-in, is
 * refused. Entries are dropped once their code has expired anyway.
 */
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";

interface Entry {
  deviceId: string;
  expiresAtMs: number;
  consumed: boolean;
}

export const USED_CODES_FILE = "control-ui-bootstrap-codes.json";

export class UsedBootstrapCodes {
  private entries: Map<string, Entry> | null = null;
  readonly path: string;

  constructor(
    stateDir: string,
    private readonly now: () => number,
  ) {
    this.path = join(stateDir, USED_CODES_FILE);
  }

  /** `ok` when this device may use the code (first use, or its own pending claim). Throws when the file is unreadable. */
  claim(nonce: string, deviceId: string, expiresAtMs: number): "ok" | "used" {
    const entries = this.load();
    const entry = entries.get(nonce);
    if (entry) return entry.deviceId === deviceId && !entry.consumed ? "ok" : "used";
    entries.set(nonce, { deviceId, expiresAtMs, consumed: false });
    this.save();
    return "ok";
  }

  /** The device is in: the code can never be used again. */
  consume(nonce: string): void {
    const entry = this.load().get(nonce);
    if (!entry || entry.consumed) return;
    entry.consumed = true;
    try {
      this.save();
    } catch {
      // The claim is on disk already (claim() refuses when it cannot write), so after a restart
      // only the device that claimed the code could use it again, and only until it expires.
    }
  }

  private load(): Map<string, Entry> {
    if (this.entries) return this.entries;
    let text: string | null = null;
    try {
      text = readFileSync(this.path, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw new Error(`cannot read ${this.path}: ${(error as Error).message}`);
    }
    const entries = new Map<string, Entry>();
    if (text !== null) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        // Failing closed: a damaged record could otherwise let a used code in again.
        throw new Error(`${this.path} is not valid JSON; delete it (codes already handed out then stop working) and run openclaw dashboard again`);
      }
      for (const [nonce, value] of Object.entries((parsed as { codes?: Record<string, Entry> }).codes ?? {})) {
        if (value && typeof value.deviceId === "string" && typeof value.expiresAtMs === "number") entries.set(nonce, { ...value, consumed: value.consumed === true });
      }
    }
    this.entries = entries;
    return entries;
  }

  private save(): void {
    const entries = this.load();
    const now = this.now();
    for (const [nonce, entry] of entries) if (entry.expiresAtMs <= now) entries.delete(nonce);
    const temp = `${this.path}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify({ version: 1, codes: Object.fromEntries(entries) }), { mode: 0o600 });
    renameSync(temp, this.path);
  }
}
