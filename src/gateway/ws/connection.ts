/**
 * One WebSocket client: its handshake state, its authenticated session, and the only code
 * that writes frames to its socket (so the per-connection event `seq` stays consistent).
 */
import type { ServerWebSocket } from "bun";
import { CLOSE_REASON_MAX_BYTES } from "../../../protocol/errors.ts";
import type { ErrorShape, StateVersion } from "../../../protocol/frames.ts";
import type { Caller, Replier, Session } from "../rpc/caller.ts";
import { RawJson } from "../../core/raw-json.ts";

/** What the HTTP upgrade learned about the peer, attached to the Bun socket. */
export interface SocketData {
  connId: string;
  remoteAddress: string;
  /** Loopback peer, loopback Host, and no forwarding headers. */
  isLocal: boolean;
  /** The upgrade carried an Origin header, i.e. came from a browser page. */
  fromBrowser: boolean;
  connection?: Connection;
}

export type { AuthMethod, NodeDeclaration, Session } from "../rpc/caller.ts";

const encoder = new TextEncoder();

/** Close reasons are limited to 123 bytes by the WebSocket spec; the reference cuts at 120. */
export function truncateReason(reason: string): string {
  if (encoder.encode(reason).length <= CLOSE_REASON_MAX_BYTES) return reason;
  let cut = reason.slice(0, CLOSE_REASON_MAX_BYTES);
  while (encoder.encode(cut).length > CLOSE_REASON_MAX_BYTES) cut = cut.slice(0, -1);
  return cut;
}

export class Connection implements Replier {
  readonly connId: string;
  readonly nonce = crypto.randomUUID();
  session: Session | null = null;
  /** Set with the session: who this connection is when it calls a method. */
  caller: Caller | null = null;
  closed = false;
  handshakeTimer: ReturnType<typeof setTimeout> | null = null;
  private seq = 0;

  constructor(readonly ws: ServerWebSocket<SocketData>) {
    this.connId = ws.data.connId;
  }

  /** The handshake succeeded: from now on frames are requests of this session. */
  authenticate(session: Session): Caller {
    this.session = session;
    this.caller = { session, connId: this.connId, remoteAddress: this.remoteAddress, isLocal: this.isLocal };
    return this.caller;
  }

  get remoteAddress(): string {
    return this.ws.data.remoteAddress;
  }

  get isLocal(): boolean {
    return this.ws.data.isLocal;
  }

  get fromBrowser(): boolean {
    return this.ws.data.fromBrowser;
  }

  bufferedAmount(): number {
    return this.ws.getBufferedAmount();
  }

  sendRaw(text: string): void {
    if (!this.closed) this.ws.send(text);
  }

  respond(id: string, payload: unknown): void {
    if (payload instanceof RawJson) this.sendRaw(`{"type":"res","id":${JSON.stringify(id)},"ok":true,"payload":${payload.text}}`);
    else this.sendRaw(JSON.stringify({ type: "res", id, ok: true, payload }));
  }

  acknowledge(id: string, payload: unknown): void {
    this.respond(id, payload);
  }

  respondError(id: string, error: ErrorShape, payload?: unknown): void {
    this.sendRaw(JSON.stringify({ type: "res", id, ok: false, ...(payload !== undefined ? { payload } : {}), error }));
  }

  /** A targeted event: no `seq` (only broadcasts are counted). */
  sendEvent(event: string, payload: unknown): void {
    this.sendRaw(JSON.stringify({ type: "event", event, payload }));
  }

  /**
   * A broadcast event whose payload was serialised once for all receivers; this connection
   * adds its own next `seq`.
   */
  sendBroadcast(event: string, payloadJson: string, stateVersion?: StateVersion): void {
    this.seq += 1;
    const sv = stateVersion ? `,"stateVersion":${JSON.stringify(stateVersion)}` : "";
    this.sendRaw(`{"type":"event","event":${JSON.stringify(event)},"payload":${payloadJson},"seq":${this.seq}${sv}}`);
  }

  close(code: number, reason = ""): void {
    if (this.closed) return;
    this.closed = true;
    this.clearHandshakeTimer();
    this.ws.close(code, truncateReason(reason));
  }

  clearHandshakeTimer(): void {
    if (this.handshakeTimer) clearTimeout(this.handshakeTimer);
    this.handshakeTimer = null;
  }
}
