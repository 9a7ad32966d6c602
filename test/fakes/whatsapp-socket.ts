/**
 * A Baileys-shaped WhatsApp socket for tests: the same event names and payload shapes
 * (`connection.update` with `lastDisconnect.error.output.statusCode`, `creds.update`,
 * `messages.upsert` notify/append, `lid-mapping.update`), driven by the test, recording what
 * the adapter sends (`sendMessage`, `sendPresenceUpdate`, `readMessages`). `FakeWhatsApp` is
 * the socket factory: one new socket per connect, like the real one.
 *
 * Liveness: while `answering`, the fake "server" answers every keepalive ping, so
 * `lastReceivedAt()` is always now; `stopAnswering()` models a half-open link.
 */
import { EventEmitter } from "node:events";
import type { AnyMessageContent, Contact, MiscMessageGenerationOptions, WAMessage, WAMessageKey, WAPresence } from "@whiskeysockets/baileys";
import type { Clock } from "../../src/channels/whatsapp/clock.ts";
import type { WaEventMap, WaSocket, WaSocketFactory, WaSocketOptions } from "../../src/channels/whatsapp/socket.ts";
import { Condition } from "../helpers/condition.ts";

/** An error shaped like Baileys' Boom: `output.statusCode`. */
export function boom(statusCode: number, message = `closed (${statusCode})`): Error {
  return Object.assign(new Error(message), { isBoom: true, output: { statusCode, payload: { statusCode, message } } });
}

export const SELF_PN = "15550001111";
export const SELF_LID = "90000000000001";
export const SELF_USER: Contact = { id: `${SELF_PN}:7@s.whatsapp.net`, lid: `${SELF_LID}:7@lid`, name: "Gateway" };

export interface SentRecord {
  jid: string;
  content: AnyMessageContent;
  options?: MiscMessageGenerationOptions;
  id: string;
  at: number;
}

export class FakeWaSocket implements WaSocket {
  readonly ev: WaSocket["ev"] & { emit<E extends keyof WaEventMap>(event: E, arg: WaEventMap[E]): void; listenerCount(event: keyof WaEventMap): number };
  user: Contact | undefined;
  answering = true;
  closed = false;
  readonly ended: (Error | undefined)[] = [];
  readonly sent: SentRecord[] = [];
  readonly presence: { type: WAPresence; jid?: string }[] = [];
  readonly reads: WAMessageKey[][] = [];
  /** Throws this from the next `sendMessage` (then clears it). */
  failNextSend: Error | null = null;
  private silentSince = 0;
  private readonly emitter = new EventEmitter();

  constructor(
    readonly options: WaSocketOptions,
    private readonly rig: FakeWhatsApp,
    readonly index: number,
  ) {
    this.emitter.setMaxListeners(0);
    const emitter = this.emitter;
    this.ev = {
      on: (event, listener) => void emitter.on(event, listener as (arg: unknown) => void),
      off: (event, listener) => void emitter.off(event, listener as (arg: unknown) => void),
      emit: (event, arg) => void emitter.emit(event, arg),
      listenerCount: (event) => emitter.listenerCount(event),
    };
  }

  // --- what the test drives --------------------------------------------------------------------

  open(user: Contact = SELF_USER): void {
    this.user = user;
    this.ev.emit("connection.update", { connection: "connecting" });
    this.ev.emit("connection.update", { connection: "open", receivedPendingNotifications: true });
  }

  qr(code: string): void {
    this.ev.emit("connection.update", { qr: code });
  }

  /** The server closes the connection with this status, as Baileys reports it. */
  close(statusCode: number | undefined, message?: string): void {
    const error = statusCode === undefined ? new Error(message ?? "getaddrinfo EAI_AGAIN web.whatsapp.com") : boom(statusCode, message);
    this.emitClose(error);
  }

  /** The server closes the connection with exactly this error. */
  closeWith(error: Error): void {
    this.emitClose(error);
  }

  upsert(type: "notify" | "append", ...messages: WAMessage[]): void {
    this.ev.emit("messages.upsert", { type, messages });
  }

