/**
 * The gateway-process side of the WhatsApp relay (`whatsapp-relay.ts`): a `WaSocket` whose
 * Baileys events arrive as JSON frames from the relay and whose calls go back to it. Like a
 * Baileys socket it is one connection: it reports `connection: "close"` once, with a Boom-shaped
 * 428 when the link drops, and a new socket is made for the next attempt.
 */
import { EventEmitter } from "node:events";
import type { WaSocket, WaSocketFactory } from "../../src/channels/whatsapp/socket.ts";
import { SOCKET_DEFAULTS } from "../../src/channels/whatsapp/socket.ts";
import type { RelayCall, RelayFrame } from "./whatsapp-relay-frames.ts";
import { boom } from "./whatsapp-socket.ts";

export function relaySocketFactory(url: string): WaSocketFactory {
  return (options) => {
    const emitter = new EventEmitter();
    emitter.setMaxListeners(0);
    const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
    let nextId = 1;
    let lastReceivedAt: number | null = null;
    let closed = false;
    let user: WaSocket["user"];
    let ws: WebSocket | null = null;
    let pinger: ReturnType<typeof setInterval> | undefined;

    const emitClose = (error: Error | undefined) => {
      if (closed) return;
      closed = true;
      clearInterval(pinger);
      for (const call of pending.values()) call.reject(boom(428, "Connection Closed"));
      pending.clear();
      emitter.emit("connection.update", { connection: "close", lastDisconnect: { error, date: new Date() } });
    };
    const post = (frame: RelayCall) => {
      if (!closed && ws?.readyState === WebSocket.OPEN) ws.send(JSON.stringify(frame));
    };
    const call = <T>(method: string, ...args: unknown[]): Promise<T> => {
      if (closed || ws?.readyState !== WebSocket.OPEN) return Promise.reject(boom(428, "Connection Closed"));
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
        post({ t: "call", id, method, args });
      });
    };

    // Connect on a later turn, after the owner has attached its listeners (as Baileys' socket does).
    setImmediate(() => {
      if (closed) return;
      ws = new WebSocket(url);
      emitter.emit("connection.update", { connection: "connecting" });
      ws.onopen = () => {
        pinger = setInterval(() => post({ t: "ping" }), options.keepAliveIntervalMs ?? SOCKET_DEFAULTS.keepAliveIntervalMs);
      };
      ws.onmessage = (event) => {
        lastReceivedAt = performance.now();
        const frame = JSON.parse(String(event.data)) as RelayFrame;
        if (frame.t === "user") user = frame.user;
        else if (frame.t === "ev") emitter.emit(frame.event, frame.arg);
        else if (frame.t === "ret" || frame.t === "err") {
          const waiting = pending.get(frame.id);
          pending.delete(frame.id);
          if (frame.t === "ret") waiting?.resolve(frame.value);
          else waiting?.reject(boom(frame.statusCode, frame.message));
        }
      };
      ws.onclose = () => emitClose(boom(428, "Connection Closed"));
    });

    const socket: WaSocket = {
      ev: {
        on: (event, listener) => void emitter.on(event, listener as (arg: unknown) => void),
        off: (event, listener) => void emitter.off(event, listener as (arg: unknown) => void),
      },
      get user() {
        return user;
      },
      sendMessage: (jid, content, messageOptions) => call("sendMessage", jid, content, messageOptions),
      sendPresenceUpdate: (type, toJid) => call("sendPresenceUpdate", type, toJid),
      readMessages: (keys) => call("readMessages", keys),
      requestPairingCode: () => Promise.reject(new Error("the relay links no new devices")),
      end: async (error) => {
        ws?.close();
        queueMicrotask(() => emitClose(error));
      },
      logout: async () => {
        ws?.close();
        queueMicrotask(() => emitClose(boom(401, "Intentional Logout")));
      },
      lastReceivedAt: () => lastReceivedAt,
      downloadMedia: () => Promise.reject(new Error("the relay carries no media")),
      pnForLid: (lid) => call<string | null>("pnForLid", lid),
    };
    return socket;
  };
}
