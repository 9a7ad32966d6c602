/**
 * Dispatch for authenticated callers: look up the method's record and handler (never through
 * an object, so `__proto__` and friends are just unknown methods), check role and scope,
 * validate params against the protocol schema, run the handler, and build the response.
 * Unexpected errors are logged and masked. The caller may be a WebSocket connection, an HTTP
 * route or an in-process part: the dispatcher only needs a `Replier`.
 */
import { ErrorCodes } from "../../../protocol/errors.ts";
import type { MethodRecord } from "../../../protocol/method-record.ts";
import { methodRecord, methods, type MethodName, type ParamsOf, type ResultOf } from "../../../protocol/index.ts";
import { PLANNED_METHODS } from "../../../protocol/planned-methods.ts";
import { scopeSatisfied } from "../../../protocol/scopes.ts";
import { validateParams } from "../../../protocol/validate.ts";
import type { Logger } from "../../log/logger.ts";
import type { GatewayServices } from "../services.ts";
import type { Caller, Replier, Session } from "./caller.ts";
import { RawJson } from "../../core/raw-json.ts";
import { RpcError } from "./rpc-error.ts";

export interface MethodContext {
  caller: Caller;
  /** Shorthand for `caller.session`. */
  session: Session;
  services: GatewayServices;
  /** Sends an early response on this request (two-stage methods); the handler's return is the final one. */
  ack(payload: unknown): void;
}

type Awaitable<T> = T | Promise<T>;
export type MethodHandler<M extends MethodName> = (params: ParamsOf<M>, ctx: MethodContext) => Awaitable<ResultOf<M> | RawJson<ResultOf<M>>>;
export type MethodHandlers = { [M in MethodName]: MethodHandler<M> };
/** The handlers of one area, e.g. `HandlersOf<typeof nodeMethods>`. */
export type HandlersOf<Records> = { [M in keyof Records & MethodName]: MethodHandler<M> };

/** Told about every answered request (metrics); `code` is null on success. */
export type RpcObserver = (method: string, code: string | null, durationMs: number) => void;

type AnyHandler = (params: unknown, ctx: MethodContext) => unknown;

export interface DispatcherOptions {
  handlers: MethodHandlers;
  services: GatewayServices;
  log: Logger;
  observe?: RpcObserver;
}

export class Dispatcher {
  private readonly handlers: ReadonlyMap<string, AnyHandler>;
  private readonly services: GatewayServices;
  private readonly log: Logger;
  private readonly observe: RpcObserver;
  /** Requests still being worked on, so a stop or restart can let them finish first. */
  private readonly inflight = new Set<Promise<unknown>>();

  constructor(options: DispatcherOptions) {
    this.handlers = new Map(Object.entries(options.handlers) as [string, AnyHandler][]);
    this.services = options.services;
    this.log = options.log;
    this.observe = options.observe ?? (() => {});
  }

  /** Method names for `hello-ok.features.methods`: the implemented ones, in protocol order. */
  get methodNames(): string[] {
    return Object.keys(methods).filter((name) => this.handlers.has(name));
  }

  /** Runs a request and sends its response; synchronous handlers answer without a promise hop. */
  dispatch(id: string, method: string, rawParams: unknown, caller: Caller, replier: Replier): void {
    const started = performance.now();
    let result: unknown;
    try {
      result = this.run(method, rawParams, caller, (payload) => replier.acknowledge?.(id, payload));
    } catch (error) {
      this.fail(id, method, error, replier, started);
      return;
    }
    if (result instanceof Promise) {
      const settled = result.then(
        (payload) => this.succeed(id, method, payload, replier, started),
        (error) => this.fail(id, method, error, replier, started),
      );
      this.inflight.add(settled);
      void settled.finally(() => this.inflight.delete(settled));
    } else {
      this.succeed(id, method, result, replier, started);
    }
  }

  /**
   * In-process call with the same checks as a client's request; resolves with the payload
   * (pre-serialised payloads decoded) or rejects with an RpcError.
   */
  call<M extends MethodName>(method: M, params: ParamsOf<M>, caller: Caller): Promise<ResultOf<M>>;
  call(method: string, params: unknown, caller: Caller): Promise<unknown>;
  call(method: string, params: unknown, caller: Caller): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.dispatch("in-process", method, params, caller, {
        respond: (_id, payload) => resolve(payload instanceof RawJson ? JSON.parse(payload.text) : payload),
        respondError: (_id, error) => reject(RpcError.fromShape(error)),
      });
    });
  }

  /** Waits (at most `timeoutMs`) for the requests in flight to be answered. */
  async drain(timeoutMs: number): Promise<void> {
    if (this.inflight.size === 0) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs)));
    await Promise.race([Promise.allSettled([...this.inflight]), deadline]);
    clearTimeout(timer);
  }

  private succeed(id: string, method: string, payload: unknown, replier: Replier, started: number): void {
    replier.respond(id, payload ?? null);
    this.observe(method, null, performance.now() - started);
  }

  private fail(id: string, method: string, error: unknown, replier: Replier, started: number): void {
    let shape;
    let payload: unknown;
    if (error instanceof RpcError) {
      shape = error.toShape();
      payload = error.payload;
    } else {
      this.log.error(`method ${method} failed:`, error);
      shape = { code: ErrorCodes.UNAVAILABLE, message: "internal error" };
    }
    replier.respondError(id, shape, payload);
    this.observe(method, shape.code, performance.now() - started);
  }

  private run(method: string, rawParams: unknown, caller: Caller, ack: (payload: unknown) => void): unknown {
    if (method === "connect") throw new RpcError(ErrorCodes.INVALID_REQUEST, "connect is only valid as the first request");
    const record = methodRecord(method);
    const handler = record ? this.handlers.get(method) : undefined;
    if (!record || !handler) {
      if (PLANNED_METHODS.has(method)) throw new RpcError(ErrorCodes.UNAVAILABLE, `${method} is not available in this build yet`);
      throw new RpcError(ErrorCodes.INVALID_REQUEST, `unknown method: ${method}`);
    }
    authorize(method, record, caller.session);
    const checked = validateParams(method, rawParams ?? {});
    if (!checked.ok) throw new RpcError(ErrorCodes.INVALID_REQUEST, `invalid ${method} params: ${checked.errors}`);
    return handler(checked.value, { caller, session: caller.session, services: this.services, ack });
  }
}

/** protocol.md §5: the record names the roles that may call and the scope operators need. */
export function authorize(method: string, record: MethodRecord, session: Session): void {
  if (!record.roles.includes(session.role)) throw new RpcError(ErrorCodes.INVALID_REQUEST, `unauthorized role: ${session.role}`);
  const needed = record.scope;
  if (session.role !== "operator" || needed === null || scopeSatisfied(session.scopes, needed)) return;
  const message = `missing scope: ${needed}`;
  // Protocol 4 clients know FORBIDDEN; older ones parse the same message under INVALID_REQUEST.
  if (session.protocol >= 4) {
    throw new RpcError(ErrorCodes.FORBIDDEN, message, { code: "MISSING_SCOPE", missingScope: needed, requiredScopes: [needed] });
  }
  throw new RpcError(ErrorCodes.INVALID_REQUEST, message);
}
