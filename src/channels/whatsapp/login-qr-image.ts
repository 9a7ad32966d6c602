/**
 * A login QR as `data:image/png;base64,…`, the `qrDataUrl` the reference's clients (Control UI,
 * macOS app) put in an <img>. The QR matrix comes from the encoder qrcode-terminal ships (the
 * same one the CLI renders with, so both show the same code); the PNG around it is small enough
 * to write here: 8-bit grayscale rows, one zlib stream, CRCs.
 */
import { crc32, deflateSync } from "node:zlib";

/** Pixels per QR module. */
const SCALE = 5;
/** The white border QR readers need, in modules. */
const QUIET_ZONE = 4;
/** qrcode-terminal's own error-correction level (L): a shorter code that still scans from a screen. */
const ERROR_CORRECTION_L = 1;

interface QrMatrix {
  addData(data: string): void;
  make(): void;
  getModuleCount(): number;
  isDark(row: number, col: number): boolean;
}
type QrMatrixClass = new (typeNumber: number, errorCorrectLevel: number) => QrMatrix;

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, "latin1");
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

/** Encodes `text` as a QR code PNG data URL (the encoder is imported on first use). */
export async function qrDataUrl(text: string): Promise<string> {
  const { default: QRCode } = (await import("qrcode-terminal/vendor/QRCode/index.js" as string)) as { default: QrMatrixClass };
  const qr = new QRCode(-1, ERROR_CORRECTION_L);
  qr.addData(text);
  qr.make();
  const modules = qr.getModuleCount();
  const size = (modules + 2 * QUIET_ZONE) * SCALE;
  // Each row: filter type 0 (none), then one gray byte per pixel.
  const raw = Buffer.alloc((size + 1) * size, 0xff);
  for (let y = 0; y < size; y++) {
    raw[y * (size + 1)] = 0;
    const row = Math.floor(y / SCALE) - QUIET_ZONE;
    if (row < 0 || row >= modules) continue;
    for (let x = 0; x < size; x++) {
      const col = Math.floor(x / SCALE) - QUIET_ZONE;
      if (col >= 0 && col < modules && qr.isDark(row, col)) raw[y * (size + 1) + 1 + x] = 0;
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 0; // grayscale
  const png = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(raw, { level: 9 })),
    chunk("IEND", Buffer.alloc(0)),
  ]);
  return `data:image/png;base64,${png.toString("base64")}`;
}
