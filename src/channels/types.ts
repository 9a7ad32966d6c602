/**
 * What every messaging channel shares. An adapter (Telegram now, WhatsApp next) speaks one
 * platform for one account; the channel manager owns their lifecycle, backoff and status, the
 * durable inbox and outbox, access control and routing. Adding a channel means writing an
 * adapter and a factory, never changing the manager.
 */
import type { OpenClawConfig } from "../../protocol/config-schema.ts";
import type { Env } from "../config/paths.ts";
import type { Logger } from "../log/logger.ts";
import type { MetricsRegistry } from "../metrics/registry.ts";

export type ChatKind = "direct" | "group";

export interface InboundMedia {
  kind: "image" | "document" | "audio" | "video" | "sticker" | "voice";
  /** The platform's file id (Telegram `file_id`), to fetch it later. */
  fileId?: string;
  mimeType?: string;
  fileName?: string;
  caption?: string;
  /** Where the adapter stored the file locally (WhatsApp downloads into `<workspace>/inbox/whatsapp/`). */
  path?: string;
}

/** One message as it arrived, normalised across platforms. */
export interface InboundMessage {
  channel: string;
  accountId: string;
  /** The platform's id of this message, unique within (channel, account, chat): the dedupe key. */
  messageId: string;
  chat: { id: string; kind: ChatKind; title?: string; threadId?: string };
  /** `isOwner`: the account itself wrote it (WhatsApp: the linked number, in its self-chat); DM policies always let it in. */
  sender: { id: string; name?: string; username?: string; isOwner?: boolean };
  text: string;
  media: InboundMedia[];
  replyTo?: { messageId: string; text?: string; fromSelf?: boolean };
  /** The adapter's judgement: the bot was @mentioned, or the message replies to the bot. */
  mentioned: boolean;
  /** When the platform says it was sent (ms). */
  ts: number;
}

export interface OutboundMedia {
  /** A local file path or an http(s) URL. */
  source: string;
  kind?: "image" | "document";
  caption?: string;
}

export interface OutboundMessage {
  /** The chat id on the platform (Telegram chat id, WhatsApp JID). */
  to: string;
  text?: string;
  media?: OutboundMedia[];
  replyToMessageId?: string;
  threadId?: string;
  /**
   * The same for every attempt to send this message, across retries and restarts (the outbox
   * fills it in from its idempotency key). Platforms that take a client-chosen message id
   * (WhatsApp) derive it from this, so a resend after a crash is the same message to the recipient.
   */
  dedupeKey?: string;
}

export interface SendResult {
  /** The platform's id of the sent message (of the last chunk when one message became several). */
  messageId: string;
  chatId: string;
}

export type ChannelSendErrorKind =
  /** No linked account to send through: answer `NOT_LINKED`, do not retry. */
  | "not_linked"
  /** The platform refused this message (bad chat, blocked, too long): answer `UNAVAILABLE` with its reason, do not retry. */
  | "refused"
  /** Worth retrying later (429, 5xx, network); `retryAfterMs` when the platform said when. */
  | "transient";

export class ChannelSendError extends Error {
  override name = "ChannelSendError";
  readonly kind: ChannelSendErrorKind;
  readonly retryAfterMs: number | null;

  constructor(message: string, options: { kind: ChannelSendErrorKind; retryAfterMs?: number | null }) {
    super(message);
    this.kind = options.kind;
    this.retryAfterMs = options.retryAfterMs ?? null;
  }
}

/** What an account's status snapshot says (health, status, channels.status, /readyz). */
export interface ChannelAccountStatus {
  channel: string;
  accountId: string;
  configured: boolean;
  /** Credentials are present and accepted (Telegram: getMe succeeded; WhatsApp: paired). */
  linked: boolean;
  running: boolean;
  connected: boolean;
  /** The platform identity of the account (bot username, phone number), when known. */
  self?: { id: string; name?: string; username?: string };
  lastConnectedAt: number | null;
  lastInboundAt: number | null;
  lastOutboundAt: number | null;
  reconnectAttempts: number;
  lastError: string | null;
  /** A terminal state that needs a person (logged out, token revoked, another poller): no reconnects until fixed. */
  stoppedReason: string | null;
}

