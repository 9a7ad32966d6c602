/**
 * What the gateway's parts share: resolved options, the live auth settings, the registries and
 * the store. Built once by `create-gateway.ts` and handed to handlers, the handshake and HTTP.
 */
import type { Policy } from "../../protocol/handshake.ts";
import type { Options, ResolvedAuth } from "../config/load.ts";
import type { HealthMonitor } from "../core/health.ts";
import type { PresenceRegistry } from "../core/presence.ts";
import type { Logger } from "../log/logger.ts";
import type { Redactor } from "../log/redact.ts";
import type { ConfigWatcher } from "../config/watch-config.ts";
import type { IdempotencyCache } from "../core/idempotency.ts";
import type { WriteBudget } from "../core/write-budget.ts";
import type { NodeInvoker } from "../core/node-invoker.ts";
import type { NodeRegistry } from "../core/node-registry.ts";
import type { DeviceStore } from "../store/devices.ts";
import type { NodeStore } from "../store/nodes.ts";
import type { DevicePairing } from "./auth/device-pairing.ts";
import type { PresenceAnnouncer } from "./presence-announcer.ts";
import type { RestartController } from "./restart-controller.ts";
import type { ConnectionRegistry } from "./ws/connection-registry.ts";

export interface GatewayServices {
  /** Replaced by hot reload; read it at the time of use, do not keep a copy. */
  options: Readonly<Options>;
  /** Read on every connect, so a rotated token applies to new connections at once. */
  readonly auth: { current: ResolvedAuth };
  readonly log: Logger;
  readonly redactor: Redactor;
  readonly version: string;
  readonly hostname: string;
  /** Random id of this process run. */
  readonly bootId: string;
  readonly startedAtMs: number;
  readonly now: () => number;
  readonly policy: Readonly<Policy>;
  readonly handshakeTimeoutMs: number;
  readonly presence: PresenceRegistry;
  /** Batches `presence` events; call after every presence change. */
  readonly presenceAnnouncer: PresenceAnnouncer;
  readonly health: HealthMonitor;
  readonly connections: ConnectionRegistry;
  readonly devices: DeviceStore;
  readonly nodeStore: NodeStore;
  readonly nodes: NodeRegistry;
  readonly invoker: NodeInvoker;
  readonly idempotency: IdempotencyCache;
  readonly pairing: DevicePairing;
  /** System events posted with `system-event`, newest last, bounded. */
  readonly systemEvents: string[];
  /** The file the gateway's JSON-lines log goes to now, or null without file logging. */
  readonly logFile: () => string | null;
  /** Per-client budget of config writes. */
  readonly configWrites: WriteBudget;
  /** The hot-reload watcher, when `gateway.reload.mode` is not `off`. */
  configWatcher: ConfigWatcher | null;
  /** Schedules in-process restarts (config writes, reloads, SIGUSR1). */
  readonly restart: RestartController;
  /** Set once the server listens. */
  listening: { port: number; host: string } | null;
}
