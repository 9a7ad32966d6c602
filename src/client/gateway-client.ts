/**
 * A WebSocket client of the gateway protocol, used by the CLI (role operator) and the node host
 * (role node): waits for the challenge, signs it with this machine's device key, connects, sends
 * requests and collects responses. It never starts a gateway; when none answers it says so in
 * one line. One instance is one connection; reconnecting is the caller's job (see node-host).
 */
import { buildDeviceAuthPayload } from "../../protocol/device-auth.ts";
import { LATEST_PROTOCOL } from "../../protocol/index.ts";
import { base64UrlEncode, signEd25519 } from "../crypto/ed25519.ts";
import { VERSION } from "../version.ts";
import type { DeviceIdentity } from "./device-identity.ts";

export class ClientError extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
    this.name = "ClientError";
  }
}

export interface ClientOptions {
  url: string;
  token?: string;
  password?: string;
  identity: DeviceIdentity | null;
  scopes: string[];
  /** Per step (open, challenge, connect, each call). Default 10 000 ms. */
  timeoutMs?: number;
  /** `operator` (default) or `node`. A node sends no scopes, whatever `scopes` says. */
  role?: "operator" | "node";
  /** Default `cli` for operators, `node-host` for nodes. */
  clientId?: string;
  /** Default `cli` for operators, `node` for nodes. */
  clientMode?: string;
  /** Shown in presence and `node.list`. */
  displayName?: string;
  /** Stable id of this client instance (presence dedupe key); default a fresh random id per connect. */
  instanceId?: string;
  /** Declared capabilities, e.g. `tool-events` (operator) or `system` (node). Default none. */
  caps?: string[];
  /** Commands a node offers, e.g. `system.run`. Default none. */
  commands?: string[];
  /** Receives events while connected. */
  onEvent?: (event: string, payload: unknown) => void;
  /** Called once when the socket of a completed handshake closes (by either side). */
  onClose?: (code: number, reason: string) => void;
}

export interface RequestOptions {
  /**
   * How long to wait for the (final) response. Default: the client's `timeoutMs`. `Infinity`
   * waits until the response arrives or the connection closes (an agent run with no deadline).
   */
  timeoutMs?: number;
  /** Receives the `accepted` ack of a two-stage method (`agent`) that precedes its final response. */
  onAccepted?: (payload: any) => void;
}

type Pending = { resolve: (frame: any) => void; reject: (error: Error) => void; onAccepted?: (payload: any) => void };

export class GatewayClient {
  private ws: WebSocket | null = null;
  private readonly pending = new Map<string, Pending>();
  private nextId = 1;
  hello: any = null;

  constructor(private readonly options: ClientOptions) {}

  get url(): string {
    return this.options.url;
  }

  private get timeoutMs(): number {
    return this.options.timeoutMs ?? 10_000;
  }

  /**
   * Connects and completes the handshake. A gateway that is still starting answers with a
   * retryable UNAVAILABLE; that is retried after its `retryAfterMs` within the timeout.
   */
  async connect(): Promise<any> {
    const deadline = Date.now() + this.timeoutMs;
    for (;;) {
      const hello = await this.attempt();
      if (hello.ok) return this.accept(hello.payload);
      this.close();
      const error = hello.error ?? {};
      const wait = Math.min(2000, Math.max(100, error.retryAfterMs ?? 500));
      if (error.code !== "UNAVAILABLE" || error.retryable !== true || Date.now() + wait >= deadline) {
        throw new ClientError(`gateway refused the connection: ${error.message ?? "unknown error"}`, error.code);
      }
      await Bun.sleep(wait);
    }
  }

  private async attempt(): Promise<any> {
    const { url } = this.options;
    const ws = new WebSocket(url);
    this.ws = ws;
    const challenge = new Promise<any>((resolve, reject) => {
      ws.addEventListener("message", (event) => this.onMessage(String(event.data), resolve));
      ws.addEventListener("error", () => reject(new ClientError(`gateway not reachable at ${url} (is it running? start it with: openclaw gateway)`, "UNREACHABLE")));
      ws.addEventListener("close", (event) => {
        const reason = event.reason ? `: ${event.reason}` : "";
        const error = new ClientError(`gateway closed the connection (${event.code}${reason})`, "CLOSED");
        reject(error);
        for (const waiter of this.pending.values()) waiter.reject(error);
        this.pending.clear();
        if (this.ws === ws && this.hello) this.options.onClose?.(event.code, event.reason);
      });
    });
    const nonceFrame = await withTimeout(challenge, this.timeoutMs, `no connect.challenge from ${url}`);
    return this.request("connect", await this.connectParams(nonceFrame.payload));
  }

