/**
 * The adapter's open socket, as sends see it: the supervision loop sets and clears it, and a
 * send arriving between sockets waits a little for the next one instead of failing at once.
 */
import { ChannelSendError } from "../types.ts";
import type { Clock, TimerHandle } from "./clock.ts";
import type { WaSocket } from "./socket.ts";

export class SocketSlot {
  current: WaSocket | null = null;
  private waiters: (() => void)[] = [];

  constructor(private readonly clock: Clock) {}

  set(socket: WaSocket | null): void {
    this.current = socket;
    if (socket) for (const wake of this.waiters.splice(0)) wake();
  }

  /** The open socket, waiting up to `waitMs` for one; a transient send error when none opens. */
  connected(waitMs: number): Promise<WaSocket> {
    if (this.current) return Promise.resolve(this.current);
    return new Promise<WaSocket>((resolve, reject) => {
      let timer: TimerHandle | null = null;
      const wake = () => {
        if (timer !== null) this.clock.clearTimeout(timer);
        if (this.current) resolve(this.current);
        else reject(new ChannelSendError("WhatsApp is not connected", { kind: "transient" }));
      };
      this.waiters.push(wake);
      timer = this.clock.setTimeout(() => {
        timer = null;
        this.waiters = this.waiters.filter((w) => w !== wake);
        wake();
      }, waitMs);
    });
  }
}
