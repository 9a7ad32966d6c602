/**
 * The load generator, run as its own Bun process by gateway-bench.ts so that building,
 * sending and receiving frames does not share an event loop (or a core) with the server
 * being measured. Input: one JSON argument; output: one JSON line on stdout.
 *
 *   bun bench/load-client.ts '{"mode":"pipeline","url":"ws://127.0.0.1:1234","auth":"device"}'
 *
 * Modes: pipeline (req/s with `window` requests in flight on one socket), sequential (one
 * request at a time, latency percentiles) and handshake (open → challenge → signed connect →
 * hello-ok, repeated on fresh sockets).
 */
import { connectFrame, newDevice, type BenchDevice } from "./connect.ts";
import { encodeText, isResponse as isRawResponse, openRaw, textOf } from "./raw-ws.ts";
import { percentiles } from "./stats.ts";

export interface LoadRequest {
  mode: "pipeline" | "sequential" | "handshake";
  url: string;
  /** device: signed v3 connect; token: shared token only; none: no handshake (echo server). */
  auth: "device" | "token" | "none";
  window?: number;
  warmupMs?: number;
  durationMs?: number;
  warmup?: number;
  count?: number;
  /** raw (default): raw-ws.ts; ws: Bun's WebSocket class. Handshake mode always uses ws. */
  client?: "raw" | "ws";
  /** client.mode; "cli" is not tracked in presence, "ui"/"webchat"-like modes are. */
  clientMode?: string;
}

/** Bun's client WebSocket with a one-message-at-a-time queue; cheap enough for a load loop. */
class Socket {
  private queue: string[] = [];
  private waiter: ((text: string) => void) | null = null;
  onText: ((text: string) => void) | null = null;
  private constructor(readonly ws: WebSocket) {
    ws.onmessage = (event) => {
      const text = event.data as string;
      if (this.onText) return this.onText(text);
      if (this.waiter) {
        const w = this.waiter;
        this.waiter = null;
        w(text);
      } else this.queue.push(text);
    };
  }
  static open(url: string): Promise<Socket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      const socket = new Socket(ws);
      ws.onopen = () => resolve(socket);
      ws.onerror = () => reject(new Error(`cannot open ${url}`));
    });
  }
  next(): Promise<string> {
    const queued = this.queue.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    return new Promise((resolve) => (this.waiter = resolve));
  }
  async nextFrame(type: string): Promise<Record<string, any>> {
    for (;;) {
      const frame = JSON.parse(await this.next()) as Record<string, any>;
      if (frame.type === type) return frame;
    }
  }
  close(): Promise<void> {
    return new Promise((resolve) => {
      this.ws.onclose = () => resolve();
      this.ws.close();
    });
  }
}

/**
 * What the measuring loops need from a connection: send request number i, be told about each
 * response. Two implementations: Bun's WebSocket (what apps use) and raw-ws.ts (cheap enough
 * that the server, not the client, is the bottleneck on a small machine).
 */
interface Transport {
  request(i: number): void;
  /** Sets the per-response callback; `sample` decodes the frame (call it sparingly). */
  onResponse(cb: (sample: () => string) => void): void;
  close(): Promise<void>;
}

const REQUEST = (i: number) => `{"type":"req","id":"${i}","method":"health"}`;

async function wsTransport(request: LoadRequest, device: BenchDevice | null): Promise<Transport> {
  const socket = await Socket.open(request.url);
  if (request.auth !== "none") {
    const challenge = await socket.nextFrame("event");
    socket.ws.send(connectFrame("c1", { nonce: challenge.payload.nonce, device, clientMode: request.clientMode ?? "cli" }));
    const res = await socket.nextFrame("res");
    if (!res.ok) throw new Error(`connect refused: ${JSON.stringify(res.error)}`);
  }
  return {
    request: (i) => socket.ws.send(REQUEST(i)),
    // Counted by prefix, not parsed: parsing would only measure the client.
    onResponse: (cb) => (socket.onText = (text) => text.startsWith('{"type":"res"') && cb(() => text)),
    close: () => socket.close(),
  };
}

