/**
 * One socket's life, from creation to its close event, and what that close means
 * (`close-codes.ts`). The adapter makes a new socket per attempt and runs one of these for
 * each; when it resolves every listener it added is off and every timer it set is cleared.
 *
 * Liveness comes from the socket, never from people being quiet (user-needs B1): Baileys
 * pings every `keepAliveIntervalMs` and closes with 408 when nothing comes back; on top of
 * that a watchdog tick checks, every `tickMs`:
 *   - the wall clock moved differently from the monotonic one (sleep/wake, the time was set):
 *     the link is presumed dead → report not connected, reconnect now;
 *   - the tick itself came far too late (the process was frozen: SIGSTOP, a suspended VM):
 *     same;
 *   - open, but no frame from the server for keepAlive + grace (a half-open TCP link Baileys'
 *     own timer has not caught yet): report not connected at once, then retry with backoff;
 *   - not open after `openTimeoutMs`: retry with backoff.
 */
import type { BaileysEventMap } from "@whiskeysockets/baileys";
import type { ChannelAccountStatus } from "../types.ts";
import type { Clock, TimerHandle } from "./clock.ts";
import { closeAction } from "./close-codes.ts";
import { WhatsAppConnectionError } from "./errors.ts";
import type { WaSocket } from "./socket.ts";

export interface SessionTuning {
  /** How often the watchdog looks (ms). Default 2000. */
  tickMs?: number;
  /** The wall clock stepping this much more (or less) than the monotonic one is a jump (ms). Default 10 000. */
  clockJumpMs?: number;
  /** A tick this much later than due means the process was frozen (ms). Default 15 000. */
  pauseMs?: number;
  /** Open with no server frame for keepAlive + this: the link is dead (ms). Default 5000. */
  livenessGraceMs?: number;
  /** Neither open nor closed after this long: give up on the attempt (ms). Default 60 000. */
  openTimeoutMs?: number;
  /** How long to wait for the close event after ending the socket (ms). Default 5000. */
  closeWaitMs?: number;
}

export const SESSION_DEFAULTS: Required<SessionTuning> = {
  tickMs: 2000,
  clockJumpMs: 10_000,
  pauseMs: 15_000,
  livenessGraceMs: 5000,
  openTimeoutMs: 60_000,
  closeWaitMs: 5000,
};

export type SessionOutcome =
  | { kind: "stopped"; wasOpen: boolean }
  | { kind: "not-linked"; wasOpen: boolean }
  | { kind: "restart" | "retry"; reason: string; statusCode?: number; wasOpen: boolean }
  | { kind: "fatal"; reason: string; statusCode: number; loggedOut: boolean; wasOpen: boolean };

type Ending = { kind: "stopped" } | { kind: "not-linked" } | { kind: "restart" | "retry"; reason: string };

export interface SessionHooks {
  /** The socket reached `open`. */
  opened(): void;
  /** Baileys changed the creds; the caller saves them (and serialises the saves). */
  credsChanged(): void;
  /** New messages; called in order, one batch at a time. */
  upsert(batch: BaileysEventMap["messages.upsert"]): Promise<void>;
  /** Baileys learnt who a LID is. */
  lidMapping(mapping: BaileysEventMap["lid-mapping.update"]): void;
  report(update: Partial<Omit<ChannelAccountStatus, "channel" | "accountId">>): void;
  debug(message: string): void;
}

export interface SessionOptions {
  socket: WaSocket;
  clock: Clock;
  signal: AbortSignal;
  /** The socket's ping interval (ms), for the liveness deadline. */
  keepAliveIntervalMs: number;
  hooks: SessionHooks;
  tuning?: SessionTuning;
}