/** A persisted per-account value the adapter owns (the Telegram update offset). */
export interface ChannelCursor {
  get(): string | null;
  set(value: string): void;
}

export interface ChannelContext {
  /**
   * Hands an inbound message to the gateway; resolves once it is durably in the inbox (a
   * duplicate resolves too). Only then may the adapter acknowledge it to the platform
   * (for Telegram: move the offset past it).
   */
  receive(message: InboundMessage): Promise<void>;
  cursor: ChannelCursor;
  /** Reports what changed (connected, linked, self, lastError…); the manager keeps the rest. */
  report(update: Partial<Omit<ChannelAccountStatus, "channel" | "accountId">>): void;
  log: Logger;
  /** Aborted when the account is stopped. */
  signal: AbortSignal;
}

export interface ChannelAdapter {
  readonly channel: string;
  readonly accountId: string;
  /** Longest text one platform message may carry (Telegram 4000 by default); longer replies are chunked. */
  readonly textLimit: number;
  /**
   * Connects and keeps receiving until stopped. Resolves when stopped; rejects on a failure the
   * manager should retry with backoff, or with a `ChannelFatalError` for one it must not.
   */
  run(ctx: ChannelContext): Promise<void>;
  /** Sends one message; throws ChannelSendError. */
  send(message: OutboundMessage): Promise<SendResult>;
  /** Shows "typing…" in a chat while a reply is being made; best effort. */
  typing?(chatId: string, threadId?: string): Promise<void>;
  /** Forgets the account's credentials on the platform side where that means something (WhatsApp). */
  logout?(): Promise<void>;
  /** Checks the credentials with the platform now (Telegram `getMe`), for `channels.status {probe: true}`. */
  probe?(signal: AbortSignal): Promise<ChannelProbe>;
}

/** What a probe found; shown as is in `channels.status` and `health.channels.<id>.probe`. */
export interface ChannelProbe {
  ok: boolean;
  /** Why not, in words (the platform's description). */
  error?: string;
  /** The identity the platform reported. */
  self?: { id: string; name?: string; username?: string };
}

/** A failure reconnecting cannot fix (a revoked token, another poller on the same token). */
export class ChannelFatalError extends Error {
  override name = "ChannelFatalError";
}

/** One account's settings, as the factory read them from the config. */
export interface ChannelAccountConfig {
  channel: string;
  accountId: string;
  enabled: boolean;
  /** Access policy for direct messages and groups (channels-and-models.md §3.1). */
  access: AccessPolicy;
  /** The raw per-account section, for the adapter's own keys. */
  raw: Record<string, unknown>;
  /**
   * Set when the account is configured but cannot run (no bot token, a refused tokenFile): the
   * manager shows "configured, not linked: <problem>" and does not call `create`.
   */
  problem?: string;
}

export interface AccessPolicy {
  dmPolicy: "pairing" | "allowlist" | "open" | "disabled";
  allowFrom: string[];
  groupPolicy: "allowlist" | "open" | "disabled";
  groupAllowFrom: string[];
  /** `groups` keyed by chat id or "*": which groups are allowed, and whether a mention is required. */
  groups: Record<string, { requireMention: boolean; allowFrom?: string[]; enabled?: boolean }>;
  /** Set when the config said something the policy does not understand: everything is refused (fail closed). */
  invalid?: string;
}

/** Where the gateway keeps things, for factories whose accounts live on disk (WhatsApp's linked creds). */
export interface ChannelPlaces {
  stateDir: string;
}

export interface ChannelFactory {
  readonly channel: string;
  /** The accounts the config (and env, e.g. TELEGRAM_BOT_TOKEN) describe; none when the channel is not configured. */
  accounts(config: Readonly<OpenClawConfig>, env: Env, where?: ChannelPlaces): ChannelAccountConfig[];
  /** Builds the adapter (imports the platform library lazily). */
  create(
    account: ChannelAccountConfig,
    // `metrics`: the gateway's registry, for a channel's own metrics (register each once per registry).
    deps: { env: Env; stateDir: string; workspace?: string; fetch?: typeof fetch; metrics?: MetricsRegistry },
  ): Promise<ChannelAdapter>;
}