async function rawTransport(request: LoadRequest, device: BenchDevice | null): Promise<Transport> {
  const url = new URL(request.url);
  const raw = await openRaw(url.hostname, Number(url.port));
  if (request.auth !== "none") {
    let challenge: Record<string, any>;
    do challenge = JSON.parse(await raw.nextText());
    while (challenge.event !== "connect.challenge");
    raw.send(encodeText(connectFrame("c1", { nonce: challenge.payload.nonce, device, clientMode: request.clientMode ?? "cli" })));
    let res: Record<string, any>;
    do res = JSON.parse(await raw.nextText());
    while (res.type !== "res");
    if (!res.ok) throw new Error(`connect refused: ${JSON.stringify(res.error)}`);
  }
  // Pre-encoded frames, ids cycling through 4096 (unique within any window we use).
  const frames = Array.from({ length: 4096 }, (_, i) => encodeText(REQUEST(i)));
  return {
    request: (i) => raw.send(frames[i & 4095]!),
    onResponse: (cb) => raw.listen((payload) => isRawResponse(payload) && cb(() => textOf(payload))),
    close: async () => raw.close(),
  };
}

const open = (request: LoadRequest, device: BenchDevice | null) =>
  (request.client ?? "raw") === "raw" ? rawTransport(request, device) : wsTransport(request, device);

async function pipeline(request: LoadRequest, device: BenchDevice | null) {
  const t = await open(request, device);
  const window = request.window ?? 100;
  const warmupMs = request.warmupMs ?? 1000;
  const durationMs = request.durationMs ?? 3000;
  let nextId = 0;
  let received = 0;
  let bytes = 0;
  let failed = 0;
  // Every response (ok or not) frees a slot that is refilled at once, so `window` stay in
  // flight; one response in 1024 is decoded to check it is a success of the expected size.
  t.onResponse((sample) => {
    if ((received++ & 1023) === 0) {
      const text = sample();
      bytes = new TextEncoder().encode(text).length;
      if (!text.includes('"ok":true')) failed++;
    }
    t.request(nextId++);
  });
  for (let i = 0; i < window; i++) t.request(nextId++);
  await Bun.sleep(warmupMs);
  const startCount = received;
  const t0 = performance.now();
  await Bun.sleep(durationMs);
  const elapsed = (performance.now() - t0) / 1000;
  const done = received - startCount;
  t.onResponse(() => {});
  await t.close();
  return { requests: done, seconds: elapsed, rps: done / elapsed, failedSampled: failed, responseBytes: bytes };
}

async function sequential(request: LoadRequest, device: BenchDevice | null) {
  const t = await open(request, device);
  const warmup = request.warmup ?? 1000;
  const count = request.count ?? 5000;
  const samples: number[] = [];
  let wake: (() => void) | null = null;
  t.onResponse(() => wake?.());
  for (let i = 0; i < warmup + count; i++) {
    const answered = new Promise<void>((resolve) => (wake = resolve));
    const t0 = Bun.nanoseconds();
    t.request(i);
    await answered;
    if (i >= warmup) samples.push((Bun.nanoseconds() - t0) / 1000);
  }
  await t.close();
  return percentiles(samples);
}

async function handshake(request: LoadRequest, device: BenchDevice | null) {
  const warmup = request.warmup ?? 20;
  const count = request.count ?? 200;
  const total: number[] = [];
  const toChallenge: number[] = [];
  const connectRtt: number[] = [];
  for (let i = 0; i < warmup + count; i++) {
    const t0 = Bun.nanoseconds();
    const socket = await Socket.open(request.url);
    const challenge = await socket.nextFrame("event");
    const t1 = Bun.nanoseconds();
    // Signing is part of the handshake a real client does, so it stays inside the timing.
    socket.ws.send(connectFrame("c1", { nonce: challenge.payload.nonce, device, clientMode: request.clientMode ?? "cli" }));
    const res = await socket.nextFrame("res");
    const t2 = Bun.nanoseconds();
    if (!res.ok) throw new Error(`connect refused: ${JSON.stringify(res.error)}`);
    if (i >= warmup) {
      total.push((t2 - t0) / 1000);
      toChallenge.push((t1 - t0) / 1000);
      connectRtt.push((t2 - t1) / 1000);
    }
    // Closed before the next one so sockets do not pile up and skew later samples.
    await socket.close();
  }
  return { total: percentiles(total), toChallenge: percentiles(toChallenge), connect: percentiles(connectRtt) };
}

if (import.meta.main) {
  const request = JSON.parse(process.argv[2] ?? "{}") as LoadRequest;
  // One device identity for the whole run: a reconnecting client, not a new pairing each time.
  const device = request.auth === "device" ? newDevice() : null;
  const run = { pipeline, sequential, handshake }[request.mode];
  if (!run) throw new Error(`unknown mode ${request.mode}`);
  const result = await run(request, device);
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0);
}
