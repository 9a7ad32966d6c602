/**
 * The composition root: builds the services, the parts, the WebSocket handlers and the HTTP
 * route table, and is the one place that calls `Bun.serve` for the gateway port. Returns
 * values; starting and stopping the process is `run-gateway.ts`'s job.
 */
import type { Server } from "bun";
import { hostname as osHostname } from "node:os";
import { CloseCodes } from "../../protocol/errors.ts";
import type { Policy } from "../../protocol/handshake.ts";
import { DEFAULT_POLICY, HANDSHAKE_TIMEOUT_MS, methods } from "../../protocol/index.ts";
import { AgentRuntime } from "../agent/runtime.ts";
import { canvasPart } from "../canvas/canvas-part.ts";
import { ChannelManager, type ChannelTuning } from "../channels/manager.ts";
import { channelFactories } from "../channels/registry.ts";
import type { ChannelFactory } from "../channels/types.ts";
import { WhatsAppLoginService } from "../channels/whatsapp/login-service.ts";
import type { WaSocketFactory } from "../channels/whatsapp/socket.ts";
import { reloadOptions, type Options } from "../config/load.ts";
import { unimplementedKeys } from "../config/unimplemented-keys.ts";
import { HealthMonitor, HEALTH_REFRESH_MS } from "../core/health.ts";
import { healthRefresher } from "../core/health-refresher.ts";
import { IdempotencyCache } from "../core/idempotency.ts";
import { NodeInvoker } from "../core/node-invoker.ts";
import { NodeRegistry } from "../core/node-registry.ts";
import { DevicePairing } from "../core/pairing/device-pairing.ts";
import { NodePairing } from "../core/pairing/node-pairing.ts";
import { PartList } from "../core/part-list.ts";
import { PresenceAnnouncer } from "../core/presence/announcer.ts";
import { PresenceRegistry } from "../core/presence/registry.ts";
import { selfPresence } from "../core/presence/self-entry.ts";
import { tickPart } from "../core/tick.ts";
import { WriteBudget } from "../core/write-budget.ts";
import { RawJson } from "../core/raw-json.ts";
import { silentLogger, type LoggingSystem } from "../log/logger.ts";
import { Redactor } from "../log/redact.ts";
import { createGatewayMetrics } from "../metrics/gateway-metrics.ts";
import { openStore } from "../store/database.ts";
import { DeviceStore } from "../store/devices.ts";
import { SqlitePairingStore } from "../store/dm-pairing.ts";
import { IdempotencyRecords } from "../store/idempotency-records.ts";
import { NodeStore } from "../store/nodes.ts";
import { SqliteSessionStore } from "../store/sessions.ts";
import { SqliteCursorStore } from "../store/channel-cursors.ts";
import { SqliteInboxStore } from "../store/channel-inbox.ts";
import { SqliteOutboxStore } from "../store/channel-outbox.ts";
import { VERSION } from "../version.ts";
import { AuthRateLimiter } from "./auth/auth-rate-limit.ts";
import { configReloader } from "./config-reloader.ts";
import { ConnectionPublisher } from "./events/publisher.ts";
import { SilentApprovalCoalescer } from "./events/silent-approvals.ts";
import { createHttpServer } from "./http/http-server.ts";
import { gatewayRoutesFor } from "./http/routes.ts";
import { methodHandlers } from "./methods/registry.ts";
import { RestartController } from "./restart-controller.ts";
import type { Caller } from "./rpc/caller.ts";
import { Dispatcher } from "./rpc/dispatcher.ts";
import { RpcError } from "./rpc/rpc-error.ts";
import type { GatewayServices } from "./services.ts";
import { checkExposure, GatewayStartError } from "./startup-policy.ts";
import type { SocketData } from "./ws/connection.ts";
import { ConnectionRegistry } from "./ws/connection-registry.ts";
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