  credsUpdate(update: WaEventMap["creds.update"]): void {
    Object.assign(this.options.auth.creds, update);
    this.ev.emit("creds.update", update);
  }

  lidMapping(lid: string, pn: string): void {
    this.ev.emit("lid-mapping.update", { lid, pn });
  }

  /** The link goes half-open: pings stop coming back. */
  stopAnswering(): void {
    this.answering = false;
    this.silentSince = this.rig.clock.monotonic();
  }

  get listeners(): number {
    return (["connection.update", "creds.update", "messages.upsert", "lid-mapping.update"] as const).reduce((n, e) => n + this.ev.listenerCount(e), 0);
  }

  private emitClose(error: Error | undefined): void {
    if (this.closed) return;
    this.closed = true;
    this.ev.emit("connection.update", { connection: "close", lastDisconnect: { error, date: new Date(this.rig.clock.now()) } });
  }

  // --- WaSocket ----------------------------------------------------------------------------------

  lastReceivedAt(): number | null {
    return this.answering ? this.rig.clock.monotonic() : this.silentSince;
  }

  async sendMessage(jid: string, content: AnyMessageContent, options?: MiscMessageGenerationOptions): Promise<WAMessage | undefined> {
    if (this.failNextSend) {
      const error = this.failNextSend;
      this.failNextSend = null;
      throw error;
    }
    if (this.closed) throw boom(428, "Connection Closed");
    const id = options?.messageId ?? `3EB0${String(this.rig.nextId++).padStart(8, "0")}`;
    this.sent.push({ jid, content, ...(options ? { options } : {}), id, at: this.rig.clock.monotonic() });
    this.rig.changed.wake();
    const message = "text" in content ? { conversation: content.text } : { extendedTextMessage: { text: JSON.stringify(Object.keys(content)) } };
    return { key: { remoteJid: jid, id, fromMe: true }, message };
  }

  async sendPresenceUpdate(type: WAPresence, jid?: string): Promise<void> {
    this.presence.push({ type, ...(jid ? { jid } : {}) });
  }

  async readMessages(keys: WAMessageKey[]): Promise<void> {
    this.reads.push(keys);
    this.rig.changed.wake();
  }

  async requestPairingCode(_phoneNumber: string): Promise<string> {
    return "ABCD1234";
  }

  async end(error: Error | undefined): Promise<void> {
    this.ended.push(error);
    // Baileys emits the close on its way out, asynchronously.
    queueMicrotask(() => this.emitClose(error));
  }

  async logout(): Promise<void> {
    this.rig.loggedOut += 1;
    await this.end(boom(401, "Intentional Logout"));
  }

  async downloadMedia(message: WAMessage): Promise<AsyncIterable<Uint8Array>> {
    if (this.rig.stalledMedia.has(message.key.id ?? "")) return { [Symbol.asyncIterator]: () => ({ next: () => new Promise<IteratorResult<Uint8Array>>(() => {}) }) };
    const bytes = this.rig.media.get(message.key.id ?? "");
    if (!bytes) throw new Error("media not found");
    return (async function* () {
      for (let offset = 0; offset < bytes.byteLength; offset += 64 * 1024) yield bytes.subarray(offset, offset + 64 * 1024);
    })();
  }

  async pnForLid(lid: string): Promise<string | null> {
    return this.rig.lidToPn.get(lid) ?? null;
  }
}

export interface FakeWhatsAppOptions {
  /** Open each new socket as soon as it is made (as a linked account would). Default true. */
  autoOpen?: boolean;
}

/** The fake's server side and socket factory. */
export class FakeWhatsApp {
  readonly sockets: FakeWaSocket[] = [];
  readonly changed = new Condition();
  /** Media bytes by message id, for `downloadMedia`. */
  readonly media = new Map<string, Uint8Array>();
  /** Message ids whose download never delivers a byte. */
  readonly stalledMedia = new Set<string>();
  /** What Baileys' signal store would answer for `getPNForLID`. */
  readonly lidToPn = new Map<string, string>();
  loggedOut = 0;
  nextId = 1;
  autoOpen: boolean;

