/**
 * WhatsApp's side for a gateway PROCESS (the chaos test, the benchmark): a WebSocket server on
 * 127.0.0.1 that plays the part of WhatsApp's servers and of the people writing to the linked
 * number, as seen through a Baileys socket. The gateway process talks to it through
 * `whatsapp-relay-socket.ts`, a `WaSocket` whose events and calls travel as JSON frames, so
 * everything above the socket (adapter, inbox, agent, outbox, pacing, store) is the real code in
 * a real process that can be killed.
 *
 * What it models of WhatsApp, because the tests depend on it:
 * - A message stays "undelivered" until the gateway sends its read receipt, and every new
 *   connection gets the undelivered ones again as `append` (WhatsApp redelivers what the
 *   device never acknowledged), so a message the gateway died holding is not lost.
 * - Sent messages are keyed by their id: a resend with an id WhatsApp already has is the same
 *   message to the recipient, not a second one (`delivered` counts each id once, `sent` every call).
 * - `failRate` answers that share of sends with a 5xx, as WhatsApp does under load.
 */
import type { Server, ServerWebSocket } from "bun";
import type { Contact, WAMessage } from "@whiskeysockets/baileys";
import { Condition } from "../helpers/condition.ts";
import { SELF_USER } from "./whatsapp-socket.ts";
import type { RelayFrame, RelayCall } from "./whatsapp-relay-frames.ts";

export interface RelaySend {
  jid: string;
  id: string;
  text: string;
  /** Which connection (0-based, in connect order) carried it. */
  connection: number;
}

export interface WhatsAppRelayOptions {
  /** Share of `sendMessage` calls answered with a 500 (0..1). Default 0. */
  failRate?: number;
  /** Random source for `failRate` (seeded in the chaos test). */
  random?: () => number;
  /** Who the linked account is. */
  user?: Contact;
}

interface Peer {
  index: number;
  open: boolean;
}

export class WhatsAppRelay {
  readonly changed = new Condition();
  /** Every accepted `sendMessage` call, resends included. */
  readonly sent: RelaySend[] = [];
  /** Distinct messages the recipients got: message id → the send. */
  readonly delivered = new Map<string, RelaySend>();
  /** Inbound messages not yet acknowledged (read) by the gateway, by id. */
  readonly undelivered = new Map<string, WAMessage>();
  failRate: number;
  connections = 0;
  private readonly server: Server<Peer>;
  private current: ServerWebSocket<Peer> | null = null;
  private readonly random: () => number;
  private readonly user: Contact;
  private readonly acceptedHooks = new Set<(send: RelaySend) => void>();

  constructor(options: WhatsAppRelayOptions = {}) {
    this.failRate = options.failRate ?? 0;
    this.random = options.random ?? Math.random;
    this.user = options.user ?? SELF_USER;
    this.server = Bun.serve<Peer>({
      hostname: "127.0.0.1",
      port: 0,
      fetch: (request, server) => (server.upgrade(request, { data: { index: this.connections++, open: true } }) ? undefined : new Response("WebSocket only", { status: 426 })),
      websocket: {
        open: (ws) => this.onOpen(ws),
        message: (ws, data) => this.onMessage(ws, String(data)),
        close: (ws) => {
          ws.data.open = false;
          if (this.current === ws) this.current = null;
          this.changed.wake();
        },
      },
    });
  }

  get url(): string {
    return `ws://127.0.0.1:${this.server.port}`;
  }

  get connected(): boolean {
    return this.current !== null;
  }

  /** A person writes to the linked number: delivered now if the gateway is connected, else on its next connect. */
  deliver(message: WAMessage): void {
    this.undelivered.set(message.key.id!, message);
    if (this.current) this.send(this.current, { t: "ev", event: "messages.upsert", arg: { type: "notify", messages: [message] } });
  }

  /** Texts the recipients of `jid` got, once per message id, in the order they first arrived. */
  textsTo(jid: string): string[] {
    return [...this.delivered.values()].filter((s) => s.jid === jid).map((s) => s.text);
  }

  /** Runs `hook` for every accepted send, before its answer goes back; returns the unhook. */
  onAccepted(hook: (send: RelaySend) => void): () => void {
    this.acceptedHooks.add(hook);
    return () => this.acceptedHooks.delete(hook);
  }

  waitFor<T>(what: string, probe: () => T | undefined, timeoutMs = 10_000): Promise<T> {
    return this.changed.waitFor(what, probe, timeoutMs);
  }

  async stop(): Promise<void> {
    await this.server.stop(true);
  }

  private onOpen(ws: ServerWebSocket<Peer>): void {
    // A newer connection replaces the older one, as WhatsApp does for the same device.
    if (this.current && this.current !== ws) this.current.close(4000, "replaced by a newer connection");
    this.current = ws;
    this.send(ws, { t: "user", user: this.user });
    this.send(ws, { t: "ev", event: "connection.update", arg: { connection: "open", receivedPendingNotifications: true } });
    if (this.undelivered.size > 0) this.send(ws, { t: "ev", event: "messages.upsert", arg: { type: "append", messages: [...this.undelivered.values()] } });
    this.changed.wake();
  }

  private onMessage(ws: ServerWebSocket<Peer>, text: string): void {
    let frame: RelayCall;
    try {
      frame = JSON.parse(text) as RelayCall;
    } catch {
      ws.close(4400, "not JSON");
      return;
    }
    if (frame.t === "ping") {
      this.send(ws, { t: "pong" });
      return;
    }
    const { id, method, args } = frame;
    const reply = (value: unknown) => this.send(ws, { t: "ret", id, value });
    const fail = (statusCode: number, message: string) => this.send(ws, { t: "err", id, statusCode, message });
    switch (method) {
      case "sendMessage": {
        const [jid, content, options] = args as [string, { text?: string }, { messageId?: string } | undefined];
        if (this.random() < this.failRate) return fail(500, "Internal Server Error");
        const messageId = options?.messageId ?? `3EB0RELAY${String(this.sent.length + 1).padStart(8, "0")}`;
        const record: RelaySend = { jid, id: messageId, text: content.text ?? JSON.stringify(content), connection: ws.data.index };
        this.sent.push(record);
        if (!this.delivered.has(messageId)) this.delivered.set(messageId, record);
        this.changed.wake();
        for (const hook of this.acceptedHooks) hook(record);
        return reply({ key: { remoteJid: jid, id: messageId, fromMe: true }, message: { conversation: record.text } });
      }
      case "readMessages": {
        for (const key of (args[0] as { id?: string }[]) ?? []) if (key.id) this.undelivered.delete(key.id);
        this.changed.wake();
        return reply(null);
      }
      case "sendPresenceUpdate":
        return reply(null);
      case "pnForLid":
        return reply(null);
      default:
        return fail(501, `the relay does not do ${method}`);
    }
  }

  private send(ws: ServerWebSocket<Peer>, frame: RelayFrame): void {
    if (ws.data.open) ws.send(JSON.stringify(frame));
  }
}

export function startWhatsAppRelay(options?: WhatsAppRelayOptions): WhatsAppRelay {
  return new WhatsAppRelay(options);
}
