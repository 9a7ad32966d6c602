/**
 * A QR code drawn as SVG in the page from the login's QR text: no image request, nothing for
 * the CSP to allow. Dark modules are one path; the quiet zone stays white in dark mode too, or
 * phones cannot scan it.
 */
import { useMemo } from "preact/hooks";
import { qrPath } from "./qr-path.ts";

export function QrCode({ text, label }: { text: string; label: string }) {
  const { size, path } = useMemo(() => qrPath(text), [text]);
  return (
    <svg class="qr" viewBox={`0 0 ${size} ${size}`} role="img" aria-label={label} shape-rendering="crispEdges" data-qr={text.length > 0 ? "shown" : "empty"}>
      <rect width={size} height={size} fill="#fff" />
      <path d={path} fill="#000" />
    </svg>
  );
}
