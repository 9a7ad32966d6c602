/**
 * The composition root: takes the services from `build-services.ts`, builds the parts, the
 * dispatcher, the WebSocket handlers and the HTTP route table, and is the one place that calls
 * `Bun.serve` for the gateway port. Returns values; starting and stopping the process is
 * `run-gateway.ts`'s job.
 */
import type { Server } from "bun";
import { CloseCodes } from "../../protocol/errors.ts";
import type { Policy } from "../../protocol/handshake.ts";
import { HANDSHAKE_TIMEOUT_MS } from "../../protocol/index.ts";
import { canvasPart } from "../canvas/canvas-part.ts";
import type { ChannelTuning } from "../channels/manager-options.ts";
import type { ChannelFactory } from "../channels/types.ts";
import type { WaSocketFactory } from "../channels/whatsapp/socket.ts";
import type { Options } from "../config/load.ts";
import { unimplementedKeys } from "../config/unimplemented-keys.ts";
import { HEALTH_REFRESH_MS } from "../core/health.ts";
import { healthRefresher } from "../core/health-refresher.ts";
import { PartList } from "../core/part-list.ts";
import { tickPart } from "../core/tick.ts";
import type { LoggingSystem } from "../log/logger.ts";
import { buildServices } from "./build-services.ts";
import { createHttpServer } from "./http/http-server.ts";
import { gatewayRoutesFor } from "./http/routes.ts";
import { methodHandlers } from "./methods/registry.ts";
import { Dispatcher } from "./rpc/dispatcher.ts";
import type { GatewayServices } from "./services.ts";
import { checkExposure, GatewayStartError } from "./startup-policy.ts";
import type { SocketData } from "./ws/connection.ts";
import type { ConnectionRegistry } from "./ws/connection-registry.ts";
import { createSocketHandlers } from "./ws/socket-handlers.ts";
import { webSocketUpgrade } from "./ws/upgrade.ts";

/** How long a stop waits for requests in flight before closing sockets. */
const DRAIN_MS = 5000;

export interface CreateGatewayOptions {
  options: Readonly<Options>;
  /** Defaults to a silent logger. */
  logging?: LoggingSystem;
  /** Overrides of the advertised policy (tests use a short tick or a small buffer limit). */
  policy?: Partial<Policy>;
  /** Default 10 000 ms. */
  handshakeTimeoutMs?: number;
  /** Default 60 000 ms. */
  healthRefreshMs?: number;
  /** Clock; default `Date.now`. */
  now?: () => number;
  /** Runs an in-process restart; the process runner passes its restart loop. Default: log only. */
  onRestart?: (reason: string) => void;
  /** When the previous in-process restart happened, so the cooldown spans restarts. */
  lastRestartAtMs?: number;
  /** The HTTP client model providers are called with (default: the global `fetch`). */
  fetch?: typeof fetch;
  /**
   * The channels this gateway can run (default: every channel of this build) and their timing;
   * `whatsappLoginSocket` builds the sockets of WhatsApp logins (default: Baileys).
   */
  channels?: { factories?: readonly ChannelFactory[]; tuning?: ChannelTuning; whatsappLoginSocket?: WaSocketFactory };
}

export interface ListenResult {
  port: number;
  host: string;
  canvas: { port: number; url: string } | null;
}

export interface Gateway {
  services: GatewayServices;
  /** The open WebSocket connections (tests and benchmarks look inside). */
  connections: ConnectionRegistry;
  fetch(request: Request, server: Server<unknown>): Promise<Response | undefined>;
  listen(): Promise<ListenResult>;
  /** Announces `shutdown`, closes every socket with 1012, and stops listening. */
  stop(reason?: string, restartExpectedMs?: number | null): Promise<void>;
}

export function createGateway(init: CreateGatewayOptions): Gateway {
  let ready = false;
  // The services reach the part list and the dispatcher through closures: both are built from
  // the services below, and nothing calls those closures before this function returns.
  const { services, db, log, now, policy, connections, metrics, publisher, announcer, silentApprovals, restart, health, agent, reloader, channels, whatsappLogin } =
    buildServices(init, { parts: () => partsRunner, dispatcher: () => dispatcher, ready: () => ready });

  const canvas = canvasPart(init.options.canvas);
  // Started in this order, stopped in reverse.
  const partsRunner = new PartList(
    [tickPart(publisher, policy.tickIntervalMs, now), healthRefresher(health, init.healthRefreshMs ?? HEALTH_REFRESH_MS), canvas, agent.part(), channels, reloader],
    log,
  );

  const dispatcher = new Dispatcher({
    handlers: methodHandlers,
    services,
    log: log.withTag("rpc"),
    observe: (method, code, durationMs) => metrics.rpc(method, code, durationMs),
  });
  const websocket = createSocketHandlers({
    services,
    dispatcher,
    connections,
    publisher,
    handshakeTimeoutMs: init.handshakeTimeoutMs ?? HANDSHAKE_TIMEOUT_MS,
  });
  const http = createHttpServer({
    routes: gatewayRoutesFor(init.options.config),
    services,
    log,
    ready: () => ready,
    upgrade: webSocketUpgrade({ allowedOrigins: () => services.options.config.gateway?.controlUi?.allowedOrigins ?? [], ready: () => ready }),
  });
  let server: Server<SocketData> | null = null;

  async function listen(): Promise<ListenResult> {
    const options = services.options;
    const host = checkExposure(options);
    for (const key of unimplementedKeys(options.config)) log.warn(`config key ${key} is accepted but has no effect in this build`);
    try {
      server = Bun.serve<SocketData>({
        hostname: host,
        port: options.port,
        reusePort: false,
        development: false,
        routes: http.routes,
        fetch: http.fetch,
        websocket,
      });
    } catch (error) {
      throw GatewayStartError.fromListenError(error, options.port, "gateway");
    }
    const port = server.port!;
    services.listening = { port, host };
    await partsRunner.startAll();
    await health.refresh();
    ready = true;
    const canvasHost = canvas.host;
    return { port, host, canvas: canvasHost ? { port: canvasHost.port, url: canvasHost.url } : null };
  }

  async function stop(reason = "gateway stopping", restartExpectedMs: number | null = null): Promise<void> {
    ready = false;
    announcer.cancel();
    silentApprovals.flush();
    restart.cancel();
    // Agent runs can take minutes: they end now (as errors that say so) rather than hold the drain.
    await agent.shutdown();
    // Let requests already being worked on (a config write, an invoke) finish and answer.
    await dispatcher.drain(DRAIN_MS);
    services.invoker.cancelAll();
    publisher.publish("shutdown", { reason, restartExpectedMs });
    for (const connection of [...connections.all()]) connection.close(CloseCodes.SERVICE_RESTART, "service restart");
    const running = server;
    server = null;
    if (running) {
      // Give sockets a moment to flush the shutdown frame and the close, then force.
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([running.stop(false), new Promise((resolve) => (timer = setTimeout(resolve, 2000)))]);
      clearTimeout(timer);
      await running.stop(true);
    }
    // A link still being made is abandoned (it leaves no creds) before the store closes.
    await whatsappLogin.stop();
    await partsRunner.stopAll();
    metrics.stop();
    db.close();
  }

  return { services, connections, fetch: http.fetch, listen, stop };
}
