/**
 * `send`, `channels.status` and `channels.logout`. `send` stores the message in the outbox
 * under the caller's idempotency key and waits for the outcome, so a repeat of the key (also
 * after a restart) gets the first outcome instead of a second message. With no linked account
 * it fails at once with NOT_LINKED: the gateway never falls back to anything else (runbook).
 */
import { ErrorCodes } from "../../../protocol/errors.ts";
import type { channelMethods, SendParams, SendResult } from "../../../protocol/methods/channels.ts";
import type { OutboxItem } from "../../channels/store-types.ts";
import type { OutboundMessage } from "../../channels/types.ts";
import type { HandlersOf, MethodContext } from "../rpc/dispatcher.ts";
import { RpcError } from "../rpc/rpc-error.ts";

/** Channels the gateway serves itself, never through `send`. */
const INTERNAL_CHANNELS = new Set(["webchat"]);

/** Outbox keys of `send` are namespaced, so a caller's key can never collide with a reply's. */
export const sendOutboxKey = (idempotencyKey: string) => `send:${idempotencyKey}`;

function outboundOf(params: SendParams): OutboundMessage {
  const text = params.message?.trim() ? params.message : undefined;
  const media = [...(params.mediaUrl ? [params.mediaUrl] : []), ...(params.mediaUrls ?? [])].filter((source) => source.trim());
  if (!text && media.length === 0) throw new RpcError(ErrorCodes.INVALID_REQUEST, "invalid send params: text or media is required");
  return {
    to: params.to.trim(),
    ...(text ? { text } : {}),
    ...(media.length > 0 ? { media: media.map((source) => ({ source: source.trim() })) } : {}),
    ...(params.threadId !== undefined ? { threadId: String(params.threadId) } : {}),
  };
}

function enqueue(params: SendParams, key: string, { services }: MethodContext): void {
  const message = outboundOf(params);
  const channel = params.channel?.trim().toLowerCase();
  if (channel !== undefined && INTERNAL_CHANNELS.has(channel)) throw new RpcError(ErrorCodes.INVALID_REQUEST, `unsupported channel: ${params.channel}`);
  const target = services.channels.target(channel, params.accountId);
  if (!target.ok) throw new RpcError(target.code === "unsupported" ? ErrorCodes.INVALID_REQUEST : ErrorCodes.NOT_LINKED, target.message);
  services.channels.enqueue({ idempotencyKey: key, channel: target.channel, accountId: target.accountId, message });
}

function outcomeOf(item: OutboxItem, runId: string, now: number): SendResult {
  if (item.state === "sent" && item.result) return { runId, messageId: item.result.messageId, channel: item.channel, chatId: item.result.chatId };
  const details = { channel: item.channel, accountId: item.accountId };
  if (item.state === "failed") throw new RpcError(ErrorCodes.UNAVAILABLE, item.lastError ?? "the message could not be sent", details);
  // Still waiting (a platform outage, a rate limit): the outbox keeps it and retries on its own.
  throw RpcError.retryLater(
    ErrorCodes.UNAVAILABLE,
    `not sent yet${item.lastError ? ` (${item.lastError})` : ""}; it stays queued and will be retried: repeat the request with the same idempotencyKey to learn the outcome`,
    { details: { ...details, queued: true }, retryAfterMs: Math.max(1000, item.nextAttemptAt - now) },
  );
}

export const channelHandlers: HandlersOf<typeof channelMethods> = {
  send: async (params, ctx) => {
    const { services } = ctx;
    const runId = params.idempotencyKey;
    const key = sendOutboxKey(runId);
    // A repeat is answered from the outbox, whatever the channels look like now.
    if (!services.outbox.get(key)) enqueue(params, key, ctx);
    const item = await services.channels.settledItem(key, services.channels.sendWaitMs);
    if (!item) throw new RpcError(ErrorCodes.UNAVAILABLE, "the message was not stored");
    return outcomeOf(item, runId, services.now());
  },

  "channels.status": (params, { services }) => services.channels.channelsStatus({ probe: params.probe === true, timeoutMs: params.timeoutMs }),

  "channels.logout": async (params, { services }) => {
    const channel = params.channel.trim().toLowerCase();
    if (!services.channels.channelIds.includes(channel)) throw new RpcError(ErrorCodes.INVALID_REQUEST, `unsupported channel: ${params.channel}`);
    const done = await services.channels.logout(channel, params.accountId);
    if (!done) throw new RpcError(ErrorCodes.INVALID_REQUEST, `unknown account: ${channel}/${params.accountId ?? "default"}`);
    return { ...done, loggedOut: true as const };
  },
};