  private async accept(hello: any): Promise<any> {
    this.hello = hello;
    const issued = hello?.auth;
    if (this.options.identity && issued?.deviceToken) {
      await this.options.identity.saveToken({ token: issued.deviceToken, role: issued.role, scopes: issued.scopes ?? [], updatedAtMs: Date.now() });
    }
    return hello;
  }

  private async connectParams(challenge: { nonce: string; ts: number }) {
    const { identity, token, password, displayName, commands } = this.options;
    const role = this.options.role ?? "operator";
    const isNode = role === "node";
    const scopes = isNode ? [] : this.options.scopes;
    const client = {
      id: this.options.clientId ?? (isNode ? "node-host" : "cli"), ...(displayName ? { displayName } : {}), version: VERSION,
      platform: process.platform, mode: this.options.clientMode ?? (isNode ? "node" : "cli"), instanceId: this.options.instanceId ?? crypto.randomUUID(),
    };
    const authToken = token ?? (await identity?.storedToken(role))?.token;
    const params: Record<string, unknown> = {
      minProtocol: 3, maxProtocol: LATEST_PROTOCOL, client, caps: this.options.caps ?? [], ...(commands ? { commands } : {}), role, scopes,
      auth: { ...(authToken ? { token: authToken } : {}), ...(password ? { password } : {}) },
    };
    if (identity) {
      // The challenge's own timestamp keeps a skewed client clock from failing the freshness check.
      const signedAt = Number.isInteger(challenge.ts) ? challenge.ts : Date.now();
      const payload = buildDeviceAuthPayload("v3", {
        deviceId: identity.keys.deviceId, clientId: client.id, clientMode: client.mode, role, scopes,
        signedAtMs: signedAt, token: authToken ?? "", nonce: challenge.nonce, platform: client.platform,
      });
      params.device = {
        id: identity.keys.deviceId, publicKey: base64UrlEncode(identity.keys.publicKeyRaw),
        signature: signEd25519(identity.keys.privateKeyPem, payload), signedAt, nonce: challenge.nonce,
      };
    }
    return params;
  }

  private onMessage(text: string, onChallenge: (frame: any) => void): void {
    let frame: any;
    try {
      frame = JSON.parse(text);
    } catch {
      return;
    }
    if (frame?.type === "event") {
      if (frame.event === "connect.challenge") onChallenge(frame);
      else this.options.onEvent?.(frame.event, frame.payload);
    } else if (frame?.type === "res") {
      const waiter = this.pending.get(frame.id);
      if (!waiter) return;
      // `agent` answers twice; the first ("accepted") is an ack, the caller waits for the final one.
      if (frame.ok && frame.payload?.status === "accepted") {
        waiter.onAccepted?.(frame.payload);
        return;
      }
      this.pending.delete(frame.id);
      waiter.resolve(frame);
    }
  }

  /**
   * Sends a request and resolves with the whole (final) response frame; rejects at once when not
   * connected, and when the connection closes or the wait times out before the response.
   */
  request(method: string, params: unknown, options: RequestOptions = {}): Promise<any> {
    if (this.ws?.readyState !== WebSocket.OPEN) return Promise.reject(new ClientError(`not connected to ${this.options.url}`, "CLOSED"));
    const id = String(this.nextId++);
    const response = new Promise<any>((resolve, reject) => this.pending.set(id, { resolve, reject, onAccepted: options.onAccepted }));
    this.ws!.send(JSON.stringify({ type: "req", id, method, params }));
    const ms = options.timeoutMs ?? this.timeoutMs;
    const waited = Number.isFinite(ms) ? withTimeout(response, ms, `timed out after ${ms} ms waiting for ${method}`) : response;
    return waited.finally(() => this.pending.delete(id));
  }

  /** Calls a method and returns its payload, or throws with the gateway's error message. */
  async call(method: string, params: unknown = {}): Promise<unknown> {
    const res = await this.request(method, params);
    if (!res.ok) throw new ClientError(`${method} failed: ${res.error?.message ?? "unknown error"}`, res.error?.code);
    return res.payload;
  }

  close(): void {
    this.ws?.close(1000);
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout>;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ClientError(message, "TIMEOUT")), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
