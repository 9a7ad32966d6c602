/**
 * Presence changes are announced in batches: every change within a short window results in
 * one `presence` event carrying the whole list. Announcing each connect on its own would send
 * n lists of size n to n clients when many clients connect at once (a restart, a bench run).
 */
export const PRESENCE_ANNOUNCE_DELAY_MS = 100;

export class PresenceAnnouncer {
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly broadcast: () => void,
    private readonly delayMs = PRESENCE_ANNOUNCE_DELAY_MS,
  ) {}

  announce(): void {
    this.timer ??= setTimeout(() => {
      this.timer = null;
      this.broadcast();
    }, this.delayMs);
  }

  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
