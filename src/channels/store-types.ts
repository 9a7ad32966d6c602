/**
 * The durable side of channels, in the sqlite store: the inbox (what arrived, deduplicated,
 * written before the platform is told it was received), the outbox (what must be sent, once,
 * also across restarts), per-account cursors, and DM pairing (codes and approved senders).
 */
import type { InboundMessage, OutboundMessage, SendResult } from "./types.ts";

export type InboxState = "pending" | "done";

export interface InboxItem {
  id: number;
  message: InboundMessage;
  state: InboxState;
  receivedAt: number;
  doneAt: number | null;
  /** Why it ended without a reply, or how (e.g. "refused: pairing", "replied"). */
  note: string | null;
}

export interface InboxStore {
  /** Stores a message unless (channel, account, chat, messageId) is already there; `isNew` says which. */
  accept(message: InboundMessage, receivedAt: number): { item: InboxItem; isNew: boolean };
  /** Items not yet done, oldest first (after a crash: the ones accepted but never answered). */
  pending(limit?: number): InboxItem[];
  markDone(id: number, note: string, doneAt: number): void;
  /** Removes done items older than `beforeMs` (dedupe needs them for a while, not forever). */
  prune(beforeMs: number): number;
}

export type OutboxState = "pending" | "sending" | "sent" | "failed";

export interface OutboxItem {
  id: number;
  /** Unique: a repeat never sends twice. `send` uses the caller's key; replies use `reply:<inboxId>:<chunk>`. */
  idempotencyKey: string;
  channel: string;
  accountId: string;
  message: OutboundMessage;
  state: OutboxState;
  attempts: number;
  /** When the next attempt may run (backoff, `retry_after`). */
  nextAttemptAt: number;
  createdAt: number;
  sentAt: number | null;
  result: SendResult | null;
  lastError: string | null;
  /** The inbox item this answers, when it is a reply. */
  inboxId: number | null;
}

export interface EnqueueRequest {
  idempotencyKey: string;
  channel: string;
  accountId: string;
  message: OutboundMessage;
  inboxId?: number | null;
  now: number;
}

export interface OutboxStore {
  /** Adds an item unless its key exists; a repeat returns the existing item with `isNew: false`. */
  enqueue(request: EnqueueRequest): { item: OutboxItem; isNew: boolean };
  get(idempotencyKey: string): OutboxItem | null;
  byId(id: number): OutboxItem | null;
  /**
   * Pending items whose time has come, oldest first. Items left `sending` by a crash are
   * returned too (they count as pending again: the platform may or may not have them).
   */
  due(now: number, limit?: number): OutboxItem[];
  markSending(id: number): void;
  markSent(id: number, result: SendResult, sentAt: number): void;
  /** A transient failure: try again at `nextAttemptAt`. */
  reschedule(id: number, nextAttemptAt: number, error: string): void;
  /** A final failure: never tried again. */
  markFailed(id: number, error: string): void;
  /** The earliest `nextAttemptAt` of the waiting items other than `excludeIds` (those in flight), or null. */
  nextAttemptAt(excludeIds?: readonly number[]): number | null;
  /** How many are waiting (pending or sending) and since when the oldest waits. */
  depth(): { count: number; oldestCreatedAt: number | null };
  /** Removes sent and failed items created before `beforeMs` (their keys are then forgotten). */
  prune(beforeMs: number): number;
}

export interface CursorStore {
  get(channel: string, accountId: string): string | null;
  set(channel: string, accountId: string, value: string): void;
}

export interface PairingRequest {
  channel: string;
  accountId: string;
  senderId: string;
  /** 8 characters from `ABCDEFGHJKLMNPQRSTUVWXYZ23456789`. */
  code: string;
  createdAt: number;
  lastSeenAt: number;
  meta: { name?: string; username?: string } | null;
}

export interface PairingStore {
  /**
   * The pending request of a sender, created when there is none (then `created` is true: only
   * then does the sender get the code). Expired ones (1 h) are dropped; at most 3 pending per
   * account, the least recently seen pruned.
   */
  requestFor(request: { channel: string; accountId: string; senderId: string; meta?: PairingRequest["meta"]; now: number }): { request: PairingRequest; created: boolean };
  list(channel?: string, now?: number): PairingRequest[];
  /** Approves a code: the sender joins the account's allowed senders; null when unknown or expired. */
  approve(channel: string, code: string, now: number, accountId?: string): PairingRequest | null;
  isAllowed(channel: string, accountId: string, senderId: string): boolean;
  allowed(channel: string, accountId: string): string[];
}
