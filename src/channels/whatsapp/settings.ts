/**
 * The adapter's own keys of a WhatsApp account section (channels-and-models.md §3.2), read
 * once into plain values. Numbers out of range are clamped, not refused: they tune behaviour,
 * and an account that will not start over a chunk size is worse than one using the nearest
 * sane value.
 */

/** OpenClaw's default chunk size; WhatsApp itself takes about 65 000 characters. */
export const DEFAULT_TEXT_LIMIT = 4000;
export const WHATSAPP_TEXT_MAX = 60_000;
/** Inbound media larger than this is not downloaded (MB). */
export const DEFAULT_MEDIA_MAX_MB = 50;
/** Outbound pacing: at most this many messages per account in any 60 s (user-needs B8). */
export const DEFAULT_MAX_MESSAGES_PER_MINUTE = 20;

export interface WhatsAppSettings {
  /** `textChunkLimit`: longer replies are split. Default 4000. */
  textLimit: number;
  /** `sendReadReceipts`: mark handled messages read (never in the self-chat). Default true. */
  sendReadReceipts: boolean;
  /** `mediaMaxMb`: the inbound download limit. Default 50. */
  mediaMaxBytes: number;
  /** `maxMessagesPerMinute`: the outbound cap per account. Default 20. */
  maxMessagesPerMinute: number;
  /** `fetchLatestVersion`: ask GitHub for the current WhatsApp Web version on connect. Default false (the bundled one). */
  fetchLatestVersion: boolean;
  /** `selfChatMode`: messages the owner writes to their own "Message yourself" chat reach the agent. Default false. */
  selfChatMode: boolean;
}

function num(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

export function readWhatsAppSettings(section: Readonly<Record<string, unknown>>): WhatsAppSettings {
  return {
    textLimit: Math.floor(clamp(num(section.textChunkLimit) ?? DEFAULT_TEXT_LIMIT, 1, WHATSAPP_TEXT_MAX)),
    sendReadReceipts: section.sendReadReceipts !== false,
    mediaMaxBytes: Math.floor(clamp(num(section.mediaMaxMb) ?? DEFAULT_MEDIA_MAX_MB, 0.01, 2048) * 1024 * 1024),
    maxMessagesPerMinute: Math.floor(clamp(num(section.maxMessagesPerMinute) ?? DEFAULT_MAX_MESSAGES_PER_MINUTE, 1, 600)),
    fetchLatestVersion: section.fetchLatestVersion === true,
    selfChatMode: section.selfChatMode === true,
  };
}
