/**
 * Run as its own process by whatsapp-real-socket.test.ts: a real gateway whose WhatsApp
 * account uses the REAL Baileys socket (`realSocketFactory`), pointed at 127.0.0.1: a port
 * that refuses connections, or a WebSocket endpoint that accepts and closes at once. It waits until the manager has retried several times, stops everything, prints
 * one JSON line and returns without `process.exit`: the parent checks that the process then
 * ends by itself, which it can only do with no socket, timer or worker left behind.
 */
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { initAuthCreds, BufferJSON } from "@whiskeysockets/baileys";
import { createWhatsAppFactory } from "../../src/channels/whatsapp/factory.ts";
import { realSocketFactory } from "../../src/channels/whatsapp/socket.ts";
import { closeWhatsappStores, whatsappStore } from "../../src/channels/whatsapp/store-handle.ts";
import { WhatsAppAuthStore } from "../../src/store/whatsapp-auth.ts";
import { eventually } from "../helpers/condition.ts";
import { makeTempHome, startTestGateway } from "../helpers/gateway.ts";

/** `refused`: nothing listens on the port (ECONNREFUSED); `closing`: the upgrade succeeds and the server closes at once. */
const mode = process.argv[2] === "closing" ? "closing" : "refused";
const WANTED = 4;
let upgrades = 0;
const server = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  fetch(request, srv) {
    upgrades += 1;
    return srv.upgrade(request) ? undefined : new Response("upgrade failed", { status: 400 });
  },
  websocket: {
    open(ws) {
      ws.close(1011, "going away");
    },
    message() {},
  },
});
const port = server.port;
// A port that was just ours and now refuses connections.
if (mode === "refused") server.stop(true);

const home = await makeTempHome();
const stateDir = join(home, ".openclaw");
await mkdir(stateDir, { recursive: true });
const creds = { ...initAuthCreds(), me: { id: "15550001111:7@s.whatsapp.net", name: "Gateway" } };
new WhatsAppAuthStore(whatsappStore(stateDir)).writeCreds("default", JSON.stringify(creds, BufferJSON.replacer), Date.now());

const url = `ws://127.0.0.1:${port}/ws/chat`;
const sockets: number[] = [];
const gw = await startTestGateway({
  home,
  config: { channels: { whatsapp: {} } },
  channels: {
    factories: [
      createWhatsAppFactory({
        socketFactory: (options) => {
          sockets.push(performance.now());
          return realSocketFactory({ ...options, waWebSocketUrl: url, connectTimeoutMs: 2000 });
        },
      }),
    ],
    tuning: { reconnect: { initialMs: 100, maxMs: 400, random: () => 1 } },
  },
  expectErrors: [/.*/],
});
const account = () => gw.gateway.services.channels.accounts().find((a) => a.channel === "whatsapp");
await eventually("several failed connects", () => ((account()?.reconnectAttempts ?? 0) >= WANTED ? true : undefined), 20_000, 20);
const seen = account()!;
const retries = gw.logLines.filter((line) => /trying again in/.test(line)).map((line) => line.replace(/^\S+ /, ""));
await gw.stop();
closeWhatsappStores();
if (mode === "closing") server.stop(true);
const { rm } = await import("node:fs/promises");
await rm(home, { recursive: true, force: true });

console.log(
  JSON.stringify({
    mode,
    upgrades,
    sockets: sockets.length,
    gapsMs: sockets.slice(1).map((at, i) => Math.round(at - sockets[i]!)),
    reconnectAttempts: seen.reconnectAttempts,
    connected: seen.connected,
    stoppedReason: seen.stoppedReason,
    retries,
    stoppedAt: performance.now(),
  }),
);
