/**
 * The newest glibc symbol version an ELF executable needs (`GLIBC_2.x` in its `.gnu.version_r`),
 * so the deb can declare `Depends: libc6 (>= 2.x)` without dpkg-shlibdeps, which wants a
 * source package tree. Reads only the headers and the two small sections, not the 100 MB file.
 * Returns null for a file that is not a 64-bit little-endian ELF (e.g. a test's shell script).
 */
import { closeSync, openSync, readSync } from "node:fs";

const SHT_GNU_VERNEED = 0x6ffffffe;

function readAt(fd: number, offset: number, length: number): Buffer {
  const buf = Buffer.alloc(length);
  const n = readSync(fd, buf, 0, length, offset);
  return buf.subarray(0, n);
}

function compareVersions(a: string, b: string): number {
  const pa = a.split(".").map(Number);
  const pb = b.split(".").map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

export function minimumGlibc(path: string): string | null {
  const fd = openSync(path, "r");
  try {
    const eh = readAt(fd, 0, 64);
    // ELF magic, ELFCLASS64, ELFDATA2LSB: every Bun linux target (x64, arm64).
    if (eh.length < 64 || eh.readUInt32BE(0) !== 0x7f454c46 || eh[4] !== 2 || eh[5] !== 1) return null;
    const shoff = Number(eh.readBigUInt64LE(0x28));
    const shentsize = eh.readUInt16LE(0x3a);
    const shnum = eh.readUInt16LE(0x3c);
    const sections = readAt(fd, shoff, shentsize * shnum);
    const section = (i: number) => {
      const o = i * shentsize;
      return {
        type: sections.readUInt32LE(o + 4),
        offset: Number(sections.readBigUInt64LE(o + 0x18)),
        size: Number(sections.readBigUInt64LE(o + 0x20)),
        link: sections.readUInt32LE(o + 0x28),
        info: sections.readUInt32LE(o + 0x2c),
      };
    };
    let newest: string | null = null;
    for (let i = 0; i < shnum; i++) {
      const verneed = section(i);
      if (verneed.type !== SHT_GNU_VERNEED) continue;
      const strtab = section(verneed.link);
      const strings = readAt(fd, strtab.offset, strtab.size);
      const str = (at: number) => strings.toString("latin1", at, strings.indexOf(0, at));
      const data = readAt(fd, verneed.offset, verneed.size);
      // Elf64_Verneed {vn_version u16, vn_cnt u16, vn_file u32, vn_aux u32, vn_next u32}, each with
      // vn_cnt Elf64_Vernaux {vna_hash u32, vna_flags u16, vna_other u16, vna_name u32, vna_next u32}.
      for (let need = 0, n = 0; n < verneed.info && need + 16 <= data.length; n++) {
        const count = data.readUInt16LE(need + 2);
        let aux = need + data.readUInt32LE(need + 8);
        for (let k = 0; k < count && aux + 16 <= data.length; k++) {
          const m = /^GLIBC_(\d+(?:\.\d+)+)$/.exec(str(data.readUInt32LE(aux + 8)));
          if (m && (newest === null || compareVersions(m[1]!, newest) > 0)) newest = m[1]!;
          const next = data.readUInt32LE(aux + 12);
          if (next === 0) break;
          aux += next;
        }
        const next = data.readUInt32LE(need + 12);
        if (next === 0) break;
        need += next;
      }
    }
    return newest;
  } finally {
    closeSync(fd);
  }
}
