/**
 * Messaging through channels (protocol.md §6 "Messaging"): `send` delivers one message through
 * a linked channel account, once per `idempotencyKey` (also across restarts: the outbox is
 * durable); `channels.status` lists every account as the adapters observed it;
 * `channels.logout` stops an account and forgets its platform session.
 */
import { method } from "../method-record.ts";
import { t, type Static } from "../schema-builder.ts";
import { Scopes } from "../scopes.ts";
import { ChannelHealth } from "./system.ts";

const id = (maxLength = 256) => t.string({ minLength: 1, maxLength });

export const SendParams = t.object({
  /** The chat on the platform: a Telegram chat id or @username, a WhatsApp E.164 number or JID. */
  to: id(),
  message: t.optional(t.string({ maxLength: 100_000 })),
  /** A local path or an http(s) URL. */
  mediaUrl: t.optional(id(4096)),
  mediaUrls: t.optional(t.array(id(4096), { maxItems: 10 })),
  /** Accepted for compatibility; not applied. */
  gifPlayback: t.optional(t.boolean()),
  /** Default: the first channel with a linked account. */
  channel: t.optional(id(64)),
  /** Default: the channel's `default` account, else its first linked one. */
  accountId: t.optional(id(128)),
  /** A Telegram forum topic. */
  threadId: t.optional(t.union([t.string({ minLength: 1, maxLength: 64 }), t.integer()])),
  sessionKey: t.optional(id(512)),
  idempotencyKey: id(256),
});
export type SendParams = Static<typeof SendParams>;

export const SendResult = t.object({
  /** The caller's `idempotencyKey`. */
  runId: t.string(),
  /** The platform's id of the (last) message sent. */
  messageId: t.string(),
  channel: t.string(),
  chatId: t.optional(t.string()),
});
export type SendResult = Static<typeof SendResult>;

export const ChannelsStatusParams = t.object({
  /** Ask each platform about its account now (Telegram `getMe`). */
  probe: t.optional(t.boolean()),
  timeoutMs: t.optional(t.integer({ minimum: 100, maximum: 60_000 })),
});
export type ChannelsStatusParams = Static<typeof ChannelsStatusParams>;

/** One account as `channels.status` lists it. */
export const ChannelAccountSnapshot = t.object({
  accountId: t.string(),
  enabled: t.boolean(),
  configured: t.boolean(),
  linked: t.boolean(),
  running: t.boolean(),
  connected: t.boolean(),
  self: t.optional(t.object({ id: t.string(), name: t.optional(t.string()), username: t.optional(t.string()) })),
  dmPolicy: t.string(),
  lastConnectedAt: t.nullable(t.integer()),
  lastInboundAt: t.nullable(t.integer()),
  lastOutboundAt: t.nullable(t.integer()),
  reconnectAttempts: t.integer({ minimum: 0 }),
  lastError: t.nullable(t.string()),
  /** A terminal state that needs a person (a revoked token, logged out, disabled). */
  stoppedReason: t.nullable(t.string()),
  probe: t.optional(t.unknown()),
  lastProbeAt: t.optional(t.integer()),
});

export const ChannelsStatusResult = t.object({
  ts: t.integer(),
  channelOrder: t.array(t.string()),
  channelLabels: t.record(t.string()),
  channels: t.record(ChannelHealth),
  channelAccounts: t.record(t.array(ChannelAccountSnapshot)),
  channelDefaultAccountId: t.record(t.string()),
});
export type ChannelsStatusResult = Static<typeof ChannelsStatusResult>;

export const ChannelsLogoutParams = t.object({ channel: id(64), accountId: t.optional(id(128)) });
export type ChannelsLogoutParams = Static<typeof ChannelsLogoutParams>;
export const ChannelsLogoutResult = t.object({
  channel: t.string(),
  accountId: t.string(),
  /** The platform session was forgotten (WhatsApp); a Telegram bot token stays in the config. */
  cleared: t.boolean(),
  loggedOut: t.literal(true),
});

export const channelMethods = {
  send: method({ params: SendParams, result: SendResult, scope: Scopes.WRITE, idempotent: true }),
  "channels.status": method({ params: ChannelsStatusParams, result: ChannelsStatusResult, scope: Scopes.READ }),
  "channels.logout": method({ params: ChannelsLogoutParams, result: ChannelsLogoutResult, scope: Scopes.ADMIN }),
};
