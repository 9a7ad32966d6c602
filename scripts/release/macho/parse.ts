/**
 * A strict reader for thin 64-bit Mach-O executables (what `bun build --compile` writes for
 * darwin): the header, the segments and the LC_CODE_SIGNATURE command. Every read is
 * bounds-checked, so truncated or garbage input ends in a MachOError saying what is wrong, never
 * in a RangeError. Mach-O headers are little-endian on both arm64 and x86_64.
 */

export class MachOError extends Error {
  override name = "MachOError";
}

export const MH_MAGIC_64 = 0xfeedfacf;
export const MH_EXECUTE = 2;
export const LC_SEGMENT_64 = 0x19;
export const LC_CODE_SIGNATURE = 0x1d;
export const CPU_TYPE_X86_64 = 0x01000007;
export const CPU_TYPE_ARM64 = 0x0100000c;

export interface Segment {
  name: string;
  /** Offset of the segment_command_64 in the file (to patch it). */
  cmdOffset: number;
  vmaddr: bigint;
  vmsize: bigint;
  fileoff: number;
  filesize: number;
}

export interface CodeSignatureCommand {
  cmdOffset: number;
  dataoff: number;
  datasize: number;
}

export interface MachO {
  cputype: number;
  filetype: number;
  /** End of the load commands (header + sizeofcmds). */
  commandsEnd: number;
  /** Lowest file offset of any section's data: load commands must stay below it. */
  firstSectionOffset: number;
  segments: Segment[];
  codeSignatures: CodeSignatureCommand[];
}

/** Bounds-checked little-endian reads over a byte array. */
export class Reader {
  readonly view: DataView;
  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  need(offset: number, length: number, what: string): void {
    if (offset < 0 || length < 0 || offset + length > this.bytes.length) {
      throw new MachOError(`truncated: ${what} at offset ${offset} (+${length} bytes) lies past the end of the ${this.bytes.length}-byte file`);
    }
  }
  u32(offset: number, what: string): number {
    this.need(offset, 4, what);
    return this.view.getUint32(offset, true);
  }
  u64(offset: number, what: string): bigint {
    this.need(offset, 8, what);
    return this.view.getBigUint64(offset, true);
  }
  name16(offset: number): string {
    this.need(offset, 16, "segment name");
    const raw = this.bytes.subarray(offset, offset + 16);
    const end = raw.indexOf(0);
    return new TextDecoder().decode(end < 0 ? raw : raw.subarray(0, end));
  }
}

function toSafeNumber(n: bigint, what: string): number {
  if (n > BigInt(Number.MAX_SAFE_INTEGER)) throw new MachOError(`${what} is implausibly large (${n})`);
  return Number(n);
}

export function parseMachO(bytes: Uint8Array): MachO {
  const r = new Reader(bytes);
  if (bytes.length < 32) throw new MachOError(`not a Mach-O file: only ${bytes.length} bytes (a 64-bit Mach-O header alone is 32)`);
  const magic = r.u32(0, "magic");
  if (magic === 0xbebafeca || magic === 0xcafebabe) throw new MachOError("a universal (fat) Mach-O: sign each architecture's thin binary instead");
  if (magic === 0xfeedface) throw new MachOError("a 32-bit Mach-O: only 64-bit executables are supported");
  if (magic !== MH_MAGIC_64) throw new MachOError(`not a Mach-O file: magic 0x${magic.toString(16).padStart(8, "0")} (want 0xfeedfacf)`);
  const cputype = r.u32(4, "cputype");
  const filetype = r.u32(12, "filetype");
  const ncmds = r.u32(16, "ncmds");
  const sizeofcmds = r.u32(20, "sizeofcmds");
  const commandsEnd = 32 + sizeofcmds;
  r.need(32, sizeofcmds, "the load commands");
  if (ncmds > sizeofcmds / 8) throw new MachOError(`header claims ${ncmds} load commands in ${sizeofcmds} bytes`);

  const segments: Segment[] = [];
  const codeSignatures: CodeSignatureCommand[] = [];
  let firstSectionOffset = bytes.length;
  let off = 32;
  for (let i = 0; i < ncmds; i++) {
    const cmd = r.u32(off, `load command ${i}`);
    const cmdsize = r.u32(off + 4, `load command ${i} size`);
    if (cmdsize < 8 || cmdsize % 8 !== 0 || off + cmdsize > commandsEnd) {
      throw new MachOError(`load command ${i} (0x${cmd.toString(16)}) at offset ${off} has a bad size ${cmdsize} (the commands end at ${commandsEnd})`);
    }
    if (cmd === LC_SEGMENT_64) {
      if (cmdsize < 72) throw new MachOError(`segment command ${i} is only ${cmdsize} bytes`);
      const nsects = r.u32(off + 64, "nsects");
      if (72 + nsects * 80 > cmdsize) throw new MachOError(`segment command ${i} claims ${nsects} sections in ${cmdsize} bytes`);
      const seg: Segment = {
        name: r.name16(off + 8),
        cmdOffset: off,
        vmaddr: r.u64(off + 24, "vmaddr"),
        vmsize: r.u64(off + 32, "vmsize"),
        fileoff: toSafeNumber(r.u64(off + 40, "fileoff"), "segment fileoff"),
        filesize: toSafeNumber(r.u64(off + 48, "filesize"), "segment filesize"),
      };
      segments.push(seg);
      for (let s = 0; s < nsects; s++) {
        const sectOffset = r.u32(off + 72 + s * 80 + 48, "section offset");
        const flags = r.u32(off + 72 + s * 80 + 64, "section flags");
        const zerofill = (flags & 0xff) === 0x1 || (flags & 0xff) === 0xc || (flags & 0xff) === 0x12;
        if (!zerofill && sectOffset > 0) firstSectionOffset = Math.min(firstSectionOffset, sectOffset);
      }
    } else if (cmd === LC_CODE_SIGNATURE) {
      if (cmdsize !== 16) throw new MachOError(`LC_CODE_SIGNATURE has size ${cmdsize}, want 16`);
      codeSignatures.push({ cmdOffset: off, dataoff: r.u32(off + 8, "dataoff"), datasize: r.u32(off + 12, "datasize") });
    }
    off += cmdsize;
  }
  if (firstSectionOffset < commandsEnd) throw new MachOError(`section data at offset ${firstSectionOffset} overlaps the load commands (which end at ${commandsEnd})`);
  return { cputype, filetype, commandsEnd, firstSectionOffset, segments, codeSignatures };
}

/** The segment the signature must sit in: __LINKEDIT, and it must be the last one in the file. */
export function linkeditSegment(m: MachO): Segment {
  const linkedit = m.segments.filter((s) => s.name === "__LINKEDIT");
  if (linkedit.length !== 1) throw new MachOError(`expected one __LINKEDIT segment, found ${linkedit.length}`);
  const seg = linkedit[0]!;
  const later = m.segments.filter((s) => s !== seg && s.filesize > 0 && s.fileoff + s.filesize > seg.fileoff);
  if (later.length) throw new MachOError(`segment ${later[0]!.name} lies after __LINKEDIT in the file`);
  return seg;
}

export function textSegment(m: MachO): Segment {
  const text = m.segments.find((s) => s.name === "__TEXT");
  if (!text) throw new MachOError("no __TEXT segment");
  return text;
}
