/**
 * Builds the `GatewayServices` object and the long-lived things behind it (stores, publisher,
 * presence, pairing, agent runtime, channel manager, login service). Kept apart from
 * `create-gateway.ts` so the composition root reads as wiring: parts, dispatcher, sockets,
 * HTTP, listen and stop. Nothing here listens on a port or starts a part.
 */
import { hostname as osHostname } from "node:os";
import type { Policy } from "../../protocol/handshake.ts";
import { DEFAULT_POLICY, methods } from "../../protocol/index.ts";
import { AgentRuntime } from "../agent/runtime.ts";
import { ChannelManager } from "../channels/manager.ts";
import { channelFactories } from "../channels/registry.ts";
import { WhatsAppLoginService } from "../channels/whatsapp/login-service.ts";
import { reloadOptions } from "../config/load.ts";
import { HealthMonitor } from "../core/health.ts";
import { IdempotencyCache } from "../core/idempotency.ts";
import { NodeInvoker } from "../core/node-invoker.ts";
import { NodeRegistry } from "../core/node-registry.ts";
import { DevicePairing } from "../core/pairing/device-pairing.ts";
import { NodePairing } from "../core/pairing/node-pairing.ts";
import type { PartList } from "../core/part-list.ts";
import { PresenceAnnouncer } from "../core/presence/announcer.ts";
import { PresenceRegistry } from "../core/presence/registry.ts";
import { selfPresence } from "../core/presence/self-entry.ts";
import { WriteBudget } from "../core/write-budget.ts";
import { RawJson } from "../core/raw-json.ts";
import { silentLogger } from "../log/logger.ts";
import { Redactor } from "../log/redact.ts";
import { createGatewayMetrics } from "../metrics/gateway-metrics.ts";
import { BootstrapCodeStore } from "../store/bootstrap-codes.ts";
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
import type { CreateGatewayOptions } from "./create-gateway.ts";
import { ConnectionPublisher } from "./events/publisher.ts";
import { SilentApprovalCoalescer } from "./events/silent-approvals.ts";
import { RestartController } from "./restart-controller.ts";
import type { Caller } from "./rpc/caller.ts";
import type { Dispatcher } from "./rpc/dispatcher.ts";
import { RpcError } from "./rpc/rpc-error.ts";
import type { GatewayServices } from "./services.ts";
import { ConnectionRegistry } from "./ws/connection-registry.ts";

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

/**
 * What the services need from the composition root but cannot have yet: the part list and the
 * dispatcher are built from the services. Each is read only when called, after
 * `createGateway` has built everything, so these stay closures rather than values.
 */
export interface LateBindings {
  parts: () => PartList;
  dispatcher: () => Dispatcher;
  /** Whether the gateway has finished listening (channel status changes refresh health only then). */
  ready: () => boolean;
}

/** Returns the services plus the pieces `createGateway` needs to build parts and to stop in order. */
export function buildServices(init: CreateGatewayOptions, late: LateBindings) {
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
    parts: () => late.parts().snapshot(),
    channels: () => late.parts().channels(),
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
      late.parts().optionsChanged(next, previous);
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
      return late.parts();
    },
    metrics,
    call: (method, params, caller: Caller) => late.dispatcher().call(method, params, caller),
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
    bootstrapCodes: new BootstrapCodeStore(db, now),
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
    callAsAgent: (method, params) => late.dispatcher().call(method, params, AGENT_CALLER),
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
      if (late.ready()) void health.refresh();
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

  return { services, db, log, now, policy, connections, metrics, publisher, announcer, silentApprovals, restart, health, agent, reloader, channels, whatsappLogin };
}

function countByRole(connections: ConnectionRegistry): Record<string, number> {
  const counts: Record<string, number> = { operator: 0, node: 0, unauthenticated: 0 };
  for (const connection of connections.all()) {
    const role = connection.session?.role ?? "unauthenticated";
    counts[role] = (counts[role] ?? 0) + 1;
  }
  return counts;
}
