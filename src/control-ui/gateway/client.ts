/**
 * The page's one WebSocket to the gateway (same origin): the signed handshake, requests matched
 * by id with timeouts, events with `seq` gap detection, and reconnects with backoff. Nothing
 * here blocks: every call returns a promise, and the connection state is pushed to listeners.
 */
import type { MethodName, ParamsOf, ResultOf } from "../../../protocol/index.ts";
import { connectOnce, HandshakeRefused, type Credentials } from "./handshake.ts";
import { IdentityUnavailable, type DeviceIdentity } from "./device-identity.ts";
import { GatewayRequestError, RESYNC_EVENT, type ConnectionState, type RequestOptions } from "./types.ts";

export { GatewayRequestError, RESYNC_EVENT, type ConnectionState, type ConnectionStatus, type RequestOptions } from "./types.ts";

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void; timer: ReturnType<typeof setTimeout>; opts: RequestOptions };

const DEFAULT_TIMEOUT_MS = 15_000;
const PAIRING_RETRY_MS = 2_000;

export interface GatewayClientOptions {
  /** e.g. `ws://127.0.0.1:18789/`. */
  url: string;
  identity: () => Promise<DeviceIdentity>;
  credentials: Credentials;
  /** Client version sent in `connect`. */
  version: string;
}

export class GatewayClient {
  state: ConnectionState = { status: "connecting", hello: null, error: null };
  private ws: WebSocket | null = null;
  private pending = new Map<string, Pending>();
  private listeners = new Map<string, Set<(payload: unknown) => void>>();
  private stateListeners = new Set<(state: ConnectionState) => void>();
  private lastSeq = 0;
  private attempt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private tickTimer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;
  private generation = 0;

  constructor(private readonly options: GatewayClientOptions) {}

  start(): void {
    this.stopped = false;
    void this.connect();
  }

  stop(): void {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.ws?.close(1000, "page closed");
  }

  /** Connect again now (after the user pasted a token, or pressed "retry"). */
  reconnect(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.attempt = 0;
    const old = this.ws;
    // Detached first, so its close does not schedule a second attempt.
    this.ws = null;
    old?.close(1000, "reconnecting");
    void this.connect();
  }

  get credentials(): Credentials {
    return this.options.credentials;
  }

  onState(fn: (state: ConnectionState) => void): () => void {
    this.stateListeners.add(fn);
    return () => this.stateListeners.delete(fn);
  }

  /** Subscribes to a gateway event (or `RESYNC_EVENT`); returns the unsubscribe. */
  on(event: string, fn: (payload: any) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(fn);
    return () => set.delete(fn);
  }

  /** Typed form of `request` for methods the protocol knows. */
  call<M extends MethodName>(method: M, params: ParamsOf<M>, opts?: RequestOptions): Promise<ResultOf<M>> {
    return this.request<ResultOf<M>>(method, params, opts);
  }

