/**
 * A node host: connects to a gateway with role `node`, offers `system.run` and `system.which`,
 * answers each `node.invoke.request` with a `node.invoke.result`, and stays connected: when the
 * gateway closes or restarts it reconnects with capped, jittered exponential backoff. One log
 * line per state change, not per retry.
 */
import type { NodeInvokeRequestEvent, NodeInvokeResultParams } from "../../protocol/methods/nodes.ts";
import { ClientError, GatewayClient } from "../client/gateway-client.ts";
import type { DeviceIdentity } from "../client/device-identity.ts";
import type { Env } from "../config/paths.ts";
import type { Logger } from "../log/logger.ts";
import { loadAllowlist } from "./allowlist.ts";
import { NodeCommandError } from "./command-error.ts";
import { DEFAULT_RUN_TIMEOUT_MS, systemRun } from "./system-run.ts";
import { systemWhich } from "./system-which.ts";

export interface NodeHostOptions {
  url: string;
  token?: string;
  password?: string;
  /** This machine's device identity; its device id is the node id. */
  identity: DeviceIdentity;
  /** The `system.run` allowlist file (see allowlist.ts). */
  allowlistPath: string;
  displayName?: string;
  /** The environment commands start from; its PATH is where `system.which`/`system.run` look. */
  env: Env;
  log: Logger;
  /** Per handshake step. Default 10 000 ms. */
  connectTimeoutMs?: number;
  /** First reconnect delay, doubling per failed attempt up to `maxBackoffMs`. Default 250 ms. */
  initialBackoffMs?: number;
  /** Default 10 000 ms. */
  maxBackoffMs?: number;
  onStateChange?: (state: NodeHostState) => void;
}

export type NodeHostState = "connecting" | "connected" | "disconnected" | "stopped";

export interface NodeHost {
  readonly nodeId: string;
  readonly state: NodeHostState;
  /** Settles when the host has stopped: resolves after `stop()`, rejects when the gateway refused us for good. */
  readonly done: Promise<void>;
  /** Disconnects, kills running commands, and resolves once stopped. */
  stop(): Promise<void>;
}

type Handler = (params: unknown, invoke: { timeoutMs?: number; signal: AbortSignal }) => unknown;

/**
 * Starts the host and returns at once (connecting happens in the background). Throws
 * AllowlistError when the allowlist file exists but is unreadable or invalid.
 */
