/**
 * The ad-hoc signer and the verifier on real darwin binaries from a release build
 * (buildTestRelease, shared with release-build.test.ts), on Bun's own unsigned-by-us output, and
 * on tampered, truncated and garbage input.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pkg from "../../package.json" with { type: "json" };
import { compileBinary } from "../../scripts/release/compile.ts";
import { RELEASE_TARGETS } from "../../scripts/release/manifest-types.ts";
import { PAGE_SIZE } from "../../scripts/release/macho/blobs.ts";
import { MachOError } from "../../scripts/release/macho/parse.ts";
import { signAdHoc } from "../../scripts/release/macho/sign.ts";
import { SignatureError, verifyMachO } from "../../scripts/release/macho/verify.ts";
import { buildTestRelease } from "../helpers/release-build.ts";

// The same build as release-build.test.ts and foreign-smoke.test.ts (buildTestRelease memoises per key).
const TARGETS: string[] = [...RELEASE_TARGETS];
const TIMEOUT = 120_000;
/** Each verification hashes ~26,000 pages (about 0.1 s); tests doing several get room for a loaded machine. */
const SLOW = 30_000;
const VERIFY = join(import.meta.dir, "..", "..", "scripts", "release", "macho", "verify.ts");

let work: string;
let arm64: Uint8Array; // as released: signed by us
let x64: Uint8Array;
beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "openclaw-macho-"));
  const { dir } = await buildTestRelease({ version: pkg.version, targets: TARGETS });
  // Plain Uint8Arrays (not Buffers), so .slice() below copies instead of aliasing.
  arm64 = new Uint8Array(readFileSync(join(dir, "bin", "openclaw-darwin-arm64")));
  x64 = new Uint8Array(readFileSync(join(dir, "bin", "openclaw-darwin-x64")));
}, TIMEOUT);
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** What a call threw, for checking that bad input gives our errors, never a RangeError/TypeError. */
function thrown(f: () => unknown): Error {
  try {
    f();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected an error, none was thrown");
}

const signatureOffset = (b: Uint8Array) => verifyMachO(b).signatureOffset;

describe("released darwin binaries", () => {
  test("carry exactly one valid ad-hoc signature covering the whole file", () => {
    for (const [bytes, arch] of [[arm64, "arm64"], [x64, "x64"]] as const) {
      const r = verifyMachO(bytes, "openclaw");
      expect(r.arch).toBe(arch);
      expect(r.signatureOffset + r.signatureSize).toBe(bytes.length);
      expect(r.pages).toBe(Math.ceil(r.signatureOffset / PAGE_SIZE));
    }
  }, SLOW);

  test("llvm-objdump reads the patched load commands the same way", async () => {
    const path = join(work, "x64");
    writeFileSync(path, x64);
    const objdump = Bun.which("llvm-objdump");
    if (!objdump) throw new Error("llvm-objdump is needed for this cross-check (apt-get install llvm)");
    const proc = Bun.spawnSync([objdump, "--macho", "--private-headers", path], { stdout: "pipe", stderr: "pipe" });
    const text = proc.stdout.toString();
    expect(proc.exitCode).toBe(0);
    const sig = /cmd LC_CODE_SIGNATURE\s+cmdsize 16\s+dataoff (\d+)\s+datasize (\d+)/.exec(text);
    expect(sig).not.toBeNull();
    expect(Number(sig![1])).toBe(signatureOffset(x64));
    expect(Number(sig![1]) + Number(sig![2])).toBe(x64.length);
    const linkedit = /segname __LINKEDIT\s+vmaddr \S+\s+vmsize (\S+)\s+fileoff (\d+)\s+filesize (\d+)/.exec(text);
    expect(Number(linkedit![2]) + Number(linkedit![3])).toBe(x64.length);
    expect(Number(linkedit![1])).toBeGreaterThanOrEqual(Number(linkedit![3]));
  }, SLOW);

  test("signing again gives the same bytes", () => {
    expect(Buffer.from(signAdHoc(arm64, "openclaw")).equals(Buffer.from(arm64))).toBe(true);
  }, SLOW);
});

describe("Bun's own darwin output", () => {
  test("x64: the verifier names what is wrong with Bun's Developer ID signature; after signAdHoc it verifies", async () => {
    const raw = join(work, "bun-darwin-x64");
    await compileBinary({ bunTarget: "bun-darwin-x64", outfile: raw, info: { version: "0.0.1", commit: "unknown", date: "2026-01-01T00:00:00Z", target: "darwin-x64" } });
    const bytes = readFileSync(raw);
    const e = thrown(() => verifyMachO(bytes));
    expect(e).toBeInstanceOf(SignatureError);
    expect(e.message).toContain("CMS signature blob");
    expect(e.message).toMatch(/codeLimit \d+ ≠ signature offset/);
    expect(e.message).toMatch(/\d+ of \d+ page hashes are wrong/);
    expect(verifyMachO(signAdHoc(bytes, "openclaw"), "openclaw").arch).toBe("x64");
  }, TIMEOUT);
});

describe("tampering", () => {
  test("one flipped byte: the verifier names the page", () => {
    const bytes = arm64.slice();
    const page = 1234;
    bytes[page * PAGE_SIZE + 77]! ^= 0x01;
    const e = thrown(() => verifyMachO(bytes)) as SignatureError;
    expect(e).toBeInstanceOf(SignatureError);
    expect(e.badPages).toEqual([page]);
    expect(e.message).toContain(`1 of ${Math.ceil(signatureOffset(arm64) / PAGE_SIZE)} page hashes are wrong: page ${page} (bytes ${page * PAGE_SIZE}–${page * PAGE_SIZE + PAGE_SIZE - 1})`);
  }, SLOW);

  test("the last, partial page counts too", () => {
    const bytes = arm64.slice();
    const off = signatureOffset(arm64);
    bytes[off - 1]! ^= 0xff;
    const e = thrown(() => verifyMachO(bytes)) as SignatureError;
    expect(e.badPages).toEqual([Math.ceil(off / PAGE_SIZE) - 1]);
  }, SLOW);

  test("a changed requirements blob breaks special slot 2", () => {
    const bytes = arm64.slice();
    const off = signatureOffset(arm64);
    const view = new DataView(bytes.buffer, off);
    const reqOffset = view.getUint32(24); // index entry 1 (slot 2)
    bytes[off + reqOffset + 8] = 1; // count 0 → 1
    expect(thrown(() => verifyMachO(bytes)).message).toContain("special slot 2 hash does not match its blob");
  }, SLOW);

  test("a byte appended after the signature is refused", () => {
    const bytes = new Uint8Array(arm64.length + 1);
    bytes.set(arm64);
    const e = thrown(() => verifyMachO(bytes));
    expect(e.message).toContain("1 bytes lie after the signature");
    expect(e.message).toContain("__LINKEDIT ends at");
  }, SLOW);

  test("the CLI exits 1 naming the file and the page, 0 for a good file", async () => {
    const good = join(work, "good");
    const bad = join(work, "bad");
    writeFileSync(good, arm64);
    const bytes = arm64.slice();
    bytes[5 * PAGE_SIZE]! ^= 0x80;
    writeFileSync(bad, bytes);
    const ok = Bun.spawnSync([process.execPath, VERIFY, good], { stdout: "pipe", stderr: "pipe" });
    expect(ok.exitCode).toBe(0);
    expect(ok.stdout.toString()).toContain("OK ad-hoc signature, arm64, identifier openclaw");
    const ko = Bun.spawnSync([process.execPath, VERIFY, good, bad], { stdout: "pipe", stderr: "pipe" });
    expect(ko.exitCode).toBe(1);
    expect(ko.stderr.toString()).toContain(`${bad}: FAILED:`);
    expect(ko.stderr.toString()).toContain("page 5 (bytes 20480–24575)");
  }, SLOW);
});

describe("bad input gives a clear error, never a crash", () => {
  const clear = (e: Error) => {
    expect(e instanceof MachOError || e instanceof SignatureError).toBe(true);
    expect(e.message.length).toBeGreaterThan(10);
  };

  test("empty, tiny, ELF, fat and random bytes", () => {
    expect(thrown(() => verifyMachO(new Uint8Array(0))).message).toContain("not a Mach-O file: only 0 bytes");
    expect(thrown(() => signAdHoc(arm64.subarray(0, 20), "openclaw")).message).toContain("only 20 bytes");
    expect(thrown(() => verifyMachO(new TextEncoder().encode("\x7fELF" + "\0".repeat(60)))).message).toContain("not a Mach-O file: magic 0x464c457f");
    expect(thrown(() => signAdHoc(Uint8Array.from([0xca, 0xfe, 0xba, 0xbe, ...new Array(60).fill(0)]), "openclaw")).message).toContain("universal (fat)");
    const random = crypto.getRandomValues(new Uint8Array(4096));
    clear(thrown(() => verifyMachO(random)));
  });

  test("truncated anywhere: in the load commands, in the code, in the signature", () => {
    const off = signatureOffset(arm64);
    for (const length of [33, 100, 2000, 3000, 50_000, off, off + 10, arm64.length - 1]) {
      clear(thrown(() => verifyMachO(arm64.subarray(0, length))));
      clear(thrown(() => signAdHoc(arm64.subarray(0, Math.min(length, 3000)), "openclaw")));
    }
  }, SLOW);

  test("random damage to the header and load commands", () => {
    const bytes = arm64.slice();
    const original = arm64.subarray(0, 4096);
    for (let i = 0; i < 12; i++) {
      const at = 16 + Math.floor(Math.random() * 2600);
      bytes[at] = (bytes[at]! + 1 + Math.floor(Math.random() * 255)) & 0xff;
      clear(thrown(() => verifyMachO(bytes)));
      bytes.set(original);
    }
  }, SLOW);

  test("a bad identifier is refused before anything is written", () => {
    expect(thrown(() => signAdHoc(arm64, "../evil id")).message).toContain("bad signing identifier");
  });
});
