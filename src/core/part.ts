/**
 * A long-lived part of the gateway (the tick, the health refresher, the canvas host, the
 * config watcher; channels, the agent runtime and the UI next). `createGateway` holds them as
 * a list, starts them in order and stops them in reverse, and `health`, `status`, `/readyz`
 * and `hello-ok` read their state from `status()` snapshots.
 */
import type { ChannelHealth } from "../../protocol/methods/system.ts";
import type { Static } from "../../protocol/schema-builder.ts";
import type { Options } from "../config/load.ts";
import type { Logger } from "../log/logger.ts";

export type PartState = "stopped" | "starting" | "running" | "degraded" | "failed" | "disabled";

export interface PartStatus {
  state: PartState;
  /** One line for people: why it failed, why it is off, what it waits for. */
  detail?: string;
  /** Parts that own channels report them here; `health.channels` is their union. */
  channels?: Record<string, Static<typeof ChannelHealth>>;
  /** Part-specific facts (a port, a URL, whether it is watching). */
  info?: Record<string, unknown>;
}

export interface PartContext {
  /** Aborted when the part is stopped; pass it to fetches, sleeps and child processes. */
  signal: AbortSignal;
  /** Tagged with the part's name. */
  log: Logger;
}

export interface Part {
  /** Short and unique: the log tag and the key in `health.parts`. */
  readonly name: string;
  /** A part whose start fails is reported and skipped when optional; otherwise the gateway does not start. */
  readonly optional?: boolean;
  start(ctx: PartContext): void | Promise<void>;
  stop(): void | Promise<void>;
  status(): PartStatus;
  /** New options became the running ones (hot reload, a config write). */
  optionsChanged?(next: Readonly<Options>, previous: Readonly<Options>): void;
}