export function runSession(options: SessionOptions): Promise<SessionOutcome> {
  const { socket, clock, signal, hooks } = options;
  const tuning = { ...SESSION_DEFAULTS, ...options.tuning };
  const startedAt = clock.monotonic();
  let opened = false;
  let openedAt = 0;
  let ending: Ending | null = null;
  let done = false;
  let tickTimer: TimerHandle | null = null;
  let closeTimer: TimerHandle | null = null;
  let last = { wall: clock.now(), mono: startedAt };
  // Batches are handed over in order; the session ends only after the last one was handled.
  let inbound: Promise<void> = Promise.resolve();

  return new Promise<SessionOutcome>((resolve) => {
    const finish = (outcome: Omit<SessionOutcome, "wasOpen"> & { kind: SessionOutcome["kind"] }) => {
      if (done) return;
      done = true;
      socket.ev.off("connection.update", onConnection);
      socket.ev.off("creds.update", onCreds);
      socket.ev.off("messages.upsert", onUpsert);
      socket.ev.off("lid-mapping.update", onLid);
      signal.removeEventListener("abort", onAbort);
      if (tickTimer !== null) clock.clearTimeout(tickTimer);
      if (closeTimer !== null) clock.clearTimeout(closeTimer);
      tickTimer = closeTimer = null;
      void inbound.then(() => resolve({ ...outcome, wasOpen: opened } as SessionOutcome));
    };

    /** Ends the socket for our own reason; its close event (or `closeWaitMs`) finishes the session. */
    const endWith = (reason: Ending) => {
      if (done || ending) return;
      ending = reason;
      closeTimer = clock.setTimeout(() => finish(reason), tuning.closeWaitMs);
      const error = "reason" in reason ? new WhatsAppConnectionError(reason.reason) : undefined;
      try {
        void socket.end(error).catch(() => {});
      } catch {
        // A socket that throws on end is as closed as it gets.
      }
    };

    const onConnection = (update: BaileysEventMap["connection.update"]) => {
      if (done) return;
      if (update.qr && !ending) {
        // Creds that make WhatsApp offer a QR are not a link; logging in is the login flow's job.
        endWith({ kind: "not-linked" });
        return;
      }
      if (update.connection === "open" && !ending) {
        opened = true;
        openedAt = clock.monotonic();
        hooks.opened();
      }
      if (update.connection === "close") {
        if (ending) {
          finish(ending);
          return;
        }
        const action = closeAction(update.lastDisconnect?.error);
        finish(action);
      }
    };
    const onCreds = () => hooks.credsChanged();
    const onUpsert = (batch: BaileysEventMap["messages.upsert"]) => {
      inbound = inbound.then(() => hooks.upsert(batch)).catch((error) => hooks.debug(`inbound batch failed: ${(error as Error)?.message ?? error}`));
    };
    const onLid = (mapping: BaileysEventMap["lid-mapping.update"]) => hooks.lidMapping(mapping);
    const onAbort = () => endWith({ kind: "stopped" });

    const tick = () => {
      tickTimer = null;
      if (done || ending) return;
      const now = { wall: clock.now(), mono: clock.monotonic() };
      const monoStep = now.mono - last.mono;
      const drift = now.wall - last.wall - monoStep;
      last = now;
      if (Math.abs(drift) > tuning.clockJumpMs) {
        const reason = `the wall clock jumped ${Math.round(drift / 1000)} s (sleep/wake or a clock change); reconnecting`;
        hooks.report({ connected: false, lastError: reason });
        endWith({ kind: "restart", reason });
        return;
      }
      if (monoStep > tuning.tickMs + tuning.pauseMs) {
        const reason = `the gateway was paused for ${Math.round(monoStep / 1000)} s; reconnecting`;
        hooks.report({ connected: false, lastError: reason });
        endWith({ kind: "restart", reason });
        return;
      }
      if (opened) {
        const heard = Math.max(socket.lastReceivedAt() ?? openedAt, openedAt);
        const silentMs = now.mono - heard;
        if (silentMs > options.keepAliveIntervalMs + tuning.livenessGraceMs) {
          const reason = `WhatsApp has not answered for ${Math.round(silentMs / 1000)} s; reconnecting`;
          hooks.report({ connected: false, lastError: reason });
          endWith({ kind: "retry", reason });
          return;
        }
      } else if (now.mono - startedAt > tuning.openTimeoutMs) {
        endWith({ kind: "retry", reason: `no connection to WhatsApp within ${Math.round(tuning.openTimeoutMs / 1000)} s` });
        return;
      }
      tickTimer = clock.setTimeout(tick, tuning.tickMs);
    };

    socket.ev.on("connection.update", onConnection);
    socket.ev.on("creds.update", onCreds);
    socket.ev.on("messages.upsert", onUpsert);
    socket.ev.on("lid-mapping.update", onLid);
    signal.addEventListener("abort", onAbort, { once: true });
    tickTimer = clock.setTimeout(tick, tuning.tickMs);
    if (signal.aborted) onAbort();
  });
}
