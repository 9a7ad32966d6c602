/**
 * Verifies the embedded ad-hoc signature of a thin 64-bit Mach-O from scratch (no state shared
 * with sign.ts beyond the format constants):
 *
 *   bun scripts/release/macho/verify.ts <binary>...     exit 0 when every file verifies
 *
 * Checks: exactly one LC_CODE_SIGNATURE, 16-byte aligned, ending the file, inside __LINKEDIT
 * (the last segment, whose filesize reaches the end of the file); a SuperBlob with one SHA-256
 * CodeDirectory (version ≥ 0x20400, ad-hoc flag, 4 KiB pages, codeLimit = signature offset, a
 * hash slot per page, execSeg = __TEXT) and no CMS blob or alternate CodeDirectory left from a
 * Developer ID signature; every page hash and every special-slot hash recomputed.
 */
import {
  CD, CD_VERSION_EXECSEG, CS_ADHOC, CS_HASHTYPE_SHA256, CSMAGIC_BLOBWRAPPER, CSMAGIC_CODEDIRECTORY, CSMAGIC_EMBEDDED_SIGNATURE, CSMAGIC_REQUIREMENTS,
  CSSLOT_ALTERNATE_CODEDIRECTORIES, CSSLOT_CODEDIRECTORY, CSSLOT_DER_ENTITLEMENTS, CSSLOT_ENTITLEMENTS, CSSLOT_REQUIREMENTS, CSSLOT_SIGNATURESLOT,
  HASH_SIZE, PAGE_SHIFT, PAGE_SIZE, pageHashes, sha256,
} from "./blobs.ts";
import { linkeditSegment, MachOError, MH_EXECUTE, parseMachO, textSegment, CPU_TYPE_ARM64, CPU_TYPE_X86_64 } from "./parse.ts";

export class SignatureError extends Error {
  override name = "SignatureError";
  constructor(readonly problems: string[], readonly badPages: number[] = []) {
    super(problems.join("; "));
  }
}

export interface VerifyReport {
  arch: "arm64" | "x64" | "other";
  identifier: string;
  signatureOffset: number;
  signatureSize: number;
  pages: number;
}

const equal = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);
const hex = (n: number) => `0x${n.toString(16)}`;
const ALLOWED_SLOTS = new Set([CSSLOT_CODEDIRECTORY, CSSLOT_REQUIREMENTS, CSSLOT_ENTITLEMENTS, CSSLOT_DER_ENTITLEMENTS]);

