/**
 * The composition root: builds the services, the WebSocket handlers and the HTTP routes, and
 * is the one place that calls `Bun.serve` for the gateway port. Returns values; starting and
 * stopping the process is `run-gateway.ts`'s job.
 */
import type { Server } from "bun";
import { hostname as osHostname } from "node:os";
import { CloseCodes } from "../../protocol/errors.ts";
import type { Policy } from "../../protocol/handshake.ts";
import { DEFAULT_POLICY, HANDSHAKE_TIMEOUT_MS } from "../../protocol/index.ts";
import { startCanvasHost, type CanvasHost } from "../canvas/canvas-host.ts";
import type { Options } from "../config/load.ts";
import { HEALTH_REFRESH_MS, HealthMonitor } from "../core/health.ts";
import { PresenceRegistry } from "../core/presence.ts";
import { silentLogger, type LoggingSystem } from "../log/logger.ts";
import { Redactor } from "../log/redact.ts";
import { openStore } from "../store/database.ts";
import { DeviceStore } from "../store/devices.ts";
import { NodeStore } from "../store/nodes.ts";
import { IdempotencyCache } from "../core/idempotency.ts";
import { NodeInvoker } from "../core/node-invoker.ts";
import { NodeRegistry } from "../core/node-registry.ts";
import { RpcError } from "./rpc/rpc-error.ts";
import { VERSION } from "../version.ts";
import { DevicePairing } from "./auth/device-pairing.ts";
import { hostAllowed, describePeer, originAllowed } from "./http/peer.ts";
import { apiError } from "./http/responses.ts";
import { routeHttp, type HttpState } from "./http/router.ts";
import { methodHandlers } from "./methods/registry.ts";
import { Dispatcher } from "./rpc/dispatcher.ts";
import { RawJson } from "./rpc/raw-json.ts";
import { PresenceAnnouncer } from "./presence-announcer.ts";
import { RestartController } from "./restart-controller.ts";
import { startConfigReloader } from "./config-reloader.ts";
import { WriteBudget } from "../core/write-budget.ts";
import { selfPresence } from "./self-presence.ts";
import type { GatewayServices } from "./services.ts";
import type { SocketData } from "./ws/connection.ts";
import { ConnectionRegistry } from "./ws/connection-registry.ts";
import { createSocketHandlers } from "./ws/socket-handlers.ts";
import { checkExposure, GatewayStartError } from "./startup-policy.ts";

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
}

export interface ListenResult {
  port: number;
  host: string;
  canvas: { port: number; url: string } | null;
}

export interface Gateway {
  services: GatewayServices;
  fetch(request: Request, server: Server<SocketData>): Promise<Response | undefined>;
  listen(): Promise<ListenResult>;
  /** Announces `shutdown`, closes every socket with 1012, and stops listening. */
  stop(reason?: string, restartExpectedMs?: number | null): Promise<void>;
}

