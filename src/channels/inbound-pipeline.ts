/**
 * What happens to an inbound message (channels-and-models.md §3.7): it is stored in the inbox
 * (a redelivery is recognised there and does nothing), access is decided (`access.ts`), an
 * unknown DM sender may get a pairing code, the message is routed to an agent and session, the
 * agent runs while the chat shows "typing…", and the reply is chunked into the outbox. Only then
 * is the inbox item done, so a crash at any point means the message is answered after the
 * restart, and the reply keys (`reply:<inboxId>:<n>`) make sure it is answered once.
 *
 * Channel metadata (names, group titles) reaches the model as structured `source` fields the
 * runtime shows as data, never spliced into the message text (user-needs F7).
 */
import { NO_MODEL_MESSAGE } from "../agent/model/resolve-models.ts";
import type { AgentRunInput, AgentRunResult } from "../agent/runner-types.ts";
import { RUN_INTERRUPTED } from "../agent/runner-types.ts";
import type { Logger } from "../log/logger.ts";
import { decideAccess } from "./access.ts";
import { agentMessageOf, sourceOf } from "./agent-input.ts";
import type { ChannelMetrics } from "./channel-metrics.ts";
import { chunkText, DEFAULT_TEXT_LIMIT, MIN_TEXT_LIMIT } from "./chunk.ts";
import type { OutboxWorker } from "./outbox-worker.ts";
import { pairingReply } from "./pairing-reply.ts";
import { routeInbound } from "./routing.ts";
import type { InboxItem, InboxStore, OutboxItem, PairingStore } from "./store-types.ts";
import type { AccessPolicy, ChannelAdapter, InboundMessage } from "./types.ts";

export const DEFAULT_TYPING_INTERVAL_MS = 4000;
/** A message left unanswered longer than this (the gateway was down) is not answered any more. */
export const DEFAULT_INBOX_MAX_AGE_MS = 60 * 60_000;
/** Names and titles shown to the model are cut to this many characters. */

export interface PipelineAgent {
  start(input: AgentRunInput): { result: Promise<AgentRunResult> };
  settings(): { defaultAgentId: string };
}

/** A running account as the pipeline needs it. */
export interface PipelineAccount {
  adapter: ChannelAdapter;
  access: AccessPolicy;
}

export interface InboundPipelineOptions {
  inbox: InboxStore;
  outbox: OutboxWorker;
  /** Null fails closed: nobody is approved and no pairing codes are handed out. */
  pairing: () => PairingStore | null;
  agent: PipelineAgent;
  /** The account a message arrived on, while it exists; null leaves its messages waiting. */
  account: (channel: string, accountId: string) => PipelineAccount | null;
  metrics: ChannelMetrics;
  log: Logger;
  now: () => number;
  /** How often "typing…" is repeated while a run works. Default 4000 ms (Telegram shows it for 5 s). */
  typingIntervalMs?: number;
  /** Default 1 h. */
  maxAgeMs?: number;
}

const replyKey = (inboxId: number, n: number) => `reply:${inboxId}:${n}`;

export class InboundPipeline {
  private readonly working = new Map<number, Promise<void>>();
  /** Replies whose first part is not sent yet: inbox id → when the message was stored. */
  private readonly awaitingReply = new Map<number, { channel: string; receivedAt: number }>();
  private readonly warnedInvalid = new Set<string>();
  private readonly typingIntervalMs: number;
  private readonly maxAgeMs: number;
  private stopped = false;

  constructor(private readonly options: InboundPipelineOptions) {
    this.typingIntervalMs = options.typingIntervalMs ?? DEFAULT_TYPING_INTERVAL_MS;
    this.maxAgeMs = options.maxAgeMs ?? DEFAULT_INBOX_MAX_AGE_MS;
  }

