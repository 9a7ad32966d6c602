/**
 * The method registry and dispatch for authenticated connections: look up the handler (never
 * through an object, so `__proto__` and friends are just unknown methods), check role and
 * scope, validate params against the protocol schema, run the handler, and build the
 * response. Unexpected errors are logged and masked.
 */
import { ErrorCodes } from "../../../protocol/errors.ts";
import { methods as methodContracts, type MethodName } from "../../../protocol/index.ts";
import { NODE_ONLY_METHODS, UNSCOPED_METHODS, requiredScope, scopeSatisfied } from "../../../protocol/scopes.ts";
import { validate } from "../../../protocol/validate.ts";
import type { Logger } from "../../log/logger.ts";
import type { GatewayServices } from "../services.ts";
import type { Connection, Session } from "../ws/connection.ts";
import { RpcError } from "./rpc-error.ts";

export interface MethodContext {
  connection: Connection;
  session: Session;
  services: GatewayServices;
}

export type MethodHandler<P = any> = (params: P, ctx: MethodContext) => unknown;
export type MethodHandlers = { [M in MethodName]: MethodHandler };

export class Dispatcher {
  private readonly handlers: ReadonlyMap<string, MethodHandler>;
  /** Requests still being worked on, so a stop or restart can let them finish first. */
  private readonly inflight = new Set<Promise<unknown>>();

  constructor(handlers: MethodHandlers, private readonly log: Logger) {
    this.handlers = new Map(Object.entries(handlers));
  }

  /** Method names for `hello-ok.features.methods`: exactly the implemented ones. */
  get methodNames(): string[] {
    return [...this.handlers.keys()];
  }

  /** Runs a request and sends its response; synchronous handlers answer without a promise hop. */
  dispatch(id: string, method: string, rawParams: unknown, ctx: MethodContext): void {
    let result: unknown;
    try {
      result = this.run(method, rawParams, ctx);
    } catch (error) {
      this.fail(id, method, error, ctx);
      return;
    }
    if (result instanceof Promise) {
      const settled = result.then(
        (payload) => ctx.connection.respond(id, payload ?? null),
        (error) => this.fail(id, method, error, ctx),
      );
      this.inflight.add(settled);
      void settled.finally(() => this.inflight.delete(settled));
    } else {
      ctx.connection.respond(id, result ?? null);
    }
  }

  /** Waits (at most `timeoutMs`) for the requests in flight to be answered. */
  async drain(timeoutMs: number): Promise<void> {
    if (this.inflight.size === 0) return;
    await Promise.race([Promise.allSettled([...this.inflight]), Bun.sleep(timeoutMs)]);
  }

  private fail(id: string, method: string, error: unknown, ctx: MethodContext): void {
    if (error instanceof RpcError) {
      ctx.connection.respondError(id, error.toShape());
      return;
    }
    this.log.error(`method ${method} failed:`, error);
    ctx.connection.respondError(id, { code: ErrorCodes.UNAVAILABLE, message: "internal error" });
  }

  private run(method: string, rawParams: unknown, ctx: MethodContext): unknown {
    if (method === "connect") throw new RpcError(ErrorCodes.INVALID_REQUEST, "connect is only valid as the first request");
    const handler = this.handlers.get(method);
    if (!handler) throw new RpcError(ErrorCodes.INVALID_REQUEST, `unknown method: ${method}`);
    authorize(method, ctx.session);
    const contract = methodContracts[method as MethodName];
    const checked = validate(contract.params, rawParams ?? {});
    if (!checked.ok) throw new RpcError(ErrorCodes.INVALID_REQUEST, `invalid ${method} params: ${checked.errors}`);
    return handler(checked.value, ctx);
  }
}

/** protocol.md §5: health for all, node-only methods for nodes, scopes for operators. */
export function authorize(method: string, session: Session): void {
  if (UNSCOPED_METHODS.has(method)) return;
  if (NODE_ONLY_METHODS.has(method)) {
    if (session.role !== "node") throw new RpcError(ErrorCodes.INVALID_REQUEST, `unauthorized role: ${session.role}`);
    return;
  }
  if (session.role === "node") throw new RpcError(ErrorCodes.INVALID_REQUEST, "unauthorized role: node");
  const needed = requiredScope(method);
  if (scopeSatisfied(session.scopes, needed)) return;
  const message = `missing scope: ${needed}`;
  // Protocol 4 clients know FORBIDDEN; older ones parse the same message under INVALID_REQUEST.
  if (session.protocol >= 4) {
    throw new RpcError(ErrorCodes.FORBIDDEN, message, { code: "MISSING_SCOPE", missingScope: needed, requiredScopes: [needed] });
  }
  throw new RpcError(ErrorCodes.INVALID_REQUEST, message);
}
