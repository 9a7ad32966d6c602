/**
 * The narrow slice of a Baileys socket the adapter and the login flow use, and the one place
 * that builds a real one. Everything else talks to `WaSocket`, so tests drive a fake
 * (test/fakes/whatsapp-socket.ts) and Baileys is imported only when an account really connects.
 */
import type {
  AnyMessageContent,
  AuthenticationState,
  BaileysEventMap,
  Contact,
  MiscMessageGenerationOptions,
  WABrowserDescription,
  WAMessage,
  WAMessageKey,
  WAPresence,
  WAVersion,
  UserFacingSocketConfig,
  proto,
} from "@whiskeysockets/baileys";
import type { GroupMetadataCache } from "./group-metadata.ts";

/** Baileys' logger interface (pino-shaped); its package index does not export the name. */
export type BaileysLogger = NonNullable<UserFacingSocketConfig["logger"]>;

export type WaEventMap = BaileysEventMap;

/** What the adapter and the login flow call on a socket; a real Baileys socket satisfies it. */
export interface WaSocket {
  ev: {
    on<E extends keyof WaEventMap>(event: E, listener: (arg: WaEventMap[E]) => void): void;
    off<E extends keyof WaEventMap>(event: E, listener: (arg: WaEventMap[E]) => void): void;
  };
  /** Our own identity once the socket has authenticated (`id` is the phone JID, `lid` the LID). */
  readonly user: Contact | undefined;
  sendMessage(jid: string, content: AnyMessageContent, options?: MiscMessageGenerationOptions): Promise<WAMessage | undefined>;
  sendPresenceUpdate(type: WAPresence, toJid?: string): Promise<void>;
  readMessages(keys: WAMessageKey[]): Promise<void>;
  /** Links by 8-character code instead of a QR; the phone number in digits, no `+`. */
  requestPairingCode(phoneNumber: string): Promise<string>;
  /** Closes the socket; Baileys emits `connection.update {connection: "close"}` with this error. */
  end(error: Error | undefined): Promise<void>;
  /** Unlinks this device on WhatsApp's side, then closes. */
  logout(): Promise<void>;
  /**
   * `performance.now()` of the last frame the server sent (keepalive pong or anything else), or
   * null before the first. The supervisor's watchdog reads it; silence from *people* never counts.
   */
  lastReceivedAt(): number | null;
  /** The decrypted bytes of an inbound media message, as a stream (Baileys re-requests expired media). */
  downloadMedia(message: WAMessage): Promise<AsyncIterable<Uint8Array>>;
  /** The phone-number JID behind a LID, from Baileys' signal store; null when unknown. */
  pnForLid(lid: string): Promise<string | null>;
}

export interface WaSocketOptions {
  /** Creds and signal keys (from `openWhatsAppAuthState`). */
  auth: AuthenticationState;
  /** Baileys' logger interface; build it with `baileysLogger` over ours. */
  logger: BaileysLogger;
  /** How the linked device is shown on the phone. Default: Baileys' own. */
  browser?: WABrowserDescription;
  /** Default: Baileys' `wss://web.whatsapp.com/ws/chat`; tests point it at 127.0.0.1. */
  waWebSocketUrl?: string;
  /** WhatsApp Web version to announce. Default: the one Baileys ships with. */
  version?: WAVersion;
  /** Gives up on a connect after this long. Default: 20 000 ms (queries keep Baileys' 60 s). */
  connectTimeoutMs?: number;
  /** Ping interval; Baileys closes with 408 when nothing arrives for this + 5 s. Default: 15 000 ms. */
  keepAliveIntervalMs?: number;
  /** Answers a recipient's retry request with a message we sent (from `whatsapp_messages`). */
  getMessage?: (key: WAMessageKey) => Promise<proto.IMessage | undefined>;
  /** Shows the account online on every connect (silences phone notifications). Default: false. */
  markOnlineOnConnect?: boolean;
  /** The account's group metadata, kept across its sockets; without it Baileys asks WhatsApp before every group send. */
  groupMetadata?: GroupMetadataCache;
}

export type WaSocketFactory = (options: WaSocketOptions) => WaSocket | Promise<WaSocket>;

/** Our defaults for options a caller leaves out. */
export const SOCKET_DEFAULTS = {
  connectTimeoutMs: 20_000,
  keepAliveIntervalMs: 15_000,
} as const;

/**
 * Builds a real Baileys socket. Baileys (and the pino it carries) loads on the first call only;
 * we always pass our own logger so pino's default instance never gets a transport.
 */
export const realSocketFactory: WaSocketFactory = async (options) => {
  const baileys = await import("@whiskeysockets/baileys");
  const makeWASocket = baileys.makeWASocket ?? baileys.default;
  const sock = makeWASocket({
    auth: options.auth,
    logger: options.logger,
    ...(options.browser ? { browser: options.browser } : {}),
    ...(options.waWebSocketUrl ? { waWebSocketUrl: options.waWebSocketUrl } : {}),
    ...(options.version ? { version: options.version } : {}),
    connectTimeoutMs: options.connectTimeoutMs ?? SOCKET_DEFAULTS.connectTimeoutMs,
    keepAliveIntervalMs: options.keepAliveIntervalMs ?? SOCKET_DEFAULTS.keepAliveIntervalMs,
    markOnlineOnConnect: options.markOnlineOnConnect ?? false,
    // History sync replays months of chats into `messages.upsert`; the agent wants new messages only.
    syncFullHistory: false,
    shouldSyncHistoryMessage: () => false,
    // Link previews would fetch pages and render thumbnails (sharp/jimp); we send plain text.
    generateHighQualityLinkPreview: false,
    ...(options.getMessage ? { getMessage: options.getMessage } : {}),
    ...(options.groupMetadata ? { cachedGroupMetadata: (jid: string) => options.groupMetadata!.lookup(jid, (id) => sock.groupMetadata(id)) } : {}),
  });
  options.groupMetadata?.follow(sock.ev);
  let lastReceivedAt: number | null = null;
  // Every decoded server frame (pongs included) proves the link is alive.
  sock.ws.on("frame", () => {
    lastReceivedAt = performance.now();
  });
  return {
    ev: sock.ev,
    get user() {
      return sock.user;
    },
    sendMessage: (jid, content, messageOptions) => sock.sendMessage(jid, content, messageOptions),
    sendPresenceUpdate: (type, toJid) => sock.sendPresenceUpdate(type, toJid),
    readMessages: (keys) => sock.readMessages(keys),
    requestPairingCode: (phoneNumber) => sock.requestPairingCode(phoneNumber),
    end: (error) => sock.end(error),
    logout: () => sock.logout(),
    lastReceivedAt: () => lastReceivedAt,
    downloadMedia: async (message) => {
      const stream = await baileys.downloadMediaMessage(message, "stream", {}, { logger: options.logger, reuploadRequest: sock.updateMediaMessage });
      return stream as AsyncIterable<Uint8Array>;
    },
    pnForLid: async (lid) => (await sock.signalRepository.lidMapping.getPNForLID(lid).catch(() => null)) ?? null,
  };
};
