/**
 * An outbound attachment as Baileys content (channels-and-models.md §1.7). The kind comes
 * from `kind` when it says document, else from the file type: images, videos, audio (Ogg/Opus
 * as a voice note, PTT), anything else a document. Sources are checked before Baileys sees
 * them, because Baileys opens any `{url}` that is not http(s) as a local path.
 *
 * No thumbnails are generated: Baileys would render one with sharp/jimp/ffmpeg (absent from
 * the binary) whenever `jpegThumbnail` is undefined, so we pass an empty one.
 */
import { stat } from "node:fs/promises";
import { basename, extname, isAbsolute } from "node:path";
import type { AnyMessageContent } from "@whiskeysockets/baileys";
import { ChannelSendError, type OutboundMedia } from "../types.ts";

type Kind = "image" | "video" | "audio" | "document";

const TYPES: Record<string, { mime: string; kind: Kind; ptt?: boolean }> = {
  ".jpg": { mime: "image/jpeg", kind: "image" },
  ".jpeg": { mime: "image/jpeg", kind: "image" },
  ".png": { mime: "image/png", kind: "image" },
  ".webp": { mime: "image/webp", kind: "image" },
  ".gif": { mime: "image/gif", kind: "image" },
  ".mp4": { mime: "video/mp4", kind: "video" },
  ".mov": { mime: "video/quicktime", kind: "video" },
  ".3gp": { mime: "video/3gpp", kind: "video" },
  // WhatsApp plays a voice note only as Ogg/Opus, and wants the codec in the type.
  ".ogg": { mime: "audio/ogg; codecs=opus", kind: "audio", ptt: true },
  ".opus": { mime: "audio/ogg; codecs=opus", kind: "audio", ptt: true },
  ".mp3": { mime: "audio/mpeg", kind: "audio" },
  ".m4a": { mime: "audio/mp4", kind: "audio" },
  ".aac": { mime: "audio/aac", kind: "audio" },
  ".amr": { mime: "audio/amr", kind: "audio" },
  ".pdf": { mime: "application/pdf", kind: "document" },
  ".txt": { mime: "text/plain", kind: "document" },
  ".csv": { mime: "text/csv", kind: "document" },
  ".zip": { mime: "application/zip", kind: "document" },
  ".docx": { mime: "application/vnd.openxmlformats-officedocument.wordprocessingml.document", kind: "document" },
  ".xlsx": { mime: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", kind: "document" },
};

const refused = (message: string) => new ChannelSendError(message, { kind: "refused" });

function nameOf(source: string, isUrl: boolean): string {
  if (!isUrl) return basename(source);
  try {
    return basename(new URL(source).pathname) || "file";
  } catch {
    return "file";
  }
}

/** Checks the source and builds the message content for one attachment. */
export async function mediaContent(media: OutboundMedia, options: { maxBytes: number }): Promise<AnyMessageContent> {
  const source = media.source.trim();
  const isUrl = /^https?:\/\//i.test(source);
  if (!isUrl) {
    if (!isAbsolute(source)) throw refused(`attachment ${JSON.stringify(source.slice(0, 80))} is neither an http(s) URL nor an absolute path`);
    const info = await stat(source).catch(() => null);
    if (!info?.isFile()) throw refused(`attachment ${source} is not a readable file`);
    if (info.size > options.maxBytes) throw refused(`attachment ${source} is larger than ${Math.round(options.maxBytes / 1024 / 1024)} MB`);
  }
  const fileName = nameOf(source, isUrl);
  const type = TYPES[extname(fileName).toLowerCase()];
  const kind: Kind = media.kind === "document" ? "document" : media.kind === "image" ? "image" : (type?.kind ?? "document");
  const caption = media.caption?.trim() ? media.caption : undefined;
  const upload = { url: source };
  const mimetype = type?.mime;
  switch (kind) {
    case "image":
      return { image: upload, ...(caption ? { caption } : {}), ...(mimetype ? { mimetype } : {}), jpegThumbnail: "" };
    case "video":
      return { video: upload, ...(caption ? { caption } : {}), ...(mimetype ? { mimetype } : {}), jpegThumbnail: "" };
    case "audio":
      // Audio carries no caption on WhatsApp; the caller sends it as text.
      return { audio: upload, mimetype: mimetype ?? "audio/mpeg", ptt: type?.ptt === true };
    case "document":
      return { document: upload, mimetype: mimetype ?? "application/octet-stream", fileName, ...(caption ? { caption } : {}) };
  }
}

/** Whether this content shows a caption (audio does not). */
export function carriesCaption(content: AnyMessageContent): boolean {
  return !("audio" in content);
}
