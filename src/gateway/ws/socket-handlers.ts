/**
 * Bun WebSocket handlers: the challenge on open, the handshake for the first frame, dispatch
 * for the rest, and clean-up on close. Nothing a client sends may throw out of here.
 */
import type { WebSocketHandler } from "bun";
import { CloseCodes, ErrorCodes } from "../../../protocol/errors.ts";
import type { RequestFrame } from "../../../protocol/frames.ts";
import { MAX_PREAUTH_FRAME_BYTES } from "../../../protocol/index.ts";
import { validate } from "../../../protocol/validate.ts";
import type { Refusal } from "../auth/refusal.ts";
import type { ConnectionPublisher } from "../events/publisher.ts";
import type { Dispatcher } from "../rpc/dispatcher.ts";
import type { GatewayServices } from "../services.ts";
import { Connection, type SocketData } from "./connection.ts";
import type { ConnectionRegistry } from "./connection-registry.ts";
import { sessionClosed, sessionOpened } from "../session-lifecycle.ts";
import { performHandshake, sendRefusal } from "./handshake.ts";
import { buildHelloOk } from "./hello.ts";

const decoder = new TextDecoder("utf-8", { fatal: false });

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/** A short, bounded label for the metrics: the detail code when there is one. */
function refusalReason(refusal: Refusal): string {
  const details = refusal.details as { authReason?: unknown; code?: unknown } | undefined;
  const reason = details?.authReason ?? details?.code ?? refusal.code;
  return typeof reason === "string" ? reason.toLowerCase() : "refused";
}

function frameId(value: unknown): string {
  const id = (value as { id?: unknown } | null)?.id;
  return typeof id === "string" && id.length > 0 && id.length <= 256 ? id : "invalid";
}

export interface SocketHandlerOptions {
  services: GatewayServices;
  dispatcher: Dispatcher;
  connections: ConnectionRegistry;
  publisher: ConnectionPublisher;
  /** A socket that has not completed `connect` by then is closed. */
  handshakeTimeoutMs: number;
}

export function createSocketHandlers({ services, dispatcher, connections, publisher, handshakeTimeoutMs }: SocketHandlerOptions): WebSocketHandler<SocketData> {
  const { log } = services;

  function handshake(connection: Connection, text: string): void {
    if (Buffer.byteLength(text) > MAX_PREAUTH_FRAME_BYTES) {
      connection.close(CloseCodes.MESSAGE_TOO_BIG, "payload too large");
      return;
    }
    const parsed = parseJson(text);
    if (!parsed.ok) {
      connection.close(CloseCodes.NORMAL);
      return;
    }
    const frame = validate<RequestFrame>("RequestFrame", parsed.value);
    if (!frame.ok) {
      connection.close(CloseCodes.POLICY_VIOLATION, "invalid request frame");
      return;
    }
    const { id, method, params } = frame.value;
    if (method !== "connect") {
      const message = "invalid handshake: first request must be connect";
      connection.respondError(id, { code: ErrorCodes.INVALID_REQUEST, message });
      connection.close(CloseCodes.POLICY_VIOLATION, message);
      return;
    }
    try {
      const verdict = performHandshake(params, connection, services);
      if (!verdict.ok) {
        log.debug(`connect refused for ${connection.connId}: ${verdict.refusal.message}`);
        services.metrics.handshakeFailed(refusalReason(verdict.refusal));
        sendRefusal(connection, id, verdict.refusal);
        return;
      }
      const { session, deviceToken } = verdict;
      connection.clearHandshakeTimer();
      connection.authenticate(session);
      if (deviceToken) services.redactor.addSecret(deviceToken.token);
      connection.respond(id, buildHelloOk(session, connection.connId, deviceToken, dispatcher.methodNames, services));
      log.debug(`connected ${connection.connId} ${session.client.id}/${session.client.mode} role=${session.role} via ${session.authMethod}`);
      sessionOpened(connection, session, services);
    } catch (error) {
      log.error("connect failed unexpectedly:", error);
      connection.respondError(id, { code: ErrorCodes.UNAVAILABLE, message: "internal error" });
      connection.close(1011, "internal error");
    }
  }

  function request(connection: Connection, text: string): void {
    const parsed = parseJson(text);
    if (!parsed.ok) {
      connection.respondError("invalid", { code: ErrorCodes.INVALID_REQUEST, message: "invalid request frame: not valid JSON" });
      return;
    }
    const frame = validate<RequestFrame>("RequestFrame", parsed.value);
    if (!frame.ok) {
      connection.respondError(frameId(parsed.value), { code: ErrorCodes.INVALID_REQUEST, message: `invalid request frame: ${frame.errors}` });
      return;
    }
    const { id, method, params } = frame.value;
    dispatcher.dispatch(id, method, params, connection.caller!, connection);
  }

  return {
    maxPayloadLength: services.policy.maxPayload,
    // Our own slow-consumer check (see ConnectionRegistry) acts first; this is Bun's hard stop.
    backpressureLimit: services.policy.maxBufferedBytes + services.policy.maxPayload,
    closeOnBackpressureLimit: true,
    sendPings: true,
    open(ws) {
      const connection = new Connection(ws);
      ws.data.connection = connection;
      connections.add(connection);
      connection.sendEvent("connect.challenge", { nonce: connection.nonce, ts: services.now() });
      connection.handshakeTimer = setTimeout(() => {
        services.metrics.handshakeFailed("timeout");
        connection.close(CloseCodes.NORMAL);
      }, handshakeTimeoutMs);
    },
    message(ws, message) {
      const connection = ws.data.connection;
      if (!connection || connection.closed) return;
      const text = typeof message === "string" ? message : decoder.decode(message);
      try {
        if (connection.session) request(connection, text);
        else handshake(connection, text);
      } catch (error) {
        log.error("frame handling failed:", error);
      }
    },
    close(ws) {
      const connection = ws.data.connection;
      if (!connection) return;
      connection.closed = true;
      connection.clearHandshakeTimer();
      connections.delete(connection);
      publisher.connectionClosed(connection.connId);
      sessionClosed(connection, services);
    },
  };
}