  /**
   * Stores the message and starts working on it; resolves once it is stored (a duplicate
   * resolves too, doing nothing), so the adapter may then acknowledge it to the platform.
   * Rejects when the store cannot take it: the adapter must not acknowledge then.
   */
  async receive(message: InboundMessage): Promise<void> {
    const { item, isNew } = this.options.inbox.accept(message, this.options.now());
    if (!isNew) {
      this.options.metrics.inbound(message.channel, "duplicate");
      return;
    }
    this.options.metrics.inbound(message.channel, "accepted");
    this.begin(item);
  }

  /** Works on stored messages not done yet (after a crash, or once their account is back). */
  resume(filter: (item: InboxItem) => boolean = () => true): void {
    for (const item of this.options.inbox.pending()) if (filter(item)) this.begin(item);
  }

  /** Told by the outbox when an item settles: the first part of a reply being sent ends the wait. */
  outboxSettled(item: OutboxItem): void {
    if (item.inboxId === null || item.idempotencyKey !== replyKey(item.inboxId, 0)) return;
    const waiting = this.awaitingReply.get(item.inboxId);
    if (!waiting) return;
    this.awaitingReply.delete(item.inboxId);
    if (item.state === "sent" && item.sentAt !== null) this.options.metrics.replyLatency(waiting.channel, (item.sentAt - waiting.receivedAt) / 1000);
  }

  /** Takes no new work; waits (a little) for the work in flight, whose runs the runtime ends. */
  async stop(waitMs = 5000): Promise<void> {
    this.stopped = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([Promise.allSettled([...this.working.values()]), new Promise((resolve) => (timer = setTimeout(resolve, waitMs)))]);
    clearTimeout(timer);
  }

  /** Starts again after `stop` (the part was restarted). */
  restart(): void {
    this.stopped = false;
  }

  private begin(item: InboxItem): void {
    if (this.stopped || this.working.has(item.id)) return;
    // `handle` runs synchronously up to the agent start, so runs start in arrival order.
    const work = this.handle(item)
      .catch((error) => this.options.log.error(`inbound message ${item.id} failed:`, error))
      .finally(() => this.working.delete(item.id));
    this.working.set(item.id, work);
  }

  private done(item: InboxItem, note: string, outcome: Parameters<ChannelMetrics["inbound"]>[1]): void {
    this.options.inbox.markDone(item.id, note, this.options.now());
    this.options.metrics.inbound(item.message.channel, outcome);
  }

