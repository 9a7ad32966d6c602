/** What a WhatsApp adapter is built from: the account's settings, its stores, the socket factory and timing. */
import type { WAVersion } from "@whiskeysockets/baileys";
import type { Clock } from "./clock.ts";
import type { WhatsAppMetrics } from "./metrics.ts";
import type { SessionTuning } from "./session.ts";
import type { WhatsAppSettings } from "./settings.ts";
import type { WaSocketFactory, WaSocketOptions } from "./socket.ts";
import type { LidMapStore, SentMessageStore } from "./stores.ts";

/** The part of an auth state (`openWhatsAppAuthState`) the adapter uses. */
export interface WhatsAppAuth {
  readonly state: WaSocketOptions["auth"];
  readonly linked: boolean;
  saveCreds(): Promise<void>;
  clear(): Promise<unknown>;
}

/** A held account lock; `lost` aborts when another process took the account over. */
export interface WhatsAppRunLock {
  readonly lost?: AbortSignal;
  release(): void;
}

export interface WhatsAppAdapterOptions {
  accountId: string;
  settings: WhatsAppSettings;
  socketFactory: WaSocketFactory;
  /** Opens the account's auth state; called at the start of every `run` (a new link may have replaced it). */
  openAuth: () => Promise<WhatsAppAuth>;
  /** Takes the account lock; rejects with `ChannelFatalError` when another process holds it. */
  lock: (signal: AbortSignal) => Promise<WhatsAppRunLock>;
  lidMap: LidMapStore;
  sent: SentMessageStore;
  /** Where inbound media is downloaded: `<workspace>/inbox/whatsapp`. */
  mediaDir: string;
  /** Default: the system clock. */
  clock?: Clock;
  /** Socket options besides auth and logger (a test server's `waWebSocketUrl`, `browser`). */
  socketOptions?: Partial<Omit<WaSocketOptions, "auth" | "logger" | "getMessage">>;
  /** The WhatsApp Web version to announce, when `fetchLatestVersion` asked for the current one. Default: Baileys' bundled one. */
  resolveVersion?: () => Promise<WAVersion | undefined>;
  /** Watchdog timing (`session.ts`). */
  session?: SessionTuning;
  /** Outbound pacing gaps (`pacing.ts`); the cap is `settings.maxMessagesPerMinute`. */
  pacing?: { accountGapMs?: number; chatGapMs?: number; random?: () => number };
  /** How long a send waits for a connection before failing as transient (ms). Default 15 000. */
  sendConnectWaitMs?: number;
  /** Immediate reconnects (515, sleep/wake) in a row that never reach `open` before backing off instead. Default 3. */
  maxQuickRestarts?: number;
  /** How long `logout` tries to reach WhatsApp to unlink the device (ms). Default 20 000. */
  logoutTimeoutMs?: number;
  /** Counts each socket's open and close (`whatsappMetrics(registry)`). Default: none. */
  metrics?: WhatsAppMetrics;
}
