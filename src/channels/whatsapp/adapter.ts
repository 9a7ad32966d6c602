/**
 * One linked WhatsApp account behind `ChannelAdapter`. `run` checks the link, takes the
 * account lock (one process per account, user-needs B3), then supervises connections: a new
 * socket per attempt (`session.ts`), reconnecting at once after a 515 or a sleep/wake,
 * rejecting with a retryable error for network trouble (the manager backs off, forever) and
 * with `ChannelFatalError` for a logout, a ban or a session taken over elsewhere. `send` and
 * `typing` use whichever socket is open; a send waits a little for one before it fails as
 * transient (the outbox retries it).
 */
import type { WAMessageKey, proto } from "@whiskeysockets/baileys";
import { silentLogger, type Logger } from "../../log/logger.ts";
import { ChannelFatalError, type ChannelAdapter, type ChannelContext, type ChannelProbe, type OutboundMessage, type SendResult } from "../types.ts";
import { systemClock, type Clock } from "./clock.ts";
import { NOT_LINKED, WhatsAppConnectionError } from "./errors.ts";
import { Identities, selfOf, type SelfIdentity } from "./identities.ts";
import { InboundHandler } from "./inbound-handler.ts";
import { e164OfJid, normalizeJid } from "./jid.ts";
import { baileysLogger } from "./logger.ts";
import { closeReasonLabel } from "./metrics.ts";
import { GroupMetadataCache } from "./group-metadata.ts";
import { Pacer } from "./pacing.ts";
import { WhatsAppSender } from "./send.ts";
import { runSession, type SessionOutcome } from "./session.ts";
import { SocketSlot } from "./socket-slot.ts";
import { SOCKET_DEFAULTS, type WaSocket } from "./socket.ts";
import { unlinkOnWhatsApp } from "./unlink.ts";
import { WHATSAPP_CHANNEL } from "./accounts.ts";
import type { WhatsAppAdapterOptions, WhatsAppAuth } from "./adapter-options.ts";

export type { WhatsAppAdapterOptions, WhatsAppAuth, WhatsAppRunLock } from "./adapter-options.ts";

const SENT_KEEP_MS = 14 * 24 * 60 * 60_000;

export class WhatsAppAdapter implements ChannelAdapter {
  readonly channel = WHATSAPP_CHANNEL;
  readonly accountId: string;
  readonly textLimit: number;
  private readonly clock: Clock;
  private readonly identities: Identities;
  private readonly sender: WhatsAppSender;
  private readonly slot: SocketSlot;
  /** Kept across reconnects: a group's members do not change because our link dropped. */
  private readonly groupMetadata: GroupMetadataCache;
  private self: SelfIdentity = { pn: null, lid: null };
  private saving: Promise<void> = Promise.resolve();
  private log: Logger = silentLogger();
  private running = false;

  constructor(private readonly options: WhatsAppAdapterOptions) {
    this.accountId = options.accountId;
    this.textLimit = options.settings.textLimit;
    this.clock = options.clock ?? systemClock;
    this.identities = new Identities(options.lidMap);
    this.slot = new SocketSlot(this.clock);
    this.groupMetadata = new GroupMetadataCache({ now: () => this.clock.now() });
    this.sender = new WhatsAppSender({
      connected: () => this.slot.connected(options.sendConnectWaitMs ?? 15_000),
      pacer: new Pacer({ clock: this.clock, maxPerMinute: options.settings.maxMessagesPerMinute, ...options.pacing }),
      sent: options.sent,
      clock: this.clock,
      mediaMaxBytes: options.settings.mediaMaxBytes,
    });
  }

  async run(ctx: ChannelContext): Promise<void> {
    this.log = ctx.log;
    const auth = await this.options.openAuth();
    if (!auth.linked) {
      ctx.report({ linked: false, connected: false, lastError: NOT_LINKED });
      throw new ChannelFatalError(NOT_LINKED);
    }
    this.self = selfOf(auth.state.creds.me);
    ctx.report({ linked: true, ...this.selfStatus() });
    const lock = await this.options.lock(ctx.signal).catch((error: unknown) => {
      if (ctx.signal.aborted) return null;
      if (error instanceof ChannelFatalError) ctx.report({ connected: false, lastError: error.message });
      throw error;
    });
    if (!lock) return;
    const signal = lock.lost ? AbortSignal.any([ctx.signal, lock.lost]) : ctx.signal;
    this.running = true;
    try {
      this.options.sent.prune?.(this.clock.now() - SENT_KEEP_MS);
      await this.supervise(ctx, auth, signal);
      if (lock.lost?.aborted && !ctx.signal.aborted) {
        const reason = lock.lost.reason;
        throw reason instanceof Error ? reason : new ChannelFatalError(String(reason));
      }
    } finally {
      this.running = false;
      this.slot.set(null);
      await this.saving;
      lock.release();
    }
  }

