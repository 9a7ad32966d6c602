/** The dashboard's one-time code: its format, its checks, and the record of used codes. */
import { describe, expect, test } from "bun:test";
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BOOTSTRAP_CODE_TTL_MS, mintBootstrapCode, verifyBootstrapCode } from "../../src/gateway/auth/bootstrap-code.ts";
import { USED_CODES_FILE, UsedBootstrapCodes } from "../../src/gateway/auth/used-bootstrap-codes.ts";

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
      const codes = new UsedBootstrapCodes(dir, () => now);
      expect(codes.claim("n1", "device-a", NOW + 60_000)).toBe("ok");
      expect(codes.claim("n1", "device-a", NOW + 60_000)).toBe("ok"); // the same browser while it waits for approval
      expect(codes.claim("n1", "device-b", NOW + 60_000)).toBe("used");
      codes.consume("n1");
      expect(codes.claim("n1", "device-a", NOW + 60_000)).toBe("used");
      expect((await stat(join(dir, USED_CODES_FILE))).mode & 0o777).toBe(0o600);

      const restarted = new UsedBootstrapCodes(dir, () => now);
      expect(restarted.claim("n1", "device-a", NOW + 60_000)).toBe("used");
      // Expired entries are dropped at the next write.
      now = NOW + 120_000;
      expect(restarted.claim("n2", "device-c", now + 60_000)).toBe("ok");
      expect(Object.keys(JSON.parse(await readFile(join(dir, USED_CODES_FILE), "utf8")).codes)).toEqual(["n2"]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test("a damaged record refuses every code instead of forgetting which were used", async () => {
    const dir = await mkdtemp(join(tmpdir(), "openclaw-codes-"));
    try {
      await writeFile(join(dir, USED_CODES_FILE), "{not json");
      await chmod(join(dir, USED_CODES_FILE), 0o600);
      const codes = new UsedBootstrapCodes(dir, () => NOW);
      expect(() => codes.claim("n1", "device-a", NOW + 60_000)).toThrow(/is not valid JSON; delete it/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
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
