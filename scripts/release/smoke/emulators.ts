/**
 * What running foreign release binaries on a linux-x64 machine needs (test/release/foreign-smoke.test.ts):
 *
 * - `wrapperScript`: an executable that runs a binary through an emulator, so code that spawns
 *   one program (test/binary/binary-smoke.ts) can smoke-test it.
 * - `avx2ProbeElf`: a 133-byte static x86-64 program doing one AVX2 instruction, to prove that an
 *   emulated CPU model (qemu -cpu Nehalem) really refuses AVX2 before trusting it for the
 *   -baseline build.
 * - `forwarderDll`: a code-free PE32+ DLL whose one export forwards to another DLL's function.
 *   Bun's windows binary imports `ProcessPrng` from bcryptprimitives.dll (Windows 10+); Wine 8.0
 *   (Debian 12) has no such DLL, Wine 9 does. A forwarder to advapi32's RtlGenRandom
 *   (SystemFunction036, the same CSPRNG) fills that one gap and nothing else.
 */
import { chmodSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const shellQuote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

export function wrapperScript(dir: string, runner: string[], binary: string, env: Record<string, string> = {}): string {
  const path = join(dir, "openclaw");
  const exports = Object.entries(env).map(([k, v]) => `export ${k}=${shellQuote(v)}\n`).join("");
  writeFileSync(path, `#!/bin/sh\n${exports}exec ${[...runner, binary].map(shellQuote).join(" ")} "$@"\n`);
  chmodSync(path, 0o755);
  return path;
}

export function avx2ProbeElf(): Uint8Array {
  const code = [0xc5, 0xf5, 0xfe, 0xd0, 0xb8, 0x3c, 0, 0, 0, 0x31, 0xff, 0x0f, 0x05]; // vpaddd ymm2,ymm1,ymm0; mov eax,60; xor edi,edi; syscall
  const base = 0x400000;
  const headers = 64 + 56;
  const b = new Uint8Array(headers + code.length);
  const v = new DataView(b.buffer);
  b.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]); // ELF, 64-bit, little-endian, version 1
  v.setUint16(16, 2, true); // ET_EXEC
  v.setUint16(18, 0x3e, true); // x86-64
  v.setUint32(20, 1, true);
  v.setBigUint64(24, BigInt(base + headers), true); // entry point
  v.setBigUint64(32, 64n, true); // program header table right after this header
  v.setUint16(52, 64, true);
  v.setUint16(54, 56, true);
  v.setUint16(56, 1, true);
  v.setUint32(64, 1, true); // PT_LOAD of the whole file
  v.setUint32(68, 5, true); // R+X
  v.setBigUint64(80, BigInt(base), true);
  v.setBigUint64(88, BigInt(base), true);
  v.setBigUint64(96, BigInt(b.length), true);
  v.setBigUint64(104, BigInt(b.length), true);
  v.setBigUint64(112, 0x1000n, true);
  b.set(code, headers);
  return b;
}

/** PE32+ DLL `dllName` exporting `exportName` as a forwarder to `target` ("dll.Function"). */
export function forwarderDll(dllName: string, exportName: string, target: string): Uint8Array {
  const FILE_ALIGN = 0x200;
  const RVA = 0x1000; // the one section (.edata) is mapped here and starts at file offset 0x200
  const b = new Uint8Array(2 * FILE_ALIGN);
  const v = new DataView(b.buffer);
  const enc = new TextEncoder();
  b.set(enc.encode("MZ"));
  v.setUint32(0x3c, 0x40, true); // e_lfanew
  b.set(enc.encode("PE\0\0"), 0x40);
  const coff = 0x44;
  v.setUint16(coff, 0x8664, true); // AMD64
  v.setUint16(coff + 2, 1, true); // one section
  v.setUint16(coff + 16, 240, true); // PE32+ optional header size
  v.setUint16(coff + 18, 0x2022, true); // executable image, large-address aware, DLL
  const opt = coff + 20;
  v.setUint16(opt, 0x20b, true); // PE32+
  v.setUint32(opt + 8, FILE_ALIGN, true); // SizeOfInitializedData
  v.setUint32(opt + 20, RVA, true); // BaseOfCode
  v.setBigUint64(opt + 24, 0x180000000n, true); // ImageBase
  v.setUint32(opt + 32, 0x1000, true); // SectionAlignment
  v.setUint32(opt + 36, FILE_ALIGN, true);
  v.setUint16(opt + 40, 6, true); // OS version 6.0
  v.setUint16(opt + 48, 6, true); // subsystem version 6.0
  v.setUint32(opt + 56, 0x2000, true); // SizeOfImage
  v.setUint32(opt + 60, FILE_ALIGN, true); // SizeOfHeaders
  v.setUint16(opt + 68, 3, true); // console subsystem
  v.setUint16(opt + 70, 0x160, true); // high-entropy VA, dynamic base, NX compatible
  for (const [at, n] of [[72, 0x100000n], [80, 0x1000n], [88, 0x100000n], [96, 0x1000n]] as const) v.setBigUint64(opt + at, n, true); // stack/heap
  v.setUint32(opt + 108, 16, true); // NumberOfRvaAndSizes

  // Export directory (40 bytes), its three one-entry tables, then the strings.
  const sect = FILE_ALIGN;
  let cursor = 40;
  const take = (n: number) => ((cursor += n), cursor - n);
  const eat = take(4);
  const names = take(4);
  const ordinals = take(4);
  const str = (s: string) => {
    const at = take(s.length + 1);
    b.set(enc.encode(s), sect + at);
    return RVA + at;
  };
  v.setUint32(sect + 12, str(dllName), true);
  v.setUint32(sect + 16, 1, true); // ordinal base
  v.setUint32(sect + 20, 1, true); // functions
  v.setUint32(sect + 24, 1, true); // names
  v.setUint32(sect + 28, RVA + eat, true);
  v.setUint32(sect + 32, RVA + names, true);
  v.setUint32(sect + 36, RVA + ordinals, true);
  v.setUint32(sect + names, str(exportName), true);
  // An export whose address lies inside the export directory is a forwarder string, not code.
  v.setUint32(sect + eat, str(target), true);
  if (cursor > FILE_ALIGN) throw new Error("forwarder DLL names too long");
  v.setUint32(opt + 112, RVA, true); // data directory 0: exports
  v.setUint32(opt + 116, cursor, true);
  const sh = opt + 240;
  b.set(enc.encode(".edata"), sh);
  v.setUint32(sh + 8, cursor, true); // VirtualSize
  v.setUint32(sh + 12, RVA, true);
  v.setUint32(sh + 16, FILE_ALIGN, true); // SizeOfRawData
  v.setUint32(sh + 20, sect, true); // PointerToRawData
  v.setUint32(sh + 36, 0x40000040, true); // initialized data, readable
  return b;
}
