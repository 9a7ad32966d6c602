/**
 * Loopback devices are approved on the spot, and each approval is a `device.pair.resolved`
 * for every pairing-scoped session. In a connect storm (a restart, a bench, 1,000 local
 * clients) that is n events to n sessions: about n²/2 frames. Silent approvals are therefore
 * coalesced: within one window only the newest is announced (clients re-read `device.pair.list`
 * on this event anyway), so a storm costs one frame per session per window. Decisions an
 * operator made are never delayed or merged.
 */
import type { DevicePairResolvedEvent } from "../../../protocol/events.ts";

export const SILENT_APPROVAL_WINDOW_MS = 250;

export class SilentApprovalCoalescer {
  private latest: DevicePairResolvedEvent | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly announce: (payload: DevicePairResolvedEvent) => void,
    private readonly windowMs = SILENT_APPROVAL_WINDOW_MS,
  ) {}

  /** Announces `payload` now, or with the window's newest when it is a silent approval. */
  resolved(payload: DevicePairResolvedEvent): void {
    if (!payload.silent) {
      this.announce(payload);
      return;
    }
    this.latest = payload;
    this.timer ??= setTimeout(() => this.flush(), this.windowMs);
  }

  /** Sends what is waiting (at stop, so nothing is lost silently). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const payload = this.latest;
    this.latest = null;
    if (payload) this.announce(payload);
  }

  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.latest = null;
  }
}
