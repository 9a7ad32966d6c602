/**
 * What method handlers, the handshake and HTTP routes share: resolved options and the live
 * auth settings, the event publisher, the parts, the domain services and the store. Built once
 * by `create-gateway.ts`. Nothing here is a socket: handlers reach connections only through
 * the event publisher and the small `ConnectionDirectory` below.
 */
import type { Policy } from "../../protocol/handshake.ts";
import type { AgentRuntime } from "../agent/runtime.ts";
import type { SessionStore } from "../agent/sessions/types.ts";
import type { ChannelManager } from "../channels/manager.ts";
import type { WhatsAppLoginService } from "../channels/whatsapp/login-service.ts";
import type { InboxStore, OutboxStore, PairingStore } from "../channels/store-types.ts";
import type { ConfigFile } from "../config/read-config.ts";
import type { Options, ResolvedAuth } from "../config/load.ts";
import type { EventPublisher } from "../core/event-publisher.ts";
import type { HealthMonitor } from "../core/health.ts";
import type { IdempotencyCache } from "../core/idempotency.ts";
import type { NodeInvoker } from "../core/node-invoker.ts";
import type { NodeRegistry } from "../core/node-registry.ts";
import type { DevicePairing } from "../core/pairing/device-pairing.ts";
import type { NodePairing } from "../core/pairing/node-pairing.ts";
import type { PartList } from "../core/part-list.ts";
import type { PresenceRegistry } from "../core/presence/registry.ts";
import type { WriteBudget } from "../core/write-budget.ts";
import type { Logger } from "../log/logger.ts";
import type { Redactor } from "../log/redact.ts";
import type { GatewayMetrics } from "../metrics/gateway-metrics.ts";
import type { BootstrapCodeStore } from "../store/bootstrap-codes.ts";
import type { DeviceStore } from "../store/devices.ts";
import type { NodeStore } from "../store/nodes.ts";
import type { AuthRateLimiter } from "./auth/auth-rate-limit.ts";
import type { RestartController } from "./restart-controller.ts";
import type { Caller, Session } from "./rpc/caller.ts";

/** The open sessions, for handlers that must close the ones a revoked grant covered. */
export interface ConnectionDirectory {
  readonly size: number;
  authenticated(): Iterable<{ readonly session: Session | null; close(code: number, reason?: string): void }>;
}

export interface GatewayServices {
  /** Replaced by `applyOptions`; read it at the time of use, do not keep a copy. */
  options: Readonly<Options>;
  /** Read on every connect, so a rotated token applies to new connections at once. */
  readonly auth: { current: ResolvedAuth };
  /** Makes new options the running ones: auth, redaction and every part see them at once. */
  readonly applyOptions: (next: Readonly<Options>) => void;
  /** Options for a new version of the config file, keeping paths, environment and `--port`. */
  readonly reloadOptions: (file: ConfigFile) => Readonly<Options>;
  readonly log: Logger;
  readonly redactor: Redactor;
  readonly version: string;
  readonly hostname: string;
  /** Random id of this process run. */
  readonly bootId: string;
  readonly startedAtMs: number;
  readonly now: () => number;
  readonly policy: Readonly<Policy>;
  /** Every event goes out through here, to the audience its protocol record names. */
  readonly events: EventPublisher;
  /** The long-lived parts and their status snapshots. */
  readonly parts: PartList;
  readonly metrics: GatewayMetrics;
  /** In-process method calls, with the same scope checks and validation as a client's. */
  readonly call: (method: string, params: unknown, caller: Caller) => Promise<unknown>;
  /** Agent runs: start, abort, wait (the runtime part). */
  readonly agent: AgentRuntime;
  /** Agent sessions and their transcripts. */
  readonly sessions: SessionStore;
  readonly presence: PresenceRegistry;
  readonly health: HealthMonitor;
  readonly connections: ConnectionDirectory;
  readonly devices: DeviceStore;
  readonly nodeStore: NodeStore;
  readonly nodes: NodeRegistry;
  readonly invoker: NodeInvoker;
  readonly idempotency: IdempotencyCache;
  readonly pairing: DevicePairing;
  /** Dashboard codes already used (`openclaw dashboard`), so each signs in one browser once. */
  readonly bootstrapCodes: BootstrapCodeStore;
  readonly nodePairing: NodePairing;
  /** DM pairing: the codes unknown senders were given, and the senders approved per channel account. */
  readonly pairingStore: PairingStore;
  /** The channel accounts (the `channels` part): status, `send` targets, the outbox worker. */
  readonly channels: ChannelManager;
  /** Linking WhatsApp accounts (`web.login.*`): one login state machine per account. */
  readonly whatsappLogin: WhatsAppLoginService;
  /** Inbound channel messages, stored before the platform is told they arrived. */
  readonly inbox: InboxStore;
  /** Outbound channel messages, each sent once (replies and `send`). */
  readonly outbox: OutboxStore;
  /** Failed-auth lockout per client address, shared by WebSocket connects and HTTP bearer auth. */
  readonly authRateLimit: AuthRateLimiter;
  /** System events posted with `system-event`, newest last, bounded. */
  readonly systemEvents: string[];
  /** The file the gateway's JSON-lines log goes to now, or null without file logging. */
  readonly logFile: () => string | null;
  /** Per-client budget of config writes. */
  readonly configWrites: WriteBudget;
  /** The hot-reload part; the gateway's own config writes tell it what they wrote. */
  readonly configWatcher: { markSeen(text: string): void };
  /** Schedules in-process restarts (config writes, reloads, SIGUSR1). */
  readonly restart: RestartController;
  /** Set once the server listens. */
  listening: { port: number; host: string } | null;
}
