/**
 * Ad-hoc code signing of a thin 64-bit Mach-O executable, as `codesign --force --sign -` does it:
 * whatever signature was there (Bun's cross-compiled darwin binaries carry a Developer ID one
 * whose page hashes no longer match: oven-sh/bun #29120, #32159) is dropped, and a new embedded
 * signature is written at the end of __LINKEDIT:
 *
 *   SuperBlob 0xfade0cc0
 *     slot 0: CodeDirectory 0xfade0c02 (v0x20400, SHA-256, 4 KiB pages, flags adhoc,
 *             identifier, execSeg = __TEXT, one hash per page of the file up to the signature,
 *             special slot 2 = hash of the requirements blob)
 *     slot 2: empty Requirements 0xfade0c01
 *
 * No CMS blob: an ad-hoc signature has no identity to put in one (Apple's `ld -adhoc_codesign`
 * writes none either). LC_CODE_SIGNATURE and __LINKEDIT's filesize/vmsize are updated, and the
 * file ends exactly where the signature does.
 */
import {
  CD, CD_HEADER_SIZE, CD_VERSION_EXECSEG, CS_ADHOC, CS_EXECSEG_MAIN_BINARY, CS_HASHTYPE_SHA256, CSMAGIC_CODEDIRECTORY, CSMAGIC_EMBEDDED_SIGNATURE,
  CSSLOT_CODEDIRECTORY, CSSLOT_REQUIREMENTS, emptyRequirements, HASH_SIZE, PAGE_SHIFT, PAGE_SIZE, pageHashes, sha256,
} from "./blobs.ts";
import { LC_CODE_SIGNATURE, linkeditSegment, MachOError, MH_EXECUTE, parseMachO, textSegment } from "./parse.ts";

const align = (n: number, to: number) => Math.ceil(n / to) * to;
/** Segment vm sizes are whole pages; 16 KiB (arm64's page) is also a multiple of x86_64's 4 KiB. */
const VM_PAGE = 0x4000;
const N_SPECIAL_SLOTS = CSSLOT_REQUIREMENTS; // slots 1 (Info.plist: none, zeros) and 2 (requirements)

export function signAdHoc(input: Uint8Array, identifier: string): Uint8Array {
  if (!/^[A-Za-z0-9][A-Za-z0-9.+_-]*$/.test(identifier)) throw new MachOError(`bad signing identifier ${JSON.stringify(identifier)}`);
  const m = parseMachO(input);
  if (m.codeSignatures.length > 1) throw new MachOError(`${m.codeSignatures.length} LC_CODE_SIGNATURE commands; a valid binary has at most one`);
  const linkedit = linkeditSegment(m);
  const text = textSegment(m);
  const old = m.codeSignatures[0];

  // Where the code ends: at the old signature (dropped), or at the end of the file.
  let contentEnd = input.length;
  if (old) {
    if (old.dataoff < linkedit.fileoff || old.dataoff + old.datasize > input.length) {
      throw new MachOError(`the existing signature (offset ${old.dataoff}, ${old.datasize} bytes) is not inside __LINKEDIT and the file`);
    }
    if (old.dataoff + old.datasize < input.length) {
      throw new MachOError(`${input.length - old.dataoff - old.datasize} bytes follow the existing signature; refusing to drop them`);
    }
    contentEnd = old.dataoff;
  }
  const sigOffset = align(contentEnd, 16);

  const ident = new TextEncoder().encode(identifier + "\0");
  const nCodeSlots = Math.ceil(sigOffset / PAGE_SIZE);
  const identOffset = CD_HEADER_SIZE;
  const hashOffset = identOffset + ident.length + N_SPECIAL_SLOTS * HASH_SIZE;
  const cdLength = hashOffset + nCodeSlots * HASH_SIZE;
  const requirements = emptyRequirements();
  const superHeader = 12 + 2 * 8;
  const superLength = superHeader + cdLength + requirements.length;
  const datasize = align(superLength, 16);

  const out = new Uint8Array(sigOffset + datasize);
  out.set(input.subarray(0, contentEnd));
  const le = new DataView(out.buffer);

  // Load commands first: they are in page 0, which the CodeDirectory hashes.
  let cmdOffset: number;
  if (old) cmdOffset = old.cmdOffset;
  else {
    // Append a 16-byte LC_CODE_SIGNATURE if the gap before the first section is free (zeros).
    cmdOffset = m.commandsEnd;
    if (cmdOffset + 16 > m.firstSectionOffset || input.subarray(cmdOffset, cmdOffset + 16).some((b) => b !== 0)) {
      throw new MachOError("no LC_CODE_SIGNATURE and no room after the load commands to add one");
    }
    le.setUint32(16, le.getUint32(16, true) + 1, true); // ncmds
    le.setUint32(20, le.getUint32(20, true) + 16, true); // sizeofcmds
    le.setUint32(cmdOffset, LC_CODE_SIGNATURE, true);
    le.setUint32(cmdOffset + 4, 16, true);
  }
  le.setUint32(cmdOffset + 8, sigOffset, true);
  le.setUint32(cmdOffset + 12, datasize, true);
  const linkeditSize = sigOffset + datasize - linkedit.fileoff;
  le.setBigUint64(linkedit.cmdOffset + 32, BigInt(align(linkeditSize, VM_PAGE)), true); // vmsize
  le.setBigUint64(linkedit.cmdOffset + 48, BigInt(linkeditSize), true); // filesize

  // CodeDirectory
  const cd = new Uint8Array(cdLength);
  const be = new DataView(cd.buffer);
  be.setUint32(CD.magic, CSMAGIC_CODEDIRECTORY);
  be.setUint32(CD.length, cdLength);
  be.setUint32(CD.version, CD_VERSION_EXECSEG);
  be.setUint32(CD.flags, CS_ADHOC);
  be.setUint32(CD.hashOffset, hashOffset);
  be.setUint32(CD.identOffset, identOffset);
  be.setUint32(CD.nSpecialSlots, N_SPECIAL_SLOTS);
  be.setUint32(CD.nCodeSlots, nCodeSlots);
  be.setUint32(CD.codeLimit, sigOffset);
  cd[CD.hashSize] = HASH_SIZE;
  cd[CD.hashType] = CS_HASHTYPE_SHA256;
  cd[CD.pageSize] = PAGE_SHIFT;
  be.setBigUint64(CD.execSegBase, BigInt(text.fileoff));
  be.setBigUint64(CD.execSegLimit, BigInt(text.filesize));
  be.setBigUint64(CD.execSegFlags, BigInt(m.filetype === MH_EXECUTE ? CS_EXECSEG_MAIN_BINARY : 0));
  cd.set(ident, identOffset);
  cd.set(sha256(requirements), hashOffset - CSSLOT_REQUIREMENTS * HASH_SIZE); // special slot -2
  pageHashes(out, sigOffset, cd.subarray(hashOffset));

  // SuperBlob: header, index (CodeDirectory first, then requirements), blobs.
  const sb = new DataView(out.buffer, sigOffset, superLength);
  sb.setUint32(0, CSMAGIC_EMBEDDED_SIGNATURE);
  sb.setUint32(4, superLength);
  sb.setUint32(8, 2);
  sb.setUint32(12, CSSLOT_CODEDIRECTORY);
  sb.setUint32(16, superHeader);
  sb.setUint32(20, CSSLOT_REQUIREMENTS);
  sb.setUint32(24, superHeader + cdLength);
  out.set(cd, sigOffset + superHeader);
  out.set(requirements, sigOffset + superHeader + cdLength);
  return out;
}