  private async handle(item: InboxItem): Promise<void> {
    const { message } = item;
    const { channel, accountId } = message;
    if (this.options.now() - item.receivedAt > this.maxAgeMs) return this.done(item, "expired: not answered in time", "expired");
    // A reply stored before a crash means this message was answered; it is not run again.
    if (this.options.outbox.has(replyKey(item.id, 0))) return this.done(item, "replied", "replied");
    const account = this.options.account(channel, accountId);
    if (!account) return; // stays pending until its account runs again

    const pairing = this.options.pairing();
    const decision = decideAccess({ message, policy: account.access, isApproved: (senderId) => pairing?.isAllowed(channel, accountId, senderId) ?? false });
    if (decision.action === "refuse") {
      if (decision.reason === "invalid-policy") this.warnInvalid(channel, accountId, account.access.invalid);
      return this.done(item, `refused: ${decision.reason}`, `refused:${decision.reason}`);
    }
    if (decision.action === "pair") return this.offerPairing(item, pairing);

    let route;
    try {
      route = routeInbound(message, this.options.agent.settings().defaultAgentId);
    } catch (error) {
      // Ids no session key can be made of will not change on a retry.
      return this.done(item, `failed: ${(error as Error).message}`, "failed");
    }
    const text = agentMessageOf(message);
    if (!text.trim()) return this.done(item, "ignored: empty message", "unanswered");
    let run;
    try {
      run = this.options.agent.start({ runId: `inbox:${item.id}`, agentId: route.agentId, sessionKey: route.sessionKey, message: text, source: sourceOf(message) });
    } catch (error) {
      const reason = (error as Error)?.message ?? String(error);
      // No model is a setup problem this message cannot wait out; anything else (stopping) leaves it for the next start.
      if (reason === NO_MODEL_MESSAGE) {
        this.options.log.warn(`${channel} message not answered: ${reason}`);
        return this.done(item, `failed: ${reason}`, "failed");
      }
      this.options.log.debug(`${channel} message ${item.id} waits for the next start: ${reason}`);
      return;
    }
    const result = await this.whileTyping(message, run.result);
    if (result.status !== "ok") {
      const reason = result.meta.error?.message ?? result.status;
      if (reason === RUN_INTERRUPTED) return; // answered after the restart
      this.options.log.warn(`${channel} message ${item.id} not answered: ${reason}`);
      return this.done(item, `failed: ${reason}`, "failed");
    }
    const reply = result.text.trim();
    if (!reply) return this.done(item, "replied: nothing to say", "unanswered");
    // The account may have been restarted (new settings) while the run worked.
    const limit = (this.options.account(channel, accountId) ?? account).adapter.textLimit;
    const chunks = chunkText(reply, Number.isFinite(limit) ? Math.max(MIN_TEXT_LIMIT, Math.floor(limit)) : DEFAULT_TEXT_LIMIT);
    this.awaitingReply.set(item.id, { channel, receivedAt: item.receivedAt });
    chunks.forEach((chunk, n) => {
      this.options.outbox.enqueue({
        idempotencyKey: replyKey(item.id, n),
        channel,
        accountId,
        message: { to: message.chat.id, text: chunk, ...(n === 0 ? { replyToMessageId: message.messageId } : {}), ...(message.chat.threadId ? { threadId: message.chat.threadId } : {}) },
        inboxId: item.id,
        now: this.options.now(),
      });
    });
    this.done(item, "replied", "replied");
  }

  private offerPairing(item: InboxItem, pairing: PairingStore | null): void {
    const { message } = item;
    if (!pairing) return this.done(item, "refused: pairing unavailable", "refused:pairing-unavailable");
    const { request, created } = pairing.requestFor({
      channel: message.channel,
      accountId: message.accountId,
      senderId: message.sender.id,
      meta: { ...(message.sender.name ? { name: message.sender.name } : {}), ...(message.sender.username ? { username: message.sender.username } : {}) },
      now: this.options.now(),
    });
    // Only a new request is answered: a stranger who keeps writing gets one code an hour, not one per message.
    if (created) {
      this.options.outbox.enqueue({
        idempotencyKey: replyKey(item.id, 0),
        channel: message.channel,
        accountId: message.accountId,
        message: { to: message.chat.id, text: pairingReply(message.channel, message.sender.id, request.code) },
        inboxId: item.id,
        now: this.options.now(),
      });
    }
    this.done(item, "refused: pairing", "refused:pairing");
  }

  /** Shows "typing…" in the chat until the run ends (repeated: platforms drop it after a few seconds). */
  private async whileTyping(message: InboundMessage, result: Promise<AgentRunResult>): Promise<AgentRunResult> {
    const { channel, accountId } = message;
    const failed = (error: unknown) => this.options.log.debug(`${channel} typing indicator failed:`, error);
    const typing = () => {
      try {
        void this.options.account(channel, accountId)?.adapter.typing?.(message.chat.id, message.chat.threadId)?.catch(failed);
      } catch (error) {
        failed(error);
      }
    };
    typing();
    const timer = setInterval(typing, this.typingIntervalMs);
    try {
      return await result;
    } finally {
      clearInterval(timer);
    }
  }

  private warnInvalid(channel: string, accountId: string, reason: string | undefined): void {
    const key = `${channel}/${accountId}`;
    if (this.warnedInvalid.has(key)) return;
    this.warnedInvalid.add(key);
    this.options.log.warn(`${key}: the access policy is invalid (${reason ?? "unknown"}); every message is refused until the config is fixed`);
  }
}
