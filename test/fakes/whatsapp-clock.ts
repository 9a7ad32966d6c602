/**
 * A clock the WhatsApp tests move by hand: wall and monotonic time, and timers that fire only
 * when the test advances time. Between timers it lets promises settle, so code that awaits
 * after a timer runs as it would in real time, and 12 hours take a moment.
 */
import type { Clock, TimerHandle } from "../../src/channels/whatsapp/clock.ts";

interface Timer {
  at: number;
  seq: number;
  fn: () => void;
}

/** Lets pending promise chains run (a few macrotask turns, no real waiting). */
export async function settle(turns = 4): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

export class FakeClock implements Clock {
  private wall: number;
  private mono = 0;
  private seq = 0;
  private readonly timers = new Map<number, Timer>();

  constructor(startWall = Date.UTC(2026, 0, 1)) {
    this.wall = startWall;
  }

  now(): number {
    return this.wall;
  }

  monotonic(): number {
    return this.mono;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = ++this.seq;
    this.timers.set(id, { at: this.mono + Math.max(0, ms), seq: id, fn });
    return id;
  }

  clearTimeout(handle: TimerHandle): void {
    this.timers.delete(handle as number);
  }

  /** Timers set and not yet fired or cleared. */
  get pending(): number {
    return this.timers.size;
  }

  private nextDue(until: number): [number, Timer] | null {
    let best: [number, Timer] | null = null;
    for (const entry of this.timers) {
      if (entry[1].at > until) continue;
      if (!best || entry[1].at < best[1].at || (entry[1].at === best[1].at && entry[1].seq < best[1].seq)) best = entry;
    }
    return best;
  }

  /** Moves both clocks on by `ms`, firing due timers in order with promises settling after each. */
  async advance(ms: number): Promise<void> {
    const target = this.mono + ms;
    await settle();
    for (;;) {
      const due = this.nextDue(target);
      if (!due) break;
      const [id, timer] = due;
      // A timer overdue after a freeze fires late, at the current time.
      if (timer.at > this.mono) {
        this.wall += timer.at - this.mono;
        this.mono = timer.at;
      }
      this.timers.delete(id);
      timer.fn();
      await settle();
    }
    this.wall += target - this.mono;
    this.mono = target;
    await settle();
  }

  /** Only the wall clock moves: the machine slept (a monotonic clock that stops in suspend) or the time was set. */
  jumpWall(ms: number): void {
    this.wall += ms;
  }

  /** The process was frozen for `ms` (SIGSTOP): both clocks moved, no timer ran; they fire late on the next advance. */
  freeze(ms: number): void {
    this.wall += ms;
    this.mono += ms;
  }
}
