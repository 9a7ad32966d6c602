/**
 * Outbound pacing for one account (user-needs B8): sends go out one after another with a
 * jittered gap, a little longer within one chat, and never more than `maxPerMinute` in any
 * 60 s. A burst (the outbox replaying after a restart, a long reply in many chunks) is spread
 * out rather than sent at machine speed, which is what gets numbers flagged.
 *
 * Slots are reserved in call order, so their times only grow; that is what makes the cap easy
 * to keep: the n-th slot is at least 60 s after the (n − cap)-th.
 */
import { sleepOn, type Clock } from "./clock.ts";

const WINDOW_MS = 60_000;

export interface PacerOptions {
  clock: Clock;
  /** At most this many sends in any 60 s window. */
  maxPerMinute: number;
  /** Least gap between two sends of the account (ms); a random share of it again is added. Default 300. */
  accountGapMs?: number;
  /** Least gap between two sends to one chat (ms); a random share of it again is added. Default 1000. */
  chatGapMs?: number;
  /** Uniform in [0, 1). Default `Math.random`. */
  random?: () => number;
}

export class Pacer {
  private readonly clock: Clock;
  private readonly max: number;
  private readonly accountGapMs: number;
  private readonly chatGapMs: number;
  private readonly random: () => number;
  /** Reserved slot times (monotonic ms), the last `max` of them. */
  private readonly recent: number[] = [];
  private lastSlot = -Infinity;
  private readonly lastByChat = new Map<string, number>();

  constructor(options: PacerOptions) {
    this.clock = options.clock;
    this.max = Math.max(1, Math.floor(options.maxPerMinute));
    this.accountGapMs = options.accountGapMs ?? 300;
    this.chatGapMs = options.chatGapMs ?? 1000;
    this.random = options.random ?? Math.random;
  }

  private jittered(gap: number): number {
    return gap + Math.floor(this.random() * gap);
  }

  /** Reserves the next slot for `chat` and returns when it is due (monotonic ms). */
  reserve(chat: string): number {
    const now = this.clock.monotonic();
    let at = Math.max(now, this.lastSlot + this.jittered(this.accountGapMs));
    const lastInChat = this.lastByChat.get(chat);
    if (lastInChat !== undefined) at = Math.max(at, lastInChat + this.jittered(this.chatGapMs));
    if (this.recent.length >= this.max) at = Math.max(at, this.recent[this.recent.length - this.max]! + WINDOW_MS);
    this.lastSlot = at;
    this.lastByChat.set(chat, at);
    this.recent.push(at);
    if (this.recent.length > this.max) this.recent.splice(0, this.recent.length - this.max);
    // Chats quiet for longer than a gap need no entry.
    if (this.lastByChat.size > 1000) for (const [key, time] of this.lastByChat) if (time < now - WINDOW_MS) this.lastByChat.delete(key);
    return at;
  }

  /** Waits for this send's turn; resolves early (returns false) when `signal` aborts. */
  async wait(chat: string, signal?: AbortSignal): Promise<boolean> {
    const at = this.reserve(chat);
    const delay = at - this.clock.monotonic();
    if (delay > 0) await sleepOn(this.clock, delay, signal);
    return !signal?.aborted;
  }
}