  constructor(
    readonly clock: Clock,
    options: FakeWhatsAppOptions = {},
  ) {
    this.autoOpen = options.autoOpen ?? true;
  }

  readonly factory: WaSocketFactory = (options) => {
    const socket = new FakeWaSocket(options, this, this.sockets.length);
    this.sockets.push(socket);
    // The network takes a moment: the socket opens on a later turn, after its owner listens.
    if (this.autoOpen) setImmediate(() => socket.open());
    this.changed.wake();
    return socket;
  };

  get current(): FakeWaSocket | undefined {
    return this.sockets[this.sockets.length - 1];
  }

  /** Every message sent through any socket, in order. */
  get sent(): SentRecord[] {
    return this.sockets.flatMap((s) => s.sent);
  }

  waitForSockets(count: number, timeoutMs = 5000): Promise<FakeWaSocket> {
    return this.changed.waitFor(`${count} WhatsApp socket(s)`, () => (this.sockets.length >= count ? this.sockets[count - 1] : undefined), timeoutMs);
  }

  waitForSent(count: number, timeoutMs = 5000): Promise<SentRecord[]> {
    return this.changed.waitFor(`${count} sent WhatsApp message(s)`, () => (this.sent.length >= count ? this.sent : undefined), timeoutMs);
  }
}

// --- messages as Baileys delivers them ------------------------------------------------------------

let messageSeq = 0;

export interface FakeMessageInit {
  /** The chat: a user JID for a DM, `…@g.us` for a group. */
  chat: string;
  /** In groups, who wrote it (JID, often `…@lid`). */
  participant?: string;
  /** The phone JID Baileys puts next to a LID (`remoteJidAlt` in DMs, `participantAlt` in groups). */
  alt?: string;
  text?: string;
  id?: string;
  fromMe?: boolean;
  pushName?: string;
  mentions?: string[];
  /** Replies to this message id, written by `quotedParticipant`. */
  quotedId?: string;
  quotedParticipant?: string;
  quotedText?: string;
  image?: { caption?: string; mimetype?: string; fileLength?: number };
  document?: { fileName: string; mimetype?: string; fileLength?: number };
  audio?: { ptt?: boolean; mimetype?: string };
  ts?: number;
}

export function fakeMessage(init: FakeMessageInit): WAMessage {
  const id = init.id ?? `IN${String(++messageSeq).padStart(10, "0")}`;
  const isGroup = init.chat.endsWith("@g.us");
  const key: WAMessageKey = { remoteJid: init.chat, id, fromMe: init.fromMe ?? false };
  if (isGroup && init.participant) key.participant = init.participant;
  if (init.alt) {
    if (isGroup) key.participantAlt = init.alt;
    else key.remoteJidAlt = init.alt;
  }
  const contextInfo =
    init.mentions || init.quotedId
      ? {
          ...(init.mentions ? { mentionedJid: init.mentions } : {}),
          ...(init.quotedId ? { stanzaId: init.quotedId, participant: init.quotedParticipant, quotedMessage: { conversation: init.quotedText ?? "earlier" } } : {}),
        }
      : undefined;
  let message: WAMessage["message"];
  if (init.image) message = { imageMessage: { ...init.image, mimetype: init.image.mimetype ?? "image/jpeg", ...(contextInfo ? { contextInfo } : {}) } };
  else if (init.document) message = { documentMessage: { ...init.document, ...(contextInfo ? { contextInfo } : {}) } };
  else if (init.audio) message = { audioMessage: { mimetype: init.audio.mimetype ?? "audio/ogg; codecs=opus", ptt: init.audio.ptt ?? true } };
  else if (contextInfo) message = { extendedTextMessage: { text: init.text ?? "", contextInfo } };
  else message = { conversation: init.text ?? "" };
  return { key, message, messageTimestamp: Math.floor((init.ts ?? Date.UTC(2026, 0, 1)) / 1000), ...(init.pushName ? { pushName: init.pushName } : {}) };
}
