/**
 * The code-signature blob format (Apple's `cs_blobs.h`, public in xnu): a SuperBlob holding an
 * index of (slot type, offset) pairs and the blobs themselves. Unlike the Mach-O headers around
 * it, everything inside is BIG-endian.
 */

export const CSMAGIC_EMBEDDED_SIGNATURE = 0xfade0cc0; // SuperBlob
export const CSMAGIC_CODEDIRECTORY = 0xfade0c02;
export const CSMAGIC_REQUIREMENTS = 0xfade0c01;
export const CSMAGIC_BLOBWRAPPER = 0xfade0b01; // CMS signature (Developer ID and other identities)

export const CSSLOT_CODEDIRECTORY = 0;
export const CSSLOT_INFOSLOT = 1;
export const CSSLOT_REQUIREMENTS = 2;
export const CSSLOT_ENTITLEMENTS = 5;
export const CSSLOT_DER_ENTITLEMENTS = 7;
export const CSSLOT_ALTERNATE_CODEDIRECTORIES = 0x1000;
export const CSSLOT_SIGNATURESLOT = 0x10000;

export const CS_ADHOC = 0x2;
export const CS_LINKER_SIGNED = 0x20000;
export const CS_HASHTYPE_SHA256 = 2;
export const CS_EXECSEG_MAIN_BINARY = 0x1;
/** Version with execSeg fields (macOS 10.14+); what codesign writes today. */
export const CD_VERSION_EXECSEG = 0x20400;
export const CD_HEADER_SIZE = 88;
export const PAGE_SHIFT = 12;
export const PAGE_SIZE = 1 << PAGE_SHIFT;
export const HASH_SIZE = 32;

/** CodeDirectory header field offsets (version 0x20400). */
export const CD = {
  magic: 0, length: 4, version: 8, flags: 12, hashOffset: 16, identOffset: 20, nSpecialSlots: 24, nCodeSlots: 28,
  codeLimit: 32, hashSize: 36, hashType: 37, platform: 38, pageSize: 39, spare2: 40, scatterOffset: 44, teamOffset: 48,
  spare3: 52, codeLimit64: 56, execSegBase: 64, execSegLimit: 72, execSegFlags: 80,
} as const;

/** An empty requirement set: what `codesign -s -` writes (`count` 0). */
export function emptyRequirements(): Uint8Array {
  const b = new Uint8Array(12);
  const v = new DataView(b.buffer);
  v.setUint32(0, CSMAGIC_REQUIREMENTS);
  v.setUint32(4, 12);
  v.setUint32(8, 0);
  return b;
}

export const sha256 = (bytes: Uint8Array): Uint8Array => Bun.SHA256.hash(bytes) as Uint8Array;

/** SHA-256 of every 4 KiB page of bytes[0, codeLimit), the last one partial, written into `out`. */
export function pageHashes(bytes: Uint8Array, codeLimit: number, out: Uint8Array): void {
  const pages = Math.ceil(codeLimit / PAGE_SIZE);
  for (let i = 0; i < pages; i++) {
    const start = i * PAGE_SIZE;
    Bun.SHA256.hash(bytes.subarray(start, Math.min(start + PAGE_SIZE, codeLimit)), out.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE));
  }
}
