/**
 * Unlinking a device on WhatsApp for `WhatsAppAdapter.logout`: one short-lived socket whose
 * only job is Baileys' logout, apart from the adapter's connection supervision (no inbound,
 * no reports, no reconnects). Best effort: failures are logged, never thrown, so the caller
 * clears the local credentials either way.
 */
import type { Logger } from "../../log/logger.ts";
import type { Clock } from "./clock.ts";
import { baileysLogger } from "./logger.ts";
import { runSession, type SessionTuning } from "./session.ts";
import { SOCKET_DEFAULTS, type WaSocketFactory, type WaSocketOptions } from "./socket.ts";

export interface UnlinkOptions {
  accountId: string;
  auth: WaSocketOptions["auth"];
  /** Takes the account lock (the adapter's `lock` option). */
  lock: (signal: AbortSignal) => Promise<{ release(): void }>;
  socketFactory: WaSocketFactory;
  socketOptions?: Partial<Omit<WaSocketOptions, "auth" | "logger" | "getMessage">>;
  clock: Clock;
  session?: SessionTuning;
  /** How long to try reaching WhatsApp (ms). Default 20 000. */
  timeoutMs?: number;
  log: Logger;
}

/** Connects and asks WhatsApp to remove the device; logs when the phone may still list it. */
export async function unlinkOnWhatsApp(options: UnlinkOptions): Promise<void> {
  const { accountId, clock, log } = options;
  const controller = new AbortController();
  const timer = clock.setTimeout(() => controller.abort(), options.timeoutMs ?? 20_000);
  let lock: { release(): void } | null = null;
  try {
    lock = await options.lock(controller.signal);
    const socket = await options.socketFactory({ ...options.socketOptions, auth: options.auth, logger: baileysLogger(log) });
    const outcome = await runSession({
      socket,
      clock,
      signal: controller.signal,
      keepAliveIntervalMs: options.socketOptions?.keepAliveIntervalMs ?? SOCKET_DEFAULTS.keepAliveIntervalMs,
      tuning: options.session,
      hooks: {
        // Baileys' logout removes the device, then closes with 401 (logged out).
        opened: () => void socket.logout().catch(() => controller.abort()),
        credsChanged: () => {},
        upsert: async () => {},
        lidMapping: () => {},
        report: () => {},
        debug: (message) => log.debug(message),
      },
    });
    if (outcome.kind !== "fatal" || !outcome.loggedOut) log.warn(`whatsapp/${accountId}: could not reach WhatsApp to unlink; the phone may still list this device (remove it under Linked devices)`);
  } catch (error) {
    log.warn(`whatsapp/${accountId}: unlinking on WhatsApp failed (${(error as Error)?.message ?? error}); clearing the local credentials anyway`);
  } finally {
    clock.clearTimeout(timer);
    lock?.release();
  }
}
