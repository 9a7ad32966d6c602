/** The dashboard's one-time code: its format, its checks, and the record of used codes. */
import { describe, expect, test } from "bun:test";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BOOTSTRAP_CODE_TTL_MS, mintBootstrapCode, verifyBootstrapCode } from "../../src/gateway/auth/bootstrap-code.ts";
import { checkBootstrapCode } from "../../src/gateway/auth/bootstrap-check.ts";
import { BootstrapCodeStore } from "../../src/store/bootstrap-codes.ts";
import { openStore, STORE_FILE } from "../../src/store/database.ts";

const SECRET = "test-token-0123456789abcdef";
const NOW = 1_800_000_000_000;

describe("bootstrap code", () => {
  test("a fresh code verifies, names its nonce and expiry, and does not contain the secret", () => {
    const { code, expiresAtMs } = mintBootstrapCode(SECRET, NOW);
    expect(code).toMatch(/^[A-Za-z0-9_-]{71}$/);
    expect(code).not.toContain(SECRET);
    expect(Buffer.from(code, "base64url").toString("latin1")).not.toContain(SECRET);
    expect(expiresAtMs - NOW).toBeGreaterThanOrEqual(BOOTSTRAP_CODE_TTL_MS);
    const check = verifyBootstrapCode(SECRET, code, NOW + 1000);
    expect(check).toEqual({ ok: true, nonce: expect.stringMatching(/^[0-9a-f]{32}$/), expiresAtMs });
    expect(mintBootstrapCode(SECRET, NOW).code).not.toBe(code);
  });

  test("expired, tampered, foreign-secret and malformed codes are refused", () => {
    const { code, expiresAtMs } = mintBootstrapCode(SECRET, NOW);
    expect(verifyBootstrapCode(SECRET, code, expiresAtMs)).toEqual({ ok: false, reason: "expired" });
    expect(verifyBootstrapCode("another-secret", code, NOW)).toEqual({ ok: false, reason: "invalid" });
    const raw = Buffer.from(code, "base64url");
    raw[20] = raw[20]! ^ 1; // the expiry's last byte: the MAC no longer matches
    expect(verifyBootstrapCode(SECRET, raw.toString("base64url"), NOW)).toEqual({ ok: false, reason: "invalid" });
    for (const bad of ["", "abc", `${code}A`, code.slice(0, -2), "%%%", SECRET]) expect(verifyBootstrapCode(SECRET, bad, NOW).ok).toBe(false);
  });

  test("a code minted for a far future is refused even with a valid MAC", () => {
    const { code } = mintBootstrapCode(SECRET, NOW, 24 * 3600_000);
    expect(verifyBootstrapCode(SECRET, code, NOW)).toEqual({ ok: false, reason: "invalid" });
  });
});

describe("used bootstrap codes", () => {
  test("a code is claimed by one device, usable by it until consumed, and the record survives a restart", async () => {
    const dir = await mkdtemp(join(tmpdir(), "openclaw-codes-"));
    try {
      let now = NOW;
      const db = openStore(dir);
      const codes = new BootstrapCodeStore(db, () => now);
      expect(codes.claim("n1", "device-a", NOW + 60_000)).toBe("ok");
      expect(codes.claim("n1", "device-a", NOW + 60_000)).toBe("ok"); // the same browser while it waits for approval
      expect(codes.claim("n1", "device-b", NOW + 60_000)).toBe("used");
      codes.consume("n1");
      expect(codes.claim("n1", "device-a", NOW + 60_000)).toBe("used");
      expect((await stat(join(dir, STORE_FILE))).mode & 0o777).toBe(0o600);
      db.close();

      const reopened = openStore(dir);
      const restarted = new BootstrapCodeStore(reopened, () => now);
      expect(restarted.claim("n1", "device-a", NOW + 60_000)).toBe("used");
      // Expired entries are dropped at the next claim.
      now = NOW + 120_000;
      expect(restarted.claim("n2", "device-c", now + 60_000)).toBe("ok");
      expect(reopened.query<{ nonce: string }, []>("SELECT nonce FROM control_ui_bootstrap_codes").all().map((r) => r.nonce)).toEqual(["n2"]);
      reopened.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test("a record that cannot be read refuses the code instead of forgetting which were used", () => {
    const [code] = [mintBootstrapCode(SECRET, NOW).code];
    const broken = { claim: () => { throw new Error("database is locked"); }, consume: () => {} } as unknown as BootstrapCodeStore;
    const verdict = checkBootstrapCode({
      request: { params: { auth: { bootstrapToken: code } } } as never,
      device: { deviceId: "device-a" } as never,
      auth: { mode: "token", token: SECRET } as never,
      codes: broken,
      now: NOW,
    });
    expect(verdict).toMatchObject({ ok: false });
    expect(JSON.stringify(verdict)).toContain("dashboard codes cannot be checked: database is locked");
  });
});

describe("bootstrap codes in logs", () => {
  test("the redactor masks a dashboard link's code and a bootstrapToken field", async () => {
    const { Redactor } = await import("../../src/log/redact.ts");
    const redactor = new Redactor();
    const { code } = mintBootstrapCode(SECRET, NOW);
    expect(redactor.redactText(`open http://127.0.0.1:18789/#bootstrap=${code}`)).toBe("open http://127.0.0.1:18789/#bootstrap=***");
    expect(JSON.stringify(redactor.redactValue({ auth: { bootstrapToken: code } }))).not.toContain(code);
  });
});