  /** Sends a request once connected; rejects with `GatewayRequestError` (the gateway's code and message). */
  request<T = unknown>(method: string, params?: unknown, opts: RequestOptions = {}): Promise<T> {
    const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const id = crypto.randomUUID();
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        const entry = this.pending.get(id);
        this.pending.delete(id);
        entry?.reject(new GatewayRequestError("TIMEOUT", `${method} got no answer within ${Math.round(timeoutMs / 1000)} s; check that the gateway is running, then retry`));
      }, timeoutMs);
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer, opts });
      const send = () => {
        if (!this.pending.has(id)) return;
        if (this.state.status === "connected" && this.ws?.readyState === WebSocket.OPEN) {
          this.ws.send(JSON.stringify({ type: "req", id, method, ...(params === undefined ? {} : { params }) }));
        } else {
          const off = this.onState((s) => {
            if (s.status === "connected") {
              off();
              send();
            }
          });
          // A request that times out while waiting must not leave its listener behind.
          const entry = this.pending.get(id);
          if (entry) entry.reject = (e) => (off(), reject(e));
        }
      };
      send();
    });
  }

  private setState(next: Partial<ConnectionState>): void {
    this.state = { ...this.state, ...next };
    for (const fn of [...this.stateListeners]) fn(this.state);
  }

  private emit(event: string, payload: unknown): void {
    for (const fn of [...(this.listeners.get(event) ?? [])]) {
      try {
        fn(payload);
      } catch (error) {
        console.error(`listener for ${event} failed`, error);
      }
    }
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    // Only the latest attempt may take over (a "retry now" can overtake a scheduled one).
    const generation = ++this.generation;
    this.setState({ status: this.state.status === "pairing" ? "pairing" : "connecting" });
    let result;
    try {
      result = await connectOnce({ url: this.options.url, identity: await this.options.identity(), credentials: this.options.credentials, version: this.options.version });
    } catch (error) {
      if (generation === this.generation) this.onConnectFailed(error);
      return;
    }
    const { ws, hello, firstFrames } = result;
    if (this.stopped || generation !== this.generation) return ws.close(1000, "superseded");
    this.ws = ws;
    this.attempt = 0;
    this.lastSeq = 0;
    ws.onmessage = (message) => this.onFrame(String(message.data));
    ws.onclose = (close) => this.onClosed(ws, close);
    this.setState({ status: "connected", hello, error: null, pairingCommand: undefined });
    this.armTickTimer();
    for (const frame of firstFrames) this.onFrame(frame);
    // Whatever happened while we were away is only in a fresh fetch.
    this.emit(RESYNC_EVENT, { reason: "connected" });
  }

  private onConnectFailed(error: unknown): void {
    if (error instanceof HandshakeRefused && error.kind === "pairing") {
      this.setState({ status: "pairing", error: null, pairingCommand: `openclaw devices approve ${error.requestId}` });
      this.schedule(PAIRING_RETRY_MS);
      return;
    }
    if (error instanceof HandshakeRefused && error.kind === "retry") {
      this.schedule(0);
      return;
    }
    if (error instanceof HandshakeRefused && error.kind === "auth") {
      // Retrying the same wrong credentials cannot help; wait for the user.
      this.setState({ status: "auth-needed", hello: null, error: error.message });
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    this.setState({ status: "disconnected", hello: null, error: message });
    // No retry can give the browser a key type it lacks.
    if (!(error instanceof IdentityUnavailable)) this.schedule(this.backoffMs());
  }

  private backoffMs(): number {
    const base = Math.min(15_000, 500 * 1.7 ** this.attempt++);
    return base * (0.8 + Math.random() * 0.4);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.connect();
    }, ms);
  }

  private onFrame(text: string): void {
    let frame: any;
    try {
      frame = JSON.parse(text);
    } catch {
      return;
    }
    this.armTickTimer();
    if (frame?.type === "res") return this.onResponse(frame);
    if (frame?.type !== "event" || typeof frame.event !== "string") return;
    if (typeof frame.seq === "number") {
      // Each connection counts from 1 (protocol.md), so a first event numbered above 1 is a gap too.
      if (frame.seq !== this.lastSeq + 1) this.emit(RESYNC_EVENT, { reason: "gap", expected: this.lastSeq + 1, received: frame.seq });
      this.lastSeq = frame.seq;
    }
    if (frame.event === "shutdown") this.setState({ error: "The gateway is restarting; reconnecting by itself." });
    this.emit(frame.event, frame.payload);
  }

  private onResponse(frame: { id: string; ok: boolean; payload?: any; error?: { code: string; message: string; details?: unknown } }): void {
    const entry = this.pending.get(frame.id);
    if (!entry) return;
    if (frame.ok && entry.opts.expectFinal && frame.payload?.status === "accepted") {
      entry.opts.onAccepted?.(frame.payload);
      return;
    }
    this.pending.delete(frame.id);
    clearTimeout(entry.timer);
    if (frame.ok) entry.resolve(frame.payload);
    else entry.reject(new GatewayRequestError(frame.error?.code ?? "UNAVAILABLE", frame.error?.message ?? "the gateway refused the request", frame.error?.details));
  }

  /** Ticks arrive every `tickIntervalMs`; silence for twice that means a dead link. */
  private armTickTimer(): void {
    if (this.tickTimer) clearTimeout(this.tickTimer);
    const interval = this.state.hello?.policy.tickIntervalMs ?? 30_000;
    const ws = this.ws;
    this.tickTimer = setTimeout(() => ws?.close(4000, "tick timeout"), interval * 2 + 1000);
  }

  private onClosed(ws: WebSocket, close: CloseEvent): void {
    if (ws !== this.ws) return;
    this.ws = null;
    if (this.tickTimer) clearTimeout(this.tickTimer);
    for (const [id, entry] of this.pending) {
      // Requests not yet sent keep waiting for the next connection; sent ones are lost with this socket.
      if (this.state.status !== "connected") continue;
      clearTimeout(entry.timer);
      this.pending.delete(id);
      entry.reject(new GatewayRequestError("DISCONNECTED", "the connection to the gateway was lost before the answer came; retry when it is back"));
    }
    if (this.stopped) return;
    const why = close.reason ? ` (${close.reason})` : "";
    this.setState({ status: "disconnected", error: `Connection to the gateway lost${why}; reconnecting by itself.` });
    this.schedule(close.code === 1012 ? 1500 : this.backoffMs());
  }
}
