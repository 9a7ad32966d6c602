/**
 * The SVG path of a QR code for a login's QR text. The matrix comes from the encoder
 * qrcode-terminal ships (error correction L, as the CLI and the gateway's PNG use), so every
 * client shows the same code. Kept apart from the component so a test can compute it too.
 */
import QRCode from "qrcode-terminal/vendor/QRCode/index.js";

const ERROR_CORRECTION_L = 1;
const QUIET_ZONE = 4;

/** One "M x y h w v1 h-w z" rectangle per horizontal run of dark modules, inside a quiet zone. */
export function qrPath(text: string): { size: number; path: string } {
  const qr = new QRCode(-1, ERROR_CORRECTION_L);
  qr.addData(text);
  qr.make();
  const n = qr.getModuleCount();
  let path = "";
  for (let row = 0; row < n; row++) {
    let col = 0;
    while (col < n) {
      if (!qr.isDark(row, col)) {
        col++;
        continue;
      }
      const start = col;
      while (col < n && qr.isDark(row, col)) col++;
      path += `M${start + QUIET_ZONE} ${row + QUIET_ZONE}h${col - start}v1h-${col - start}z`;
    }
  }
  return { size: n + 2 * QUIET_ZONE, path };
}

