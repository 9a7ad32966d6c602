/**
 * The canvas host as a gateway part: optional (a busy canvas port logs a warning and the
 * gateway runs without it), and its status says where it serves.
 */
import type { Part, PartStatus } from "../core/part.ts";
import { startCanvasHost, type CanvasHost } from "./canvas-host.ts";

export interface CanvasPartOptions {
  enabled: boolean;
  root: string;
  port: number;
  /** Default `127.0.0.1`: canvas files are for this machine's apps and browsers. */
  hostname?: string;
}

export interface CanvasPart extends Part {
  /** The running host, or null while stopped, disabled or failed. */
  readonly host: CanvasHost | null;
}

export function canvasPart(options: CanvasPartOptions): CanvasPart {
  let host: CanvasHost | null = null;
  return {
    name: "canvas",
    optional: true,
    get host() {
      return host;
    },
    async start({ log }) {
      if (!options.enabled) return;
      host = await startCanvasHost({ root: options.root, hostname: options.hostname ?? "127.0.0.1", port: options.port, log });
    },
    async stop() {
      await host?.stop();
      host = null;
    },
    status(): PartStatus {
      if (!options.enabled) return { state: "disabled", detail: "canvasHost.enabled is false or OPENCLAW_SKIP_CANVAS_HOST=1" };
      return host ? { state: "running", info: { port: host.port, url: host.url, root: options.root } } : { state: "stopped" };
    },
  };
}
