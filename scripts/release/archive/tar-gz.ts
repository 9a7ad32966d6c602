/**
 * A `.tar.gz` holding exactly one regular file, written without a tar binary or npm package: a
 * POSIX ustar header, the data padded to 512 bytes, two zero blocks, padded to a 10 KiB record
 * (what GNU and BSD tar write). Owner root:root (0:0) and the given mtime, so the archive depends
 * only on the binary and the date, not on who built it.
 */

function field(header: Uint8Array, offset: number, length: number, text: string): void {
  const bytes = new TextEncoder().encode(text);
  if (bytes.length > length) throw new Error(`tar header field too long: ${text}`);
  header.set(bytes, offset);
}

/** Octal number, zero-padded to length-1 digits and NUL-terminated (the ustar convention). */
const octal = (n: number, length: number) => n.toString(8).padStart(length - 1, "0") + "\0";

export function tarHeader(name: string, size: number, mode: number, mtimeSeconds: number): Uint8Array {
  if (size >= 8 ** 11) throw new Error(`${name} is too large for a ustar header (${size} bytes)`);
  const h = new Uint8Array(512);
  field(h, 0, 100, name);
  field(h, 100, 8, octal(mode, 8));
  field(h, 108, 8, octal(0, 8)); // uid
  field(h, 116, 8, octal(0, 8)); // gid
  field(h, 124, 12, octal(size, 12));
  field(h, 136, 12, octal(mtimeSeconds, 12));
  field(h, 148, 8, "        "); // checksum is computed with this field as spaces
  field(h, 156, 1, "0"); // regular file
  field(h, 257, 6, "ustar\0");
  field(h, 263, 2, "00");
  field(h, 265, 32, "root");
  field(h, 297, 32, "root");
  let sum = 0;
  for (const b of h) sum += b;
  field(h, 148, 8, sum.toString(8).padStart(6, "0") + "\0 ");
  return h;
}

/** The uncompressed tar stream for one file. */
export function tarOneFile(name: string, data: Uint8Array, mode: number, mtime: Date): Uint8Array {
  const header = tarHeader(name, data.length, mode, Math.floor(mtime.getTime() / 1000));
  const dataBlocks = Math.ceil(data.length / 512) * 512;
  const unpadded = 512 + dataBlocks + 1024;
  const total = Math.ceil(unpadded / 10240) * 10240;
  const out = new Uint8Array(total); // zero-filled: padding and end-of-archive blocks
  out.set(header, 0);
  out.set(data, 512);
  return out;
}

/** gzip of the tar (level 6: level 9 is 2.5x slower for 0.5% smaller here). */
export function tarGzOneFile(name: string, data: Uint8Array, mode: number, mtime: Date): Uint8Array {
  return Bun.gzipSync(tarOneFile(name, data, mode, mtime), { level: 6 });
}
