/**
 * A frame-level WebSocket test client: it records every frame and close, and waits on them
 * with timeouts instead of sleeping.
 */
import { buildDeviceAuthPayload } from "../../protocol/device-auth.ts";
import { base64UrlEncode, generateDeviceKeyPair, signEd25519, type DeviceKeyPair } from "../../src/crypto/ed25519.ts";
import { Condition } from "./condition.ts";
import { TEST_TOKEN } from "./gateway.ts";

export type Frame = Record<string, any>;

export interface Closed {
  code: number;
  reason: string;
}

export class TestClient {
  readonly frames: Frame[] = [];
  readonly raw: string[] = [];
  private readonly arrivals = new Condition();
  private closeInfo: Closed | null = null;
  private nextId = 1;

  private constructor(readonly ws: WebSocket) {
    ws.addEventListener("message", (event) => {
      const text = typeof event.data === "string" ? event.data : new TextDecoder().decode(event.data as ArrayBuffer);
      this.raw.push(text);
      this.frames.push(JSON.parse(text));
      this.wake();
    });
    ws.addEventListener("close", (event) => {
      this.closeInfo = { code: event.code, reason: event.reason };
      this.wake();
    });
  }

  static open(url: string, headers: Record<string, string> = {}): Promise<TestClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { headers } as any);
      const client = new TestClient(ws);
      ws.addEventListener("open", () => resolve(client), { once: true });
      ws.addEventListener("error", () => reject(new Error(`cannot open ${url}`)), { once: true });
    });
  }

  private wake(): void {
    this.arrivals.wake();
  }

  /** Waits until `check` returns a value (re-checked on every frame or close). */
  waitFor<T>(what: string, check: () => T | undefined, timeoutMs = 5000): Promise<T> {
    return this.arrivals.waitFor(what, check, timeoutMs, () => `; frames so far: ${this.raw.slice(-5).join(" | ")}`);
  }

  /** The first frame matching `predicate` not yet taken; it is removed from the queue. */
  async take(predicate: (frame: Frame) => boolean, what = "a frame", timeoutMs?: number): Promise<Frame> {
    return this.waitFor(
      what,
      () => {
        const index = this.frames.findIndex(predicate);
        return index >= 0 ? this.frames.splice(index, 1)[0] : undefined;
      },
      timeoutMs,
    );
  }

  challenge(): Promise<Frame> {
    return this.take((f) => f.type === "event" && f.event === "connect.challenge", "connect.challenge");
  }

  nextEvent(event: string, timeoutMs?: number): Promise<Frame> {
    return this.take((f) => f.type === "event" && f.event === event, `event ${event}`, timeoutMs);
  }

  response(id: string, timeoutMs?: number): Promise<Frame> {
    return this.take((f) => f.type === "res" && f.id === id, `response ${id}`, timeoutMs);
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === "string" ? frame : JSON.stringify(frame));
  }

  request(method: string, params?: unknown): string {
    const id = `t${this.nextId++}`;
    this.send({ type: "req", id, method, ...(params !== undefined ? { params } : {}) });
    return id;
  }

  async rpc(method: string, params?: unknown, timeoutMs?: number): Promise<Frame> {
    return this.response(this.request(method, params), timeoutMs);
  }

  closed(timeoutMs?: number): Promise<Closed> {
    return this.waitFor("close", () => this.closeInfo ?? undefined, timeoutMs);
  }

  get isClosed(): boolean {
    return this.closeInfo !== null;
  }

  close(): void {
    this.ws.close();
  }
}

export interface ConnectOptions {
  token?: string | null;
  password?: string;
  role?: string;
  scopes?: string[];
  client?: Partial<Record<string, string>>;
  minProtocol?: number;
  maxProtocol?: number;
  /**
   * Sign with this key pair (v3 payload over the challenge nonce). By default a fresh key pair
   * signs, as every real client does; `null` connects without a device identity (token only).
   */
  device?: DeviceKeyPair | null;
  extra?: Record<string, unknown>;
}

export function connectParams(nonce: string, options: ConnectOptions = {}): Record<string, unknown> {
  const client = { id: "test", version: "1.0.0", platform: "linux", mode: "test", ...options.client };
  const role = options.role ?? "operator";
  const scopes = options.scopes ?? ["operator.admin", "operator.approvals", "operator.pairing"];
  const token = options.token === undefined ? TEST_TOKEN : options.token;
  const auth = { ...(token !== null ? { token } : {}), ...(options.password ? { password: options.password } : {}) };
  const params: Record<string, unknown> = {
    minProtocol: options.minProtocol ?? 3,
    maxProtocol: options.maxProtocol ?? 4,
    client,
    role,
    scopes,
    auth,
    ...options.extra,
  };
  const device = options.device === undefined ? generateDeviceKeyPair() : options.device;
  if (device) params.device = signDevice(device, params, nonce);
  return params;
}

export function signDevice(keys: DeviceKeyPair, params: Record<string, any>, nonce: string | undefined, signedAt = Date.now()) {
  const payload = buildDeviceAuthPayload(nonce ? "v3" : "v1", {
    deviceId: keys.deviceId,
    clientId: params.client.id,
    clientMode: params.client.mode,
    role: params.role,
    scopes: params.scopes ?? [],
    signedAtMs: signedAt,
    token: params.auth?.token ?? "",
    nonce,
    platform: params.client.platform,
    deviceFamily: params.client.deviceFamily,
  });
  return {
    id: keys.deviceId,
    publicKey: base64UrlEncode(keys.publicKeyRaw),
    signature: signEd25519(keys.privateKeyPem, payload),
    signedAt,
    ...(nonce ? { nonce } : {}),
  };
}

export { generateDeviceKeyPair };

/** Opens a socket, answers the challenge with `connect`, and returns the client and hello-ok. */
export async function connectClient(url: string, options: ConnectOptions = {}, headers: Record<string, string> = {}) {
  const client = await TestClient.open(url, headers);
  const challenge = await client.challenge();
  const res = await client.rpc("connect", connectParams(challenge.payload.nonce, options));
  return { client, res, hello: res.payload };
}