/** Throws MachOError (not a Mach-O / malformed) or SignatureError (listing every problem). */
export function verifyMachO(bytes: Uint8Array, expectIdentifier?: string): VerifyReport {
  const m = parseMachO(bytes);
  const problems: string[] = [];
  const fail = (msg: string): never => {
    throw new SignatureError([...problems, msg]);
  };
  if (m.codeSignatures.length !== 1) fail(`${m.codeSignatures.length} LC_CODE_SIGNATURE commands, want exactly 1`);
  const { dataoff, datasize } = m.codeSignatures[0]!;
  const linkedit = linkeditSegment(m);
  const text = textSegment(m);
  if (dataoff % 16 !== 0) problems.push(`signature offset ${dataoff} is not 16-byte aligned`);
  if (dataoff + datasize > bytes.length) fail(`signature (${dataoff} +${datasize}) runs past the end of the ${bytes.length}-byte file`);
  if (dataoff + datasize !== bytes.length) problems.push(`${bytes.length - dataoff - datasize} bytes lie after the signature`);
  if (dataoff < linkedit.fileoff) problems.push(`signature starts at ${dataoff}, before __LINKEDIT (${linkedit.fileoff})`);
  if (linkedit.fileoff + linkedit.filesize !== bytes.length) problems.push(`__LINKEDIT ends at ${linkedit.fileoff + linkedit.filesize}, the file at ${bytes.length}`);
  if (linkedit.vmsize < BigInt(linkedit.filesize)) problems.push(`__LINKEDIT vmsize ${linkedit.vmsize} < filesize ${linkedit.filesize}`);

  // SuperBlob (big-endian) and its index.
  if (datasize < 12) fail(`signature is only ${datasize} bytes`);
  const sig = new DataView(bytes.buffer, bytes.byteOffset + dataoff, datasize);
  if (sig.getUint32(0) !== CSMAGIC_EMBEDDED_SIGNATURE) fail(`signature magic ${hex(sig.getUint32(0))}, want 0xfade0cc0 (embedded SuperBlob)`);
  const superLength = sig.getUint32(4);
  const count = sig.getUint32(8);
  if (superLength > datasize || 12 + count * 8 > superLength) fail(`SuperBlob length ${superLength} / count ${count} do not fit its ${datasize} bytes`);
  const blobs = new Map<number, Uint8Array>();
  for (let i = 0; i < count; i++) {
    const type = sig.getUint32(12 + i * 8);
    const offset = sig.getUint32(16 + i * 8);
    if (offset + 8 > superLength) fail(`blob ${i} (slot ${hex(type)}) at ${offset} lies outside the SuperBlob`);
    const length = sig.getUint32(offset + 4);
    if (length < 8 || offset + length > superLength) fail(`blob ${i} (slot ${hex(type)}) has length ${length}, outside the SuperBlob`);
    if (blobs.has(type)) problems.push(`slot ${hex(type)} appears twice`);
    blobs.set(type, bytes.subarray(dataoff + offset, dataoff + offset + length));
    const magic = sig.getUint32(offset);
    if (type === CSSLOT_SIGNATURESLOT || magic === CSMAGIC_BLOBWRAPPER) problems.push(`a CMS signature blob (slot ${hex(type)}) is left over: not an ad-hoc signature`);
    else if (type >= CSSLOT_ALTERNATE_CODEDIRECTORIES && type < CSSLOT_ALTERNATE_CODEDIRECTORIES + 5) problems.push(`an alternate CodeDirectory (slot ${hex(type)}) is left over`);
    else if (!ALLOWED_SLOTS.has(type)) problems.push(`unexpected blob in slot ${hex(type)}`);
  }
  const requirements = blobs.get(CSSLOT_REQUIREMENTS);
  if (requirements && new DataView(requirements.buffer, requirements.byteOffset).getUint32(0) !== CSMAGIC_REQUIREMENTS) problems.push("the requirements slot does not hold a requirements blob");

  // CodeDirectory.
  const cdBytes = blobs.get(CSSLOT_CODEDIRECTORY) ?? fail("no CodeDirectory in slot 0");
  const cd = new DataView(cdBytes.buffer, cdBytes.byteOffset, cdBytes.length);
  if (cd.getUint32(CD.magic) !== CSMAGIC_CODEDIRECTORY) fail(`slot 0 magic ${hex(cd.getUint32(CD.magic))}, want 0xfade0c02 (CodeDirectory)`);
  const version = cd.getUint32(CD.version);
  if (version < CD_VERSION_EXECSEG || cdBytes.length < CD.execSegFlags + 8) fail(`CodeDirectory version ${hex(version)} (${cdBytes.length} bytes), want ≥ 0x20400 with execSeg fields`);
  const flags = cd.getUint32(CD.flags);
  if (!(flags & CS_ADHOC)) problems.push(`CodeDirectory flags ${hex(flags)} lack the ad-hoc flag 0x2`);
  if (cd.getUint8(CD.hashType) !== CS_HASHTYPE_SHA256 || cd.getUint8(CD.hashSize) !== HASH_SIZE) fail(`hash type ${cd.getUint8(CD.hashType)} size ${cd.getUint8(CD.hashSize)}, want SHA-256 (2, 32)`);
  if (cd.getUint8(CD.pageSize) !== PAGE_SHIFT) fail(`page size 2^${cd.getUint8(CD.pageSize)}, want 2^12`);
  if (cd.getUint32(CD.scatterOffset) !== 0) problems.push("a scatter vector is present");
  if (cd.getUint32(CD.teamOffset) !== 0) problems.push("a team identifier is present: not an ad-hoc signature");
  const codeLimit = cd.getUint32(CD.codeLimit);
  if (cd.getBigUint64(CD.codeLimit64) !== 0n) problems.push("codeLimit64 is set");
  if (codeLimit !== dataoff) problems.push(`codeLimit ${codeLimit} ≠ signature offset ${dataoff}: ${dataoff - codeLimit} bytes are not covered by page hashes`);
  const identOffset = cd.getUint32(CD.identOffset);
  const identEnd = identOffset < cdBytes.length ? cdBytes.indexOf(0, identOffset) : -1;
  if (identOffset < CD.execSegFlags + 8 || identEnd < 0) fail(`identifier offset ${identOffset} is outside the CodeDirectory or unterminated`);
  const identifier = new TextDecoder().decode(cdBytes.subarray(identOffset, identEnd));
  if (expectIdentifier !== undefined && identifier !== expectIdentifier) problems.push(`identifier ${JSON.stringify(identifier)}, want ${JSON.stringify(expectIdentifier)}`);
  const hashOffset = cd.getUint32(CD.hashOffset);
  const nSpecial = cd.getUint32(CD.nSpecialSlots);
  const nCode = cd.getUint32(CD.nCodeSlots);
  if (hashOffset - nSpecial * HASH_SIZE < identEnd + 1 || hashOffset + nCode * HASH_SIZE > cdBytes.length) {
    fail(`hash slots (offset ${hashOffset}, ${nSpecial} special, ${nCode} code) overlap the header/identifier or run past the CodeDirectory`);
  }
  if (nCode !== Math.ceil(codeLimit / PAGE_SIZE)) problems.push(`${nCode} code slots for a codeLimit of ${codeLimit} (want ${Math.ceil(codeLimit / PAGE_SIZE)})`);
  if (cd.getBigUint64(CD.execSegBase) !== BigInt(text.fileoff) || cd.getBigUint64(CD.execSegLimit) !== BigInt(text.filesize)) problems.push("execSeg base/limit do not match __TEXT");
  if (m.filetype === MH_EXECUTE && !(cd.getBigUint64(CD.execSegFlags) & 1n)) problems.push("execSeg flags lack CS_EXECSEG_MAIN_BINARY");

  // Special slots: each bound blob's hash, zeros for the empty ones.
  for (let slot = 1; slot <= nSpecial; slot++) {
    const stored = cdBytes.subarray(hashOffset - slot * HASH_SIZE, hashOffset - (slot - 1) * HASH_SIZE);
    const blob = blobs.get(slot);
    const want = blob ? sha256(blob) : new Uint8Array(HASH_SIZE);
    if (!equal(stored, want)) problems.push(`special slot ${slot} hash does not match ${blob ? "its blob" : "an empty slot"}`);
  }
  for (const slot of blobs.keys()) if (slot > 0 && slot < CSSLOT_ALTERNATE_CODEDIRECTORIES && slot > nSpecial) problems.push(`blob in slot ${slot} is not bound by a special-slot hash`);

  // Every page hash, over the file as it is.
  const pages = Math.min(nCode, Math.ceil(Math.min(codeLimit, bytes.length) / PAGE_SIZE));
  const computed = new Uint8Array(pages * HASH_SIZE);
  pageHashes(bytes, Math.min(codeLimit, bytes.length), computed);
  const badPages: number[] = [];
  for (let i = 0; i < pages; i++) {
    if (!equal(computed.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE), cdBytes.subarray(hashOffset + i * HASH_SIZE, hashOffset + (i + 1) * HASH_SIZE))) badPages.push(i);
  }
  if (badPages.length) {
    const shown = badPages.slice(0, 5).map((p) => `page ${p} (bytes ${p * PAGE_SIZE}–${Math.min((p + 1) * PAGE_SIZE, codeLimit) - 1})`);
    problems.push(`${badPages.length} of ${nCode} page hashes are wrong: ${shown.join(", ")}${badPages.length > 5 ? ", …" : ""}`);
  }
  if (problems.length) throw new SignatureError(problems, badPages);
  const arch = m.cputype === CPU_TYPE_ARM64 ? "arm64" : m.cputype === CPU_TYPE_X86_64 ? "x64" : "other";
  return { arch, identifier, signatureOffset: dataoff, signatureSize: datasize, pages: nCode };
}

if (import.meta.main) {
  const files = process.argv.slice(2);
  if (!files.length) {
    console.error("usage: bun scripts/release/macho/verify.ts <mach-o binary>...");
    process.exit(2);
  }
  let failed = 0;
  for (const file of files) {
    try {
      const r = verifyMachO(await Bun.file(file).bytes());
      console.log(`${file}: OK ad-hoc signature, ${r.arch}, identifier ${r.identifier}, ${r.pages} page hashes, signature ${r.signatureSize} bytes at ${r.signatureOffset}`);
    } catch (error) {
      failed++;
      const known = error instanceof SignatureError || error instanceof MachOError;
      console.error(`${file}: FAILED: ${known ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
  }
  process.exit(failed ? 1 : 0);
}
