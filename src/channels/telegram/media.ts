/**
 * Media both ways. Inbound: what a message carries, as `file_id`s to fetch later (nothing is
 * downloaded while polling, so a big upload never holds up the offset). Outbound: checking a
 * local file or URL before anything is sent, so a message with a missing attachment is refused
 * whole instead of going out half.
 */
import type { Message } from "grammy/types";
import { stat } from "node:fs/promises";
import { basename } from "node:path";
import { ChannelSendError, type InboundMedia, type OutboundMedia } from "../types.ts";

/** Bot API upload limit for `sendPhoto`/`sendDocument` (cloud API). */
export const UPLOAD_MAX_BYTES = 50 * 1024 * 1024;
/** Photos over 10 MB are refused by `sendPhoto`; such images go as documents. */
const PHOTO_MAX_BYTES = 10 * 1024 * 1024;
export const CAPTION_MAX = 1024;

const IMAGE_EXT = /\.(jpe?g|png|gif|webp)$/i;

/** The media of an inbound message; a photo is the largest of its sizes. */
export function inboundMedia(message: Message): InboundMedia[] {
  const caption = message.caption;
  const media: InboundMedia[] = [];
  const add = (item: InboundMedia) => media.push(caption ? { ...item, caption } : item);
  if (message.photo && message.photo.length > 0) {
    const largest = message.photo.reduce((best, size) => (size.width * size.height > best.width * best.height ? size : best));
    add({ kind: "image", fileId: largest.file_id, mimeType: "image/jpeg" });
  }
  if (message.sticker) add({ kind: "sticker", fileId: message.sticker.file_id, mimeType: message.sticker.is_video ? "video/webm" : "image/webp" });
  if (message.voice) add({ kind: "voice", fileId: message.voice.file_id, mimeType: message.voice.mime_type ?? "audio/ogg" });
  if (message.audio) add({ kind: "audio", fileId: message.audio.file_id, mimeType: message.audio.mime_type, fileName: message.audio.file_name });
  if (message.video) add({ kind: "video", fileId: message.video.file_id, mimeType: message.video.mime_type, fileName: message.video.file_name });
  if (message.video_note) add({ kind: "video", fileId: message.video_note.file_id, mimeType: "video/mp4" });
  // An animation also arrives as `document`; one entry is enough.
  if (message.animation) add({ kind: "video", fileId: message.animation.file_id, mimeType: message.animation.mime_type, fileName: message.animation.file_name });
  else if (message.document) add({ kind: "document", fileId: message.document.file_id, mimeType: message.document.mime_type, fileName: message.document.file_name });
  return media.map(withoutUndefined);
}

function withoutUndefined(item: InboundMedia): InboundMedia {
  return Object.fromEntries(Object.entries(item).filter(([, value]) => value !== undefined)) as unknown as InboundMedia;
}

/** One attachment, checked and ready: the Bot API method and what goes in its file field. */
export interface PreparedMedia {
  method: "sendPhoto" | "sendDocument";
  /** An http(s) URL (Telegram fetches it) or a local path (uploaded). */
  source: { url: string } | { path: string; fileName: string };
  caption?: string;
}

function refused(message: string): ChannelSendError {
  return new ChannelSendError(message, { kind: "refused" });
}

/** Checks one attachment; throws a `refused` ChannelSendError for what can never be sent. */
export async function prepareMedia(media: OutboundMedia): Promise<PreparedMedia> {
  if (media.caption !== undefined && media.caption.length > CAPTION_MAX) throw refused(`caption is longer than Telegram's ${CAPTION_MAX}-character limit`);
  const caption = media.caption?.trim() ? media.caption : undefined;
  if (/^https?:\/\//i.test(media.source)) {
    let url: URL;
    try {
      url = new URL(media.source);
    } catch {
      throw refused("attachment URL is not a valid URL");
    }
    const looksImage = IMAGE_EXT.test(url.pathname);
    const method = (media.kind ?? (looksImage ? "image" : "document")) === "image" ? "sendPhoto" : "sendDocument";
    return { method, source: { url: media.source }, caption };
  }
  let info;
  try {
    info = await stat(media.source);
  } catch (error) {
    throw refused(`attachment ${basename(media.source)} cannot be read (${(error as NodeJS.ErrnoException).code ?? "unreadable"})`);
  }
  if (!info.isFile()) throw refused(`attachment ${basename(media.source)} is not a file`);
  if (info.size > UPLOAD_MAX_BYTES) throw refused(`attachment ${basename(media.source)} is larger than Telegram's 50 MB upload limit`);
  const kind = media.kind ?? (IMAGE_EXT.test(media.source) ? "image" : "document");
  const method = kind === "image" && info.size <= PHOTO_MAX_BYTES ? "sendPhoto" : "sendDocument";
  return { method, source: { path: media.source, fileName: basename(media.source) }, caption };
}
