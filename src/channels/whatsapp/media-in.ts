/**
 * Inbound media to a local file: `<workspace>/inbox/whatsapp/<account>-<message id>.<ext>`,
 * streamed through a byte counter so a file over `mediaMaxMb` is cut off instead of filling
 * the disk (WhatsApp's declared size is checked first, but it is the sender's claim). The
 * file appears under its final name only when complete (temp file + rename), so a redelivery
 * after a crash finds either nothing or the whole file.
 */
import { createWriteStream } from "node:fs";
import { mkdir, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import type { WAMessage } from "@whiskeysockets/baileys";
import type { InboundMedia } from "../types.ts";
import type { PendingMedia } from "./inbound.ts";
import type { WaSocket } from "./socket.ts";

export interface MediaDownloadOptions {
  socket: Pick<WaSocket, "downloadMedia">;
  message: WAMessage;
  pending: PendingMedia;
  accountId: string;
  /** `<workspace>/inbox/whatsapp`. */
  dir: string;
  maxBytes: number;
  signal: AbortSignal;
}

export type MediaDownloadResult = { media: InboundMedia } | { skipped: string; media: InboundMedia };

const EXTENSIONS: Record<string, string> = {
  "image/jpeg": "jpg",
  "image/png": "png",
  "image/webp": "webp",
  "image/gif": "gif",
  "video/mp4": "mp4",
  "video/3gpp": "3gp",
  "audio/ogg": "ogg",
  "audio/mpeg": "mp3",
  "audio/mp4": "m4a",
  "audio/aac": "aac",
  "audio/amr": "amr",
  "application/pdf": "pdf",
};

/** A file-name part that cannot climb out of the directory or surprise a shell. */
function safePart(value: string): string {
  return value.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 80) || "x";
}

function extensionOf(media: InboundMedia): string {
  const fromName = media.fileName ? /\.([A-Za-z0-9]{1,8})$/.exec(media.fileName)?.[1] : undefined;
  if (fromName) return fromName.toLowerCase();
  const mime = media.mimeType?.split(";")[0]?.trim().toLowerCase() ?? "";
  return EXTENSIONS[mime] ?? "bin";
}

/** `promise`, or a rejection as soon as `signal` aborts. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new Error("stopped"));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new Error("stopped"));
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}

class TooLarge extends Error {
  override name = "TooLarge";
}

export async function downloadInboundMedia(options: MediaDownloadOptions): Promise<MediaDownloadResult> {
  const { pending, maxBytes } = options;
  const media: InboundMedia = { ...pending.media };
  const limitMb = Math.round((maxBytes / 1024 / 1024) * 10) / 10;
  if (pending.declaredBytes !== null && pending.declaredBytes > maxBytes) {
    return { skipped: `larger than mediaMaxMb (${limitMb} MB)`, media };
  }
  const id = options.message.key.id ?? "unknown";
  const path = join(options.dir, `${safePart(options.accountId)}-${safePart(id)}.${extensionOf(media)}`);
  const existing = await stat(path).catch(() => null);
  if (existing?.isFile()) return { media: { ...media, path } };

  await mkdir(options.dir, { recursive: true, mode: 0o700 });
  const temp = `${path}.${process.pid}.part`;
  const out = createWriteStream(temp, { mode: 0o600 });
  const finished = new Promise<void>((resolve, reject) => {
    out.once("finish", resolve);
    out.once("error", reject);
  });
  // Awaited on success only; a failed download must not leave an unhandled rejection behind.
  finished.catch(() => {});
  let bytes = 0;
  try {
    const stream = await untilAborted(options.socket.downloadMedia(options.message), options.signal);
    const chunks = stream[Symbol.asyncIterator]();
    for (;;) {
      // A stalled download must not hold up stopping the account.
      const next = await untilAborted(chunks.next(), options.signal).catch((error: unknown) => {
        // Not awaited: a generator stuck in a read would only finish its return after that read.
        void chunks.return?.()?.catch(() => {});
        throw error;
      });
      if (next.done) break;
      const chunk = next.value;
      bytes += chunk.byteLength;
      if (bytes > maxBytes) throw new TooLarge();
      if (!out.write(chunk)) await new Promise((resolve) => out.once("drain", resolve));
    }
    out.end();
    await finished;
    await rename(temp, path);
    return { media: { ...media, path } };
  } catch (error) {
    out.destroy();
    await rm(temp, { force: true });
    if (error instanceof TooLarge) return { skipped: `larger than mediaMaxMb (${limitMb} MB)`, media };
    return { skipped: `download failed: ${error instanceof Error ? error.message : String(error)}`, media };
  }
}