export function createGateway(init: CreateGatewayOptions): Gateway {
  const { options } = init;
  const now = init.now ?? Date.now;
  const log = (init.logging?.root ?? silentLogger()).withTag("gateway");
  const redactor = init.logging?.redactor ?? new Redactor();
  redactor.addSecret(options.auth.token);
  redactor.addSecret(options.auth.password);
  const policy: Policy = Object.freeze({ ...DEFAULT_POLICY, ...init.policy });
  const bootId = crypto.randomUUID();
  const db = openStore(options.paths.stateDir);
  const devices = new DeviceStore(db);
  const invoker = new NodeInvoker();
  const connections = new ConnectionRegistry(policy.maxBufferedBytes);
  const version = options.version ?? VERSION;
  const self = selfPresence(version, bootId);
  const presence = new PresenceRegistry(() => ({ ...self, ts: now() }), now);
  const health = new HealthMonitor({
    stateDir: options.paths.stateDir,
    now,
    onRefresh: (entry, version) =>
      connections.broadcast("health", new RawJson(entry.json), { dropIfSlow: true, stateVersion: { presence: presence.version, health: version } }),
  });
  const presenceAnnouncer = new PresenceAnnouncer(() =>
    connections.broadcast(
      "presence",
      { presence: presence.list() },
      { dropIfSlow: true, stateVersion: { presence: presence.version, health: health.version } },
    ),
  );
  const restart = new RestartController(
    init.onRestart ?? ((reason) => log.warn(`restart requested (${reason}) but this gateway runs without a restart loop`)),
    now,
    init.lastRestartAtMs ?? 0,
  );
  const services: GatewayServices = {
    options,
    auth: { current: options.auth },
    log,
    redactor,
    version,
    hostname: osHostname(),
    bootId,
    startedAtMs: now(),
    now,
    policy,
    handshakeTimeoutMs: init.handshakeTimeoutMs ?? HANDSHAKE_TIMEOUT_MS,
    presence,
    presenceAnnouncer,
    health,
    connections,
    devices,
    nodeStore: new NodeStore(db),
    nodes: new NodeRegistry(),
    invoker,
    idempotency: new IdempotencyCache(db, now, (error): error is RpcError => error instanceof RpcError),
    pairing: new DevicePairing(devices, (event, payload) => connections.broadcast(event, payload), now),
    systemEvents: [],
    restart,
    configWrites: new WriteBudget(now),
    configWatcher: null,
    logFile: () => {
      const sink = init.logging?.file;
      return sink ? (sink.path ?? sink.pathFor(now())) : null;
    },
    listening: null,
  };
  const dispatcher = new Dispatcher(methodHandlers, log.withTag("rpc"));
  const websocket = createSocketHandlers(services, dispatcher);
  const state: HttpState = { ready: false };
  const gatewayConfig = options.config.gateway ?? {};
  const allowedOrigins = gatewayConfig.controlUi?.allowedOrigins ?? [];
  const trustedProxies = gatewayConfig.trustedProxies ?? [];
  const loopbackBind = options.bind === "loopback" || options.bind === "auto";
  let server: Server<SocketData> | null = null;
  let canvas: CanvasHost | null = null;
  const timers: ReturnType<typeof setInterval>[] = [];

  async function fetch(request: Request, srv: Server<SocketData>): Promise<Response | undefined> {
    if (!hostAllowed(request, loopbackBind)) return apiError(403, "forbidden", "host not allowed");
    if (request.headers.get("upgrade")?.toLowerCase() === "websocket") {
      if (!originAllowed(request, allowedOrigins)) return apiError(403, "forbidden", "origin not allowed");
      if (!state.ready) return apiError(503, "unavailable", "gateway is not accepting connections");
      const peer = describePeer(request, srv, trustedProxies);
      const data: SocketData = {
        connId: crypto.randomUUID(),
        remoteAddress: peer.remoteAddress,
        isLocal: peer.isLocal,
        fromBrowser: request.headers.has("origin"),
      };
      if (srv.upgrade(request, { data })) return undefined;
      return apiError(400, "invalid_request_error", "WebSocket upgrade failed");
    }
    try {
      return await routeHttp(request, services, state);
    } catch (error) {
      log.error("HTTP request failed:", error);
      return apiError(500, "api_error", "Internal Server Error");
    }
  }

  async function listen(): Promise<ListenResult> {
    const host = checkExposure(options);
    try {
      server = Bun.serve<SocketData>({ hostname: host, port: options.port, reusePort: false, development: false, fetch, websocket });
    } catch (error) {
      throw GatewayStartError.fromListenError(error, options.port, "gateway");
    }
    const port = server.port!;
    services.listening = { port, host };
    if (options.canvas.enabled) {
      try {
        canvas = await startCanvasHost({ root: options.canvas.root, hostname: "127.0.0.1", port: options.canvas.port, log: log.withTag("canvas") });
      } catch (error) {
        log.warn(`canvas host not started: ${(error as Error).message}`);
      }
    }
    timers.push(setInterval(() => connections.broadcast("tick", { ts: now() }, { dropIfSlow: true }), policy.tickIntervalMs));
    timers.push(setInterval(() => void health.refresh(), init.healthRefreshMs ?? HEALTH_REFRESH_MS));
    await health.refresh();
    services.configWatcher = startConfigReloader(services, restart);
    state.ready = true;
    return { port, host, canvas: canvas ? { port: canvas.port, url: canvas.url } : null };
  }

  async function stop(reason = "gateway stopping", restartExpectedMs: number | null = null): Promise<void> {
    state.ready = false;
    for (const timer of timers.splice(0)) clearInterval(timer);
    presenceAnnouncer.cancel();
    restart.cancel();
    services.configWatcher?.close();
    // Let requests already being worked on (a config write, an invoke) finish and answer.
    await dispatcher.drain(DRAIN_MS);
    invoker.cancelAll();
    connections.broadcast("shutdown", { reason, restartExpectedMs });
    for (const connection of [...connections.all()]) connection.close(CloseCodes.SERVICE_RESTART, "service restart");
    const running = server;
    server = null;
    if (running) {
      // Give sockets a moment to flush the shutdown frame and the close, then force.
      await Promise.race([running.stop(false), Bun.sleep(2000)]);
      await running.stop(true);
    }
    await canvas?.stop();
    canvas = null;
    db.close();
  }

  return { services, fetch, listen, stop };
}