/** Who the agent's tools are when a run's starter gave no caller of its own: an operator that may read and write. */
const AGENT_CALLER: Caller = {
  connId: "agent",
  remoteAddress: "127.0.0.1",
  isLocal: true,
  session: {
    protocol: 4, role: "operator", scopes: ["operator.read", "operator.write"], client: { id: "gateway-agent", version: "1", platform: process.platform, mode: "backend" },
    deviceId: null, authMethod: "none", caps: [], presenceKey: null, node: null,
  },
};

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
  const now = init.now ?? Date.now;
  const log = (init.logging?.root ?? silentLogger()).withTag("gateway");
  const redactor = init.logging?.redactor ?? new Redactor();
  const policy: Policy = Object.freeze({ ...DEFAULT_POLICY, ...init.policy });
  const bootId = crypto.randomUUID();
  const version = init.options.version ?? VERSION;
  const db = openStore(init.options.paths.stateDir);
  const devices = new DeviceStore(db);
  const nodeStore = new NodeStore(db);
  const sessions = new SqliteSessionStore(db, { now });
  const inbox = new SqliteInboxStore(db);
  const outbox = new SqliteOutboxStore(db);
  const connections = new ConnectionRegistry();
  const metrics = createGatewayMetrics({ connectionsByRole: () => countByRole(connections), knownMethods: Object.keys(methods) });
  let ready = false;

  // Late-bound: the publisher needs the presence and health versions, which need the publisher;
  // the closures below that name later constants only run once everything is built.
  let services!: GatewayServices;
  const publisher = new ConnectionPublisher({
    receivers: connections,
    maxBufferedBytes: policy.maxBufferedBytes,
    stateVersion: () => ({ presence: services.presence.version, health: services.health.version }),
    observe: (event, sent, dropped) => metrics.eventsSent(event, sent, dropped),
  });
  const announcer = new PresenceAnnouncer(() => publisher.publish("presence", { presence: services.presence.list() }));
  const self = selfPresence(version, bootId);
  const presence = new PresenceRegistry({ selfEntry: () => ({ ...self, ts: now() }), now, onChange: () => announcer.announce() });
  const silentApprovals = new SilentApprovalCoalescer((payload) => publisher.publish("device.pair.resolved", payload));
  const restart = new RestartController({
    perform: init.onRestart ?? ((reason) => log.warn(`restart requested (${reason}) but this gateway runs without a restart loop`)),
    now,
    lastRestartAtMs: init.lastRestartAtMs,
  });

  const health = new HealthMonitor({
    stateDir: init.options.paths.stateDir,
    now,
    parts: () => partsRunner.snapshot(),
    channels: () => partsRunner.channels(),
    eventLoop: () => metrics.eventLoopDelay(),
    sessions: () => ({ count: sessions.count(), recent: sessions.list({ limit: 5 }).map((s) => ({ key: s.key, updatedAt: s.updatedAtMs })) }),
    onRefresh: (entry) => publisher.publish("health", new RawJson(entry.json)),
  });

  services = {
    options: init.options,
    auth: { current: init.options.auth },
    applyOptions: (next) => {
      const previous = services.options;
      services.options = next;
      services.auth.current = next.auth;
      redactor.addSecret(next.auth.token);
      redactor.addSecret(next.auth.password);
      partsRunner.optionsChanged(next, previous);
    },
    reloadOptions: (file) => reloadOptions(services.options, file),
    log,
    redactor,
    version,
    hostname: osHostname(),
    bootId,
    startedAtMs: now(),
    now,
    policy,
    events: publisher,
    get parts() {
      return partsRunner;
    },
    metrics,
    call: (method, params, caller: Caller) => dispatcher.call(method, params, caller),
    get agent() {
      return agent;
    },
    sessions,
    presence,
    health,
    connections,
    devices,
    nodeStore,
    nodes: new NodeRegistry(),
    invoker: new NodeInvoker(),
    idempotency: new IdempotencyCache({ records: new IdempotencyRecords(db), now, isCacheableFailure: (error): error is RpcError => error instanceof RpcError }),
    pairing: new DevicePairing({
      store: devices,
      now,
      emit: (...event) => (event[0] === "device.pair.resolved" ? silentApprovals.resolved(event[1]) : publisher.publish(event[0], event[1])),
    }),
    nodePairing: new NodePairing({ store: nodeStore, now, emit: (...event) => publisher.publish(event[0], event[1]) }),
    pairingStore: new SqlitePairingStore(db, { now }),
    get channels() {
      return channels;
    },
    get whatsappLogin() {
      return whatsappLogin;
    },
    inbox,
    outbox,
    authRateLimit: new AuthRateLimiter({ now, settings: () => services.options.config.gateway?.auth?.rateLimit }),
    systemEvents: [],
    logFile: () => {
      const sink = init.logging?.file;
      return sink ? (sink.path ?? sink.pathFor(now())) : null;
    },
    configWrites: new WriteBudget(now),
    get configWatcher() {
      return reloader;
    },
    restart,
    listening: null,
  } satisfies GatewayServices;
  redactor.addSecret(init.options.auth.token);
  redactor.addSecret(init.options.auth.password);

  const agent = new AgentRuntime({
    options: () => services.options,
    events: publisher,
    sessions,
    registry: metrics.registry,
    callAsAgent: (method, params) => dispatcher.call(method, params, AGENT_CALLER),
    tools: async (options) => (await import("../agent/tools/registry.ts")).agentTools(options.config),
    now,
    fetch: init.fetch,
  });
  const reloader = configReloader(services, restart);
  const channels = new ChannelManager({
    options: () => services.options,
    factories: init.channels?.factories ?? channelFactories,
    inbox,
    outbox,
    cursors: new SqliteCursorStore(db),
    pairing: () => services.pairingStore,
    agent,
    registry: metrics.registry,
    now,
    // A channel that links or drops shows in `health` at once, not at the next minute's refresh.
    onStatusChange: () => {
      if (ready) void health.refresh();
    },
    tuning: init.channels?.tuning,
  });
  const whatsappLogin = new WhatsAppLoginService({
    db,
    options: () => services.options,
    restartAccount: (accountId, change) => channels.restartAccount("whatsapp", accountId, change),
    socketFactory: init.channels?.whatsappLoginSocket,
    log: (init.logging?.root ?? silentLogger()).withTag("whatsapp"),
  });
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

function countByRole(connections: ConnectionRegistry): Record<string, number> {
  const counts: Record<string, number> = { operator: 0, node: 0, unauthenticated: 0 };
  for (const connection of connections.all()) {
    const role = connection.session?.role ?? "unauthenticated";
    counts[role] = (counts[role] ?? 0) + 1;
  }
  return counts;
}
