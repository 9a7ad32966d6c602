/**
 * `openclaw gateway --port <n>` with one difference: WhatsApp accounts connect to the relay at
 * `OPENCLAW_TEST_WHATSAPP_RELAY` (test/fakes/whatsapp-relay.ts) instead of WhatsApp's servers,
 * with short pacing and reconnect delays. Everything else is the gateway command's own code, in
 * a process of its own that a test can kill -9.
 */
import { channelFactories } from "../../src/channels/registry.ts";
import { createWhatsAppFactory } from "../../src/channels/whatsapp/factory.ts";
import { runGateway } from "../../src/gateway/run-gateway.ts";
import { relaySocketFactory } from "../fakes/whatsapp-relay-socket.ts";

const relay = process.env.OPENCLAW_TEST_WHATSAPP_RELAY;
if (!relay) {
  console.error("OPENCLAW_TEST_WHATSAPP_RELAY is not set");
  process.exit(2);
}
const portAt = process.argv.indexOf("--port");
const port = portAt >= 0 ? Number(process.argv[portAt + 1]) : 0;

const whatsapp = createWhatsAppFactory({
  socketFactory: relaySocketFactory(relay),
  pacing: { accountGapMs: 1, chatGapMs: 1 },
  socketOptions: { keepAliveIntervalMs: 1000 },
});
process.exit(
  await runGateway({
    flags: {},
    port,
    verbose: false,
    force: false,
    allowUnconfigured: false,
    channels: {
      factories: channelFactories.map((f) => (f.channel === "whatsapp" ? whatsapp : f)),
      tuning: { reconnect: { initialMs: 50, maxMs: 500 } },
    },
  }),
);
