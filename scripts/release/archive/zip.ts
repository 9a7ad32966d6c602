/**
 * A `.zip` holding exactly one deflated file (what Windows Explorer, Expand-Archive and unzip all
 * read), written without a zip binary: local header, data, central directory, end record. The
 * entry is marked as made on Unix with mode 0755 so unzip on Linux/macOS keeps it executable.
 * No zip64: a release binary is far below 4 GiB, and a larger one is refused.
 */
import { crc32 } from "node:zlib";

/** MS-DOS date/time (2-second resolution, years 1980–2107), from the UTC fields. */
function dosDateTime(d: Date): { time: number; date: number } {
  const year = Math.min(Math.max(d.getUTCFullYear(), 1980), 2107);
  return {
    time: (d.getUTCHours() << 11) | (d.getUTCMinutes() << 5) | Math.floor(d.getUTCSeconds() / 2),
    date: ((year - 1980) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate(),
  };
}

export function zipOneFile(name: string, data: Uint8Array, mtime: Date): Uint8Array {
  if (data.length >= 0xffffffff) throw new Error(`${name} is too large for a zip without zip64`);
  const nameBytes = new TextEncoder().encode(name);
  const compressed = Bun.deflateSync(data, { level: 6 }); // raw DEFLATE, as zip method 8 wants
  const crc = crc32(data) >>> 0;
  const { time, date } = dosDateTime(mtime);

  const local = new DataView(new ArrayBuffer(30));
  local.setUint32(0, 0x04034b50, true);
  local.setUint16(4, 20, true); // version needed: 2.0 (deflate)
  local.setUint16(6, 0, true); // flags
  local.setUint16(8, 8, true); // method: deflate
  local.setUint16(10, time, true);
  local.setUint16(12, date, true);
  local.setUint32(14, crc, true);
  local.setUint32(18, compressed.length, true);
  local.setUint32(22, data.length, true);
  local.setUint16(26, nameBytes.length, true);
  local.setUint16(28, 0, true);

  const central = new DataView(new ArrayBuffer(46));
  central.setUint32(0, 0x02014b50, true);
  central.setUint16(4, (3 << 8) | 20, true); // made by: Unix, zip 2.0 (so the mode below counts)
  central.setUint16(6, 20, true);
  central.setUint16(8, 0, true);
  central.setUint16(10, 8, true);
  central.setUint16(12, time, true);
  central.setUint16(14, date, true);
  central.setUint32(16, crc, true);
  central.setUint32(20, compressed.length, true);
  central.setUint32(24, data.length, true);
  central.setUint16(28, nameBytes.length, true);
  // extra length, comment length, disk number, internal attributes: all 0
  central.setUint32(38, (0o100755 << 16) >>> 0, true); // external attributes: regular file 0755
  central.setUint32(42, 0, true); // offset of the local header

  const centralOffset = 30 + nameBytes.length + compressed.length;
  const centralSize = 46 + nameBytes.length;
  const end = new DataView(new ArrayBuffer(22));
  end.setUint32(0, 0x06054b50, true);
  end.setUint16(8, 1, true); // entries on this disk
  end.setUint16(10, 1, true); // entries in total
  end.setUint32(12, centralSize, true);
  end.setUint32(16, centralOffset, true);

  const out = new Uint8Array(centralOffset + centralSize + 22);
  let at = 0;
  for (const part of [new Uint8Array(local.buffer), nameBytes, compressed, new Uint8Array(central.buffer), nameBytes, new Uint8Array(end.buffer)]) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