  /** Sockets one after another until stopped, a fatal close, or a failure for the manager's backoff. */
  private async supervise(ctx: ChannelContext, auth: WhatsAppAuth, signal: AbortSignal): Promise<void> {
    const inbound = new InboundHandler({
      ctx,
      identities: this.identities,
      context: () => ({ accountId: this.accountId, self: this.self, identities: this.identities, sent: this.options.sent, selfChatMode: this.options.settings.selfChatMode }),
      sendReadReceipts: this.options.settings.sendReadReceipts,
      mediaDir: this.options.mediaDir,
      mediaMaxBytes: this.options.settings.mediaMaxBytes,
    });
    const maxQuick = this.options.maxQuickRestarts ?? 3;
    let quick = 0;
    while (!signal.aborted) {
      // A 515 comes right after the creds changed: the new socket must log in with what was saved.
      await this.saving;
      const outcome = await this.attempt(ctx, auth, inbound, signal);
      this.options.metrics?.connection("close", closeReasonLabel(outcome));
      this.slot.set(null);
      ctx.report({ connected: false });
      await this.saving;
      switch (outcome.kind) {
        case "stopped":
          return;
        case "not-linked":
          ctx.report({ linked: false, lastError: NOT_LINKED });
          throw new ChannelFatalError(NOT_LINKED);
        case "fatal":
          ctx.report({ linked: !outcome.loggedOut, lastError: outcome.reason });
          throw new ChannelFatalError(outcome.reason);
        case "retry":
          throw new WhatsAppConnectionError(outcome.reason, outcome.statusCode);
        case "restart":
          quick = outcome.wasOpen ? 1 : quick + 1;
          if (quick > maxQuick) throw new WhatsAppConnectionError(`${outcome.reason}; ${quick} restarts in a row without a connection`, outcome.statusCode);
          ctx.log.info(`whatsapp/${this.accountId}: ${outcome.reason}; reconnecting now`);
      }
    }
  }

  private async attempt(ctx: ChannelContext, auth: WhatsAppAuth, inbound: InboundHandler, signal: AbortSignal): Promise<SessionOutcome> {
    const keepAliveIntervalMs = this.options.socketOptions?.keepAliveIntervalMs ?? SOCKET_DEFAULTS.keepAliveIntervalMs;
    let socket: WaSocket;
    try {
      const version = this.options.settings.fetchLatestVersion ? await this.options.resolveVersion?.() : undefined;
      socket = await this.options.socketFactory({
        ...this.options.socketOptions,
        auth: auth.state,
        logger: baileysLogger(ctx.log),
        keepAliveIntervalMs,
        getMessage: (key) => this.storedMessage(key),
        groupMetadata: this.groupMetadata,
        ...(version ? { version } : {}),
      });
    } catch (error) {
      return { kind: "retry", reason: `cannot open a WhatsApp socket: ${(error as Error)?.message ?? error}`, wasOpen: false };
    }
    return runSession({
      socket,
      clock: this.clock,
      signal,
      keepAliveIntervalMs,
      tuning: this.options.session,
      hooks: {
        opened: () => {
          const seen = selfOf(socket.user);
          this.self = { pn: seen.pn ?? this.self.pn, lid: seen.lid ?? this.self.lid, ...((seen.name ?? this.self.name) ? { name: seen.name ?? this.self.name } : {}) };
          this.identities.learn(this.self.lid, this.self.pn);
          this.slot.set(socket);
          this.options.metrics?.connection("open", "connected");
          ctx.report({ connected: true, linked: true, lastError: null, ...this.selfStatus() });
        },
        credsChanged: () => {
          this.saving = this.saving.then(() => auth.saveCreds()).catch((error: unknown) => ctx.log.warn(`whatsapp/${this.accountId}: saving the credentials failed:`, error));
        },
        // A message the inbox could not take is lost to this run (Baileys acknowledged it already): say so loudly.
        upsert: (batch) => inbound.handle(socket, batch).catch((error: unknown) => ctx.log.warn(`whatsapp/${this.accountId}: inbound ${batch.type} batch failed:`, error)),
        lidMapping: (mapping) => this.identities.learn(mapping.lid, mapping.pn),
        report: (update) => ctx.report(update),
        debug: (message) => ctx.log.debug(`whatsapp/${this.accountId}: ${message}`),
      },
    });
  }

  /** Baileys' `getMessage`: our sent message, for a recipient's retry request. */
  private async storedMessage(key: WAMessageKey): Promise<proto.IMessage | undefined> {
    const chat = normalizeJid(key.remoteJid);
    if (!chat || !key.id) return undefined;
    return this.options.sent.find(chat, key.id) ?? this.options.sent.find(this.identities.canonical(chat) ?? chat, key.id);
  }

  private selfStatus(): { self?: { id: string; name?: string } } {
    const id = e164OfJid(this.self.pn) ?? this.self.lid;
    if (!id) return {};
    return { self: { id, ...(this.self.name ? { name: this.self.name } : {}) } };
  }

  /**
   * What we observe, without a network call: whether a socket is open (the watchdog drops one
   * that stops answering its keepalive). WhatsApp has no cheap "who am I" like Telegram's getMe.
   */
  async probe(): Promise<ChannelProbe> {
    const socket = this.slot.current;
    if (!socket) return { ok: false, error: this.running ? "not connected to WhatsApp (reconnecting)" : "not running" };
    const status = this.selfStatus();
    return { ok: true, ...(status.self ? { self: status.self } : {}) };
  }

  send(message: OutboundMessage): Promise<SendResult> {
    return this.sender.send(message);
  }

  async typing(chatId: string): Promise<void> {
    await this.sender.typing(this.slot.current, chatId);
  }

  /**
   * Unlinks the device: connects (the manager stopped `run` first) and asks WhatsApp to
   * remove it, then backs up and deletes the local credentials. Reaching WhatsApp is best
   * effort; the local state is cleared either way, and the log says when the phone may still
   * list the device.
   */
  async logout(): Promise<void> {
    const auth = await this.options.openAuth();
    if (auth.linked && !this.running) {
      // The unlinking socket is its own small job (unlink.ts), apart from the supervised connections.
      await unlinkOnWhatsApp({
        accountId: this.accountId, auth: auth.state, lock: this.options.lock, socketFactory: this.options.socketFactory, socketOptions: this.options.socketOptions,
        clock: this.clock, session: this.options.session, timeoutMs: this.options.logoutTimeoutMs, log: this.log,
      });
    }
    await auth.clear();
  }
}