export async function startNodeHost(options: NodeHostOptions): Promise<NodeHost> {
  await loadAllowlist(options.allowlistPath);
  const { url, log } = options;
  const nodeId = options.identity.keys.deviceId;
  const handlers = new Map<string, Handler>([
    ["system.run", (params, invoke) =>
      systemRun(params, { allowlistPath: options.allowlistPath, env: options.env, signal: invoke.signal, defaultTimeoutMs: runTimeout(invoke.timeoutMs) })],
    ["system.which", (params) => systemWhich(params, options.env.PATH)],
  ]);
  const stopping = new AbortController();
  let state: NodeHostState = "connecting";
  let client: GatewayClient | null = null;
  let wakeSleeper = () => {};

  const setState = (next: NodeHostState) => {
    if (next === state) return;
    state = next;
    options.onStateChange?.(next);
  };

  async function invoke(via: GatewayClient, request: NodeInvokeRequestEvent): Promise<void> {
    const started = Date.now();
    let result: NodeInvokeResultParams;
    try {
      const handler = handlers.get(request.command);
      if (!handler) throw new NodeCommandError("UNKNOWN_COMMAND", `unknown command ${request.command} (this node offers ${[...handlers.keys()].join(", ")})`);
      const payload = await handler(parseParams(request), { timeoutMs: request.timeoutMs, signal: stopping.signal });
      result = { id: request.id, nodeId: request.nodeId, ok: true, payloadJSON: JSON.stringify(payload) };
    } catch (error) {
      let failure = error as NodeCommandError;
      if (!(error instanceof NodeCommandError)) {
        log.error(`${request.command} failed:`, error);
        failure = new NodeCommandError("UNAVAILABLE", `${request.command} failed on the node (see the node's log)`);
      }
      result = { id: request.id, nodeId: request.nodeId, ok: false, error: { code: failure.code, message: failure.message } };
    }
    const outcome = result.ok ? "ok" : `${result.error!.code}: ${result.error!.message}`;
    const line = `invoke ${request.command} → ${outcome} (${Date.now() - started} ms)`;
    if (result.ok) log.info(line);
    else log.warn(line);
    if (stopping.signal.aborted) return;
    via.request("node.invoke.result", result).then(
      (res) => res.ok || log.warn(`gateway rejected the result of ${request.command} (${request.id}): ${res.error?.message}`),
      (error) => log.warn(`could not deliver the result of ${request.command} (${request.id}): ${(error as Error).message}`),
    );
  }

  function onEvent(via: GatewayClient, event: string, payload: unknown): void {
    if (event !== "node.invoke.request") return;
    const request = payload as NodeInvokeRequestEvent;
    if (typeof request?.id !== "string" || typeof request.nodeId !== "string" || typeof request.command !== "string") {
      log.warn("ignored a malformed node.invoke.request");
      return;
    }
    void invoke(via, request);
  }

  /** Waits `ms`, or less when the host stops. */
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wakeSleeper = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  const initial = options.initialBackoffMs ?? 250;
  const cap = options.maxBackoffMs ?? 10_000;
  // Half fixed, half random: spread out many nodes reconnecting to a restarted gateway.
  const backoff = (attempt: number) => {
    const ceiling = Math.min(cap, initial * 2 ** Math.min(attempt, 30));
    return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
  };

  async function loop(): Promise<void> {
    let attempt = 0;
    let lastProblem = "";
    log.info(`node ${nodeId} connecting to ${url}`);
    while (!stopping.signal.aborted) {
      let onClosed!: (reason: string) => void;
      const closed = new Promise<string>((resolve) => (onClosed = resolve));
      const next = new GatewayClient({
        url, token: options.token, password: options.password, identity: options.identity, scopes: [], timeoutMs: options.connectTimeoutMs,
        role: "node", instanceId: nodeId, displayName: options.displayName, caps: ["system"], commands: [...handlers.keys()],
        onEvent: (event, payload) => onEvent(next, event, payload),
        onClose: (code, reason) => onClosed(`${code}${reason ? ` ${reason}` : ""}`),
      });
      client = next;
      try {
        await next.connect();
      } catch (error) {
        client = null;
        if (stopping.signal.aborted) break;
        if (error instanceof ClientError && error.code === "INVALID_REQUEST") throw error;
        const problem = (error as Error).message;
        if (problem !== lastProblem) log.warn(`cannot connect to ${url}: ${problem} (retrying)`);
        lastProblem = problem;
        await pause(backoff(attempt++));
        continue;
      }
      if (stopping.signal.aborted) {
        next.close();
        break;
      }
      lastProblem = "";
      setState("connected");
      log.info(`node connected to ${url} as ${nodeId}`);
      const connectedAt = Date.now();
      const reason = await closed;
      client = null;
      if (stopping.signal.aborted) break;
      // Only a connection that held resets the backoff, so a gateway that accepts and drops us
      // at once (or a twin node with our id) is not hammered every 250 ms.
      if (Date.now() - connectedAt >= cap) attempt = 0;
      setState("disconnected");
      log.warn(`node disconnected from ${url} (${reason}); reconnecting`);
      await pause(backoff(attempt++));
    }
  }

  const done = loop().finally(() => {
    stopping.abort();
    setState("stopped");
    log.info("node stopped");
  });
  done.catch(() => {}); // the caller awaits `done`; a refusal is not an unhandled rejection here
  return {
    nodeId,
    get state() {
      return state;
    },
    done,
    async stop() {
      stopping.abort();
      wakeSleeper();
      client?.close();
      await done.catch(() => {});
    },
  };
}

/** A run without its own timeout ends when the gateway stops waiting for it (at most 30 s). */
function runTimeout(invokeTimeoutMs: unknown): number {
  const valid = typeof invokeTimeoutMs === "number" && Number.isInteger(invokeTimeoutMs) && invokeTimeoutMs > 0;
  return valid ? Math.min(DEFAULT_RUN_TIMEOUT_MS, invokeTimeoutMs) : DEFAULT_RUN_TIMEOUT_MS;
}

function parseParams(request: NodeInvokeRequestEvent): unknown {
  if (request.paramsJSON === null || request.paramsJSON === undefined) return undefined;
  try {
    return JSON.parse(request.paramsJSON);
  } catch {
    throw new NodeCommandError("INVALID_PARAMS", `${request.command}: paramsJSON is not valid JSON`);
  }
}
