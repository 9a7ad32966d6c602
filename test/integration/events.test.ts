/**
 * Server-pushed events over real sockets (protocol.md §2, §7): tick with per-connection seq,
 * presence on connect/disconnect/system-event, health broadcasts, the system methods'
 * results, shutdown, and the slow-consumer policy with a hand-rolled raw WebSocket client
 * that stops reading.
 */
import { Condition } from "../helpers/condition.ts";
import { describe, expect, test } from "bun:test";
import type { Socket } from "bun";
import { hostname } from "node:os";
import { startTestGateway, type TestGateway } from "../helpers/gateway.ts";
import { connectClient, connectParams, TestClient, type Frame } from "../helpers/ws-client.ts";

/** Every event frame this client received, in arrival order (including ones already taken). */
function allEvents(client: TestClient): Frame[] {
  return client.raw.map((text) => JSON.parse(text)).filter((f) => f.type === "event");
}

/** The seqs of the broadcast events a client got, in order. */
function seqs(client: TestClient): number[] {
  return allEvents(client)
    .filter((f) => f.seq !== undefined)
    .map((f) => f.seq);
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

/** Waits (bounded) for a condition on the gateway side that no frame announces. */
async function waitUntil(what: string, check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/**
 * A broadcast marker: once a client has it, every earlier broadcast has reached that client.
 * A `tick` with a timestamp no real tick carries stands in for it (tests run with long ticks).
 */
let barrierTs = 1;
async function barrier(gw: TestGateway, ...clients: TestClient[]): Promise<void> {
  const ts = barrierTs++;
  gw.gateway.services.events.publish("tick", { ts });
  for (const client of clients) await client.take((f) => f.event === "tick" && f.payload.ts === ts, "barrier");
}

describe("tick", () => {
  test("ticks carry {ts} and a per-connection seq starting at 1 for each connection", async () => {
    await using gw = await startTestGateway({ policy: { tickIntervalMs: 100 } });
    const a = await connectClient(gw.url, { client: { mode: "cli" } });
    expect(a.hello.policy.tickIntervalMs).toBe(100);
    const t1 = await a.client.nextEvent("tick", 2000);
    const t2 = await a.client.nextEvent("tick", 2000);
    const t3 = await a.client.nextEvent("tick", 2000);
    for (const tick of [t1, t2, t3]) {
      expect(Object.keys(tick).sort()).toEqual(["event", "payload", "seq", "type"]);
      expect(Object.keys(tick.payload)).toEqual(["ts"]);
      expect(Number.isInteger(tick.payload.ts)).toBe(true);
    }
    expect(t2.payload.ts).toBeGreaterThan(t1.payload.ts);
    expect(t3.payload.ts).toBeGreaterThan(t2.payload.ts);
    expect(t2.seq).toBeGreaterThan(t1.seq);
    expect(t3.seq).toBeGreaterThan(t2.seq);

    // A second client connecting later starts its own count at 1.
    const b = await connectClient(gw.url, { client: { mode: "cli" } });
    const bt1 = await b.client.nextEvent("tick", 2000);
    await b.client.nextEvent("tick", 2000);
    await a.client.nextEvent("tick", 2000);
    const bSeqs = seqs(b.client);
    const aSeqs = seqs(a.client);
    expect(bSeqs[0]).toBe(1);
    expect(bSeqs).toEqual(range(bSeqs.length));
    expect(aSeqs).toEqual(range(aSeqs.length));
    expect(aSeqs.length).toBeGreaterThan(bSeqs.length);
    expect(bt1.seq).toBeLessThanOrEqual(bSeqs.length);
    // The challenge (targeted) and responses carry no seq.
    expect(JSON.parse(a.client.raw[0]!).seq).toBeUndefined();
    expect(JSON.parse(a.client.raw[1]!)).toMatchObject({ type: "res", ok: true });
    expect(JSON.parse(a.client.raw[1]!).seq).toBeUndefined();
    a.client.close();
    b.client.close();
  });

  test("no ticks before connect", async () => {
    await using gw = await startTestGateway({ policy: { tickIntervalMs: 50 } });
    const idle = await TestClient.open(gw.url);
    await idle.challenge();
    const { client } = await connectClient(gw.url, { client: { mode: "cli" } });
    await client.nextEvent("tick", 2000);
    await client.nextEvent("tick", 2000);
    await client.nextEvent("tick", 2000);
    // Three ticks later the unauthenticated socket still has nothing but its challenge.
    expect(idle.raw.length).toBe(1);
    idle.close();
    client.close();
  });
});

describe("presence", () => {
  test("a ui client's connect and disconnect are broadcast with stateVersion", async () => {
    await using gw = await startTestGateway();
    const watcher = await connectClient(gw.url, { client: { mode: "cli" } });
    const presenceBefore = gw.gateway.services.presence.version;
    const ui = await connectClient(gw.url, {
      client: { id: "openclaw-macos", mode: "ui", displayName: "Test Mac", instanceId: "UI-Instance-1", platform: "macos", version: "2026.2.20" },
    });
    const joined = await watcher.client.take(
      (f) => f.event === "presence" && f.payload.presence.some((p: Frame) => p.instanceId === "UI-Instance-1"),
      "presence with the ui client",
    );
    expect(Object.keys(joined).sort()).toEqual(["event", "payload", "seq", "stateVersion", "type"]);
    expect(Number.isInteger(joined.seq)).toBe(true);
    expect(joined.stateVersion).toEqual({ presence: gw.gateway.services.presence.version, health: gw.gateway.services.health.version });
    expect(joined.stateVersion.presence).toBeGreaterThan(presenceBefore);
    const entry = joined.payload.presence.find((p: Frame) => p.instanceId === "UI-Instance-1");
    expect(entry).toMatchObject({
      host: "Test Mac",
      mode: "ui",
      reason: "connect",
      roles: ["operator"],
      scopes: ["operator.admin", "operator.approvals", "operator.pairing"],
      platform: "macos",
      version: "2026.2.20",
    });
    expect(Number.isInteger(entry.ts)).toBe(true);
    expect(entry.ip).toBeUndefined(); // loopback clients get no ip
    // The gateway's own entry is always there.
    expect(joined.payload.presence[0]).toMatchObject({ mode: "gateway", reason: "self" });

    const versionAtJoin = joined.stateVersion.presence;
    ui.client.close();
    const left = await watcher.client.take(
      (f) =>
        f.event === "presence" &&
        f.payload.presence.some((p: Frame) => p.instanceId === "UI-Instance-1" && p.reason === "disconnect"),
      "presence with the ui client disconnected",
    );
    expect(left.stateVersion.presence).toBeGreaterThan(versionAtJoin);
    expect(left.seq).toBeGreaterThan(joined.seq);
    const gone = left.payload.presence.find((p: Frame) => p.instanceId === "UI-Instance-1");
    expect(gone).toMatchObject({ mode: "ui", reason: "disconnect" });
    expect(Number.isInteger(gone.ts)).toBe(true);
    watcher.client.close();
  });

  test("a burst of connects is announced in a batch, not one list per connect", async () => {
    await using gw = await startTestGateway();
    const observer = await connectClient(gw.url, { client: { mode: "cli" } });
    const burst = await Promise.all(
      Array.from({ length: 8 }, (_, i) => connectClient(gw.url, { client: { mode: "ui", instanceId: `burst-${i}` } })),
    );
    const last = await observer.client.waitFor("a presence event listing the whole burst", () =>
      allEvents(observer.client).find(
        (f) => f.event === "presence" && Array.from({ length: 8 }, (_, i) => `burst-${i}`).every((id) => f.payload.presence.some((e: Frame) => e.instanceId === id)),
      ),
    );
    expect(last.stateVersion.presence).toBeGreaterThanOrEqual(9);
    expect(allEvents(observer.client).filter((f) => f.event === "presence").length).toBeLessThan(8);
    for (const c of burst) c.client.close();
    observer.client.close();
  });

  test("cli clients are not tracked and cause no presence broadcast", async () => {
    await using gw = await startTestGateway();
    const watcher = await connectClient(gw.url, { client: { mode: "cli" } });
    await barrier(gw, watcher.client);
    const versionBefore = gw.gateway.services.presence.version;
    const cli = await connectClient(gw.url, { client: { id: "cli", mode: "cli", instanceId: "cli-instance-7" } });
    expect(cli.hello.type).toBe("hello-ok");
    cli.client.close();
    await cli.client.closed();
    await waitUntil("the cli socket to be removed", () => gw.gateway.services.connections.size === 1);
    // Anything the cli connect or disconnect broadcast would have arrived before this marker.
    await barrier(gw, watcher.client);
    expect(watcher.client.frames.filter((f) => f.event === "presence")).toEqual([]);
    expect(gw.gateway.services.presence.version).toBe(versionBefore);
    const list = await watcher.client.rpc("system-presence");
    expect(list.payload.some((p: Frame) => p.instanceId === "cli-instance-7")).toBe(false);
    watcher.client.close();
  });

  test("system-presence returns a bare array starting with the gateway self entry", async () => {
    await using gw = await startTestGateway();
    const { client } = await connectClient(gw.url, { client: { mode: "cli" } });
    const res = await client.rpc("system-presence");
    expect(res.ok).toBe(true);
    expect(Array.isArray(res.payload)).toBe(true);
    const self = res.payload[0];
    expect(self).toMatchObject({ mode: "gateway", reason: "self", host: hostname(), version: gw.gateway.services.version, instanceId: gw.gateway.services.bootId });
    expect(self.text.startsWith(`Gateway: ${hostname()}`)).toBe(true);
    expect(self.text).toContain("mode gateway");
    expect(self.text).toContain("reason self");
    expect(Number.isInteger(self.ts)).toBe(true);
    expect(res.payload.filter((p: Frame) => p.mode === "gateway")).toHaveLength(1);
    client.close();
  });

  test("system-event updates presence, broadcasts it, and queues the text for status", async () => {
    await using gw = await startTestGateway();
    const watcher = await connectClient(gw.url, { client: { mode: "cli" } });
    const poster = await connectClient(gw.url, { client: { mode: "cli" } });
    const before = gw.gateway.services.presence.version;
    const text = "Node: studio (10.0.0.9) · app 1.2.3 · last input 4s ago · mode ui · reason periodic";
    const res = await poster.client.rpc("system-event", { text, instanceId: "node-studio", host: "studio", mode: "ui", lastInputSeconds: 4 });
    expect(res).toEqual({ type: "res", id: res.id, ok: true, payload: { ok: true } });
    for (const client of [watcher.client, poster.client]) {
      const event = await client.take((f) => f.event === "presence" && f.payload.presence.some((p: Frame) => p.instanceId === "node-studio"), "presence after system-event");
      expect(event.stateVersion.presence).toBeGreaterThan(before);
      expect(event.stateVersion.health).toBe(gw.gateway.services.health.version);
      const entry = event.payload.presence.find((p: Frame) => p.instanceId === "node-studio");
      expect(entry).toMatchObject({ instanceId: "node-studio", host: "studio", mode: "ui", text, lastInputSeconds: 4 });
      expect(Number.isInteger(entry.ts)).toBe(true);
    }
    const listed = await watcher.client.rpc("system-presence");
    expect(listed.payload.find((p: Frame) => p.instanceId === "node-studio")).toMatchObject({ text });
    const status = await watcher.client.rpc("status");
    expect(status.ok).toBe(true);
    expect(status.payload.queuedSystemEvents).toEqual([text]);

    // A second event for the same instance replaces its entry rather than adding one.
    await poster.client.rpc("system-event", { text: "second", instanceId: "node-studio" });
    const again = await watcher.client.rpc("system-presence");
    expect(again.payload.filter((p: Frame) => p.instanceId === "node-studio")).toHaveLength(1);
    expect(again.payload.find((p: Frame) => p.instanceId === "node-studio").text).toBe("second");
    expect((await watcher.client.rpc("status")).payload.queuedSystemEvents).toEqual([text, "second"]);
    watcher.client.close();
    poster.client.close();
  });
});

/** The PresenceEntry fields of protocol.md §7. */
const PRESENCE_ENTRY_KEYS = new Set([
  "host", "ip", "version", "platform", "deviceFamily", "modelIdentifier", "mode", "lastInputSeconds",
  "reason", "tags", "text", "ts", "deviceId", "roles", "scopes", "instanceId",
]);

describe("presence entries", () => {
  test("system-event puts only PresenceEntry fields into the broadcast entry (unknown params keys are not echoed)", async () => {
    await using gw = await startTestGateway();
    const watcher = await connectClient(gw.url, { client: { mode: "cli" } });
    const poster = await connectClient(gw.url, { client: { mode: "cli" } });
    // Raw JSON so the hostile keys are own properties, exactly as a client would send them.
    poster.client.send(
      '{"type":"req","id":"se1","method":"system-event","params":{"text":"hello","instanceId":"extra-keys",' +
        '"__proto__":{"isAdmin":true},"constructor":{"prototype":{"x":1}},"injected":"' + "z".repeat(1000) + '"}}',
    );
    await poster.client.response("se1");
    const event = await watcher.client.take(
      (f) => f.event === "presence" && f.payload.presence.some((p: Frame) => p.instanceId === "extra-keys"),
      "presence with the extra-keys entry",
    );
    const raw = watcher.client.raw.find((r) => r.includes('"extra-keys"'))!;
    const entry = event.payload.presence.find((p: Frame) => p.instanceId === "extra-keys");
    expect(entry.text).toBe("hello");
    const unknown = Object.keys(entry).filter((key) => !PRESENCE_ENTRY_KEYS.has(key));
    expect(unknown).toEqual([]);
    expect(raw).not.toContain('"__proto__"');
    expect(raw).not.toContain('"injected"');
    watcher.client.close();
    poster.client.close();
  });

  test("connect-time presence entries carry only PresenceEntry fields", async () => {
    await using gw = await startTestGateway();
    const watcher = await connectClient(gw.url, { client: { mode: "cli" } });
    const ui = await connectClient(gw.url, { client: { mode: "ui", instanceId: "keys-ui", deviceFamily: "Mac", modelIdentifier: "Mac14,2" }, extra: { futureField: 1 } });
    const event = await watcher.client.take((f) => f.event === "presence" && f.payload.presence.some((p: Frame) => p.instanceId === "keys-ui"), "ui presence");
    for (const entry of event.payload.presence) {
      expect(Object.keys(entry).filter((key) => !PRESENCE_ENTRY_KEYS.has(key))).toEqual([]);
      expect(Number.isInteger(entry.ts)).toBe(true);
    }
    ui.client.close();
    watcher.client.close();
  });
});

describe("health", () => {
  test("a connect triggers a health refresh, broadcast with an incremented stateVersion.health", async () => {
    let offset = 0;
    await using gw = await startTestGateway({ now: () => Date.now() + offset });
    const watcher = await connectClient(gw.url, { client: { mode: "cli" } });
    await barrier(gw, watcher.client);
    const version = gw.gateway.services.health.version;
    // Move the gateway clock past the 1 s refresh coalescing window.
    offset += 5_000;
    const newcomer = await connectClient(gw.url, { client: { mode: "cli" } });
    const event = await watcher.client.take((f) => f.event === "health" && f.stateVersion?.health === version + 1, "health after connect");
    expect(Object.keys(event).sort()).toEqual(["event", "payload", "seq", "stateVersion", "type"]);
    expect(event.stateVersion).toEqual({ presence: gw.gateway.services.presence.version, health: version + 1 });
    expect(event.payload).toMatchObject({ ok: true, defaultAgentId: "main", channels: {}, channelOrder: [] });
    expect(Number.isInteger(event.payload.ts)).toBe(true);
    expect(event.payload.ts).toBeGreaterThanOrEqual(Date.now() + 4_000);
    // The newcomer gets it too.
    const own = await newcomer.client.take((f) => f.event === "health" && f.stateVersion?.health === version + 1, "health for the newcomer");
    expect(own.payload).toEqual(event.payload);
    watcher.client.close();
    newcomer.client.close();
  });

  test("with healthRefreshMs: 100 health events keep arriving with increasing versions", async () => {
    await using gw = await startTestGateway({ healthRefreshMs: 100 });
    const { client } = await connectClient(gw.url, { client: { mode: "cli" } });
    const first = await client.nextEvent("health", 3000);
    const second = await client.nextEvent("health", 3000);
    const third = await client.nextEvent("health", 3000);
    expect(second.stateVersion.health).toBeGreaterThan(first.stateVersion.health);
    expect(third.stateVersion.health).toBeGreaterThan(second.stateVersion.health);
    expect(second.payload.ts).toBeGreaterThanOrEqual(first.payload.ts);
    expect(third.seq).toBeGreaterThan(second.seq);
    expect(third.payload.ok).toBe(true);
    client.close();
  });

  test("health returns the cache; {probe:true} returns a fresh summary", async () => {
    let offset = 0;
    await using gw = await startTestGateway({ now: () => Date.now() + offset });
    const { client } = await connectClient(gw.url, { client: { mode: "cli" } });
    const cached = await client.rpc("health");
    expect(cached.ok).toBe(true);
    expect(cached.payload).toMatchObject({ ok: true, defaultAgentId: "main" });
    offset += 10_000;
    const stillCached = await client.rpc("health");
    expect(stillCached.payload.ts).toBe(cached.payload.ts);
    const probed = await client.rpc("health", { probe: true });
    expect(probed.ok).toBe(true);
    expect(probed.payload.ts).toBeGreaterThanOrEqual(cached.payload.ts + 10_000);
    expect(probed.payload.ts).toBeLessThanOrEqual(Date.now() + offset);
    // The probe's refresh is announced as well.
    const event = await client.take((f) => f.event === "health" && f.payload.ts === probed.payload.ts, "health after probe");
    expect(event.stateVersion.health).toBe(gw.gateway.services.health.version);
    client.close();
  });

  test("last-heartbeat is null", async () => {
    await using gw = await startTestGateway();
    const { client } = await connectClient(gw.url, { client: { mode: "cli" } });
    const res = await client.rpc("last-heartbeat");
    expect(res).toEqual({ type: "res", id: res.id, ok: true, payload: null });
    expect(client.raw.at(-1)).toBe(`{"type":"res","id":"${res.id}","ok":true,"payload":null}`);
    client.close();
  });
});

describe("shutdown", () => {
  test("stop() announces shutdown {reason, restartExpectedMs:null} and closes 1012 service restart", async () => {
    await using gw = await startTestGateway();
    const a = await connectClient(gw.url, { client: { mode: "cli" } });
    const b = await connectClient(gw.url, { client: { mode: "ui", instanceId: "ui-shutdown" } });
    const pending = await TestClient.open(gw.url); // not yet connected: gets no shutdown event
    await pending.challenge();
    await gw.stop(); // calls gw.gateway.stop()
    for (const client of [a.client, b.client]) {
      const event = await client.nextEvent("shutdown");
      expect(Object.keys(event).sort()).toEqual(["event", "payload", "seq", "type"]);
      expect(event.payload).toEqual({ reason: "gateway stopping", restartExpectedMs: null });
      const raw = client.raw.find((r) => r.includes('"event":"shutdown"'))!;
      expect(raw).toContain('"restartExpectedMs":null');
      expect(await client.closed()).toEqual({ code: 1012, reason: "service restart" });
      // shutdown is the last frame before the close.
      expect(JSON.parse(client.raw.at(-1)!).event).toBe("shutdown");
    }
    const closed = await pending.closed();
    expect(closed.code).toBe(1012);
    expect(pending.raw.length).toBe(1);
  });
});

// ---------------------------------------------------------------------------------------------
// Slow consumer: a raw TCP WebSocket client that can stop reading.
// ---------------------------------------------------------------------------------------------

/** Encodes one masked client→server frame (RFC 6455 §5.2). */
function encodeClientFrame(opcode: number, payload: Uint8Array): Uint8Array {
  const length = payload.length;
  const header: number[] = [0x80 | opcode];
  if (length < 126) header.push(0x80 | length);
  else if (length < 65536) header.push(0x80 | 126, length >> 8, length & 0xff);
  else header.push(0x80 | 127, 0, 0, 0, 0, (length >>> 24) & 0xff, (length >>> 16) & 0xff, (length >>> 8) & 0xff, length & 0xff);
  const mask = crypto.getRandomValues(new Uint8Array(4));
  const frame = new Uint8Array(header.length + 4 + length);
  frame.set(header, 0);
  frame.set(mask, header.length);
  for (let i = 0; i < length; i++) frame[header.length + 4 + i] = payload[i]! ^ mask[i & 3]!;
  return frame;
}

interface RawFrame {
  opcode: number;
  payload: Buffer;
}

class RawWebSocket {
  readonly frames: RawFrame[] = [];
  statusLine = "";
  tcpClosed = false;
  private buffer = Buffer.alloc(0);
  private upgraded = false;
  private readonly arrivals = new Condition();
  private socket!: Socket<undefined>;

  static async open(port: number): Promise<RawWebSocket> {
    const raw = new RawWebSocket();
    raw.socket = await Bun.connect({
      hostname: "127.0.0.1",
      port,
      socket: {
        data: (_socket, data) => raw.onData(data),
        close: () => {
          raw.tcpClosed = true;
          raw.wake();
        },
        error: () => {
          raw.tcpClosed = true;
          raw.wake();
        },
      },
    });
    const key = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
    raw.socket.write(
      `GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    );
    await raw.waitFor("the upgrade response", () => (raw.upgraded ? true : undefined));
    return raw;
  }

  private onData(data: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, data]);
    if (!this.upgraded) {
      const end = this.buffer.indexOf("\r\n\r\n");
      if (end < 0) return;
      this.statusLine = this.buffer.subarray(0, end).toString().split("\r\n")[0]!;
      this.buffer = this.buffer.subarray(end + 4);
      this.upgraded = true;
    }
    // Decode unmasked server frames.
    for (;;) {
      if (this.buffer.length < 2) break;
      const opcode = this.buffer[0]! & 0x0f;
      let length = this.buffer[1]! & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (this.buffer.length < 4) break;
        length = this.buffer.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (this.buffer.length < 10) break;
        length = Number(this.buffer.readBigUInt64BE(2));
        offset = 10;
      }
      if (this.buffer.length < offset + length) break;
      this.frames.push({ opcode, payload: Buffer.from(this.buffer.subarray(offset, offset + length)) });
      this.buffer = this.buffer.subarray(offset + length);
    }
    this.wake();
  }

  wake(): void {
    this.arrivals.wake();
  }

  waitFor<T>(what: string, check: () => T | undefined, timeoutMs = 5000): Promise<T> {
    return this.arrivals.waitFor(`raw client: ${what}`, check, timeoutMs);
  }

  /** Text frames parsed as JSON. */
  json(): Frame[] {
    return this.frames.filter((f) => f.opcode === 1).map((f) => JSON.parse(f.payload.toString("utf8")));
  }

  sendJson(value: unknown): void {
    this.socket.write(encodeClientFrame(0x1, Buffer.from(JSON.stringify(value))));
  }

  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    this.socket.resume();
  }

  end(): void {
    this.socket.end();
  }
}

describe("slow consumer", () => {
  test("a client that stops reading skips droppable events and is closed 1008 on the next must-deliver broadcast", async () => {
    const maxBufferedBytes = 64 * 1024;
    await using gw = await startTestGateway({ policy: { maxBufferedBytes } });
    const registry = gw.gateway.connections;
    const events = gw.gateway.services.events;

    // Raw client: upgrade + challenge + connect by hand.
    const slow = await RawWebSocket.open(gw.port);
    expect(slow.statusLine).toBe("HTTP/1.1 101 Switching Protocols");
    const challenge = await slow.waitFor("challenge", () => slow.json().find((f) => f.event === "connect.challenge"));
    slow.sendJson({ type: "req", id: "c1", method: "connect", params: connectParams(challenge.payload.nonce, { client: { mode: "cli" } }) });
    const hello = await slow.waitFor("hello-ok", () => slow.json().find((f) => f.type === "res" && f.id === "c1"));
    expect(hello.ok).toBe(true);
    expect(hello.payload.policy.maxBufferedBytes).toBe(maxBufferedBytes);
    const slowConnection = [...registry.all()].find((c) => c.connId === hello.payload.server.connId)!;
    expect(slowConnection).toBeDefined();

    // A normal client alongside.
    const normal = await connectClient(gw.url, { client: { mode: "cli" } });
    expect(registry.size).toBe(2);

    // Stop reading, then fill the pipe with droppable broadcasts until the gateway sees the backlog.
    slow.pause();
    // Droppable events (ticks) carry the filler; the payload's shape is not what is under test.
    const filler = { ts: 0, data: "f".repeat(1024 * 1024) };
    let fills = 0;
    while (slowConnection.bufferedAmount() <= maxBufferedBytes) {
      events.publish("tick", filler);
      if (++fills > 500) throw new Error("the paused socket never built up a backlog");
    }
    expect(slowConnection.closed).toBe(false);
    const backlog = slowConnection.bufferedAmount();
    expect(backlog).toBeGreaterThan(maxBufferedBytes);
    // The normal client reads everything, so its own buffer drains and it stays a fast consumer.
    for (let i = 0; i < fills; i++) await normal.client.take((f) => f.event === "tick" && f.payload.data !== undefined, "filler tick");

    // Flood presence (dropIfSlow) from the normal client: the slow one is skipped, not closed.
    const floods = 12;
    for (let i = 0; i < floods; i++) {
      const res = await normal.client.rpc("system-event", { text: `${i}:${"p".repeat(4000)}`, instanceId: `flood-${i}` });
      expect(res.ok).toBe(true);
    }
    // Presence changes are batched: the normal client gets an event that includes the last one.
    await normal.client.waitFor("the batched presence event", () =>
      allEvents(normal.client).find((f) => f.event === "presence" && f.payload.presence.some((e: Frame) => e.instanceId === `flood-${floods - 1}`)),
    );
    expect(slowConnection.closed).toBe(false);
    expect(registry.size).toBe(2);
    expect(slowConnection.bufferedAmount()).toBeLessThanOrEqual(backlog);

    // A broadcast that may not be dropped: the slow socket is closed, the normal one gets it.
    // `shutdown` is one that must reach everyone (or close them); the text is only padding.
    const big = { reason: "b".repeat(256 * 1024), restartExpectedMs: null };
    let sent = 0;
    while (!slowConnection.closed) {
      events.publish("shutdown", big);
      if (++sent > 100) throw new Error("the slow consumer was never closed");
    }
    await waitUntil("the slow connection to leave the registry", () => registry.size === 1);
    expect([...registry.all()].includes(slowConnection)).toBe(false);
    for (let i = 0; i < sent; i++) {
      const event = await normal.client.nextEvent("shutdown");
      expect(event.payload.reason.length).toBe(256 * 1024);
    }

    // The normal client keeps working and keeps receiving events.
    expect((await normal.client.rpc("health")).ok).toBe(true);
    events.publish("tick", { ts: 424242 });
    expect((await normal.client.take((f) => f.event === "tick" && f.payload.ts === 424242, "tick after")).payload).toEqual({ ts: 424242 });
    const status = await normal.client.rpc("status");
    expect(status.payload.gateway.connections).toBe(1);

    // Once the slow client reads again it finds the close frame: 1008 "slow consumer".
    slow.resume();
    const closeFrame = await slow.waitFor("close frame", () => slow.frames.find((f) => f.opcode === 0x8), 10_000);
    expect(closeFrame.payload.readUInt16BE(0)).toBe(1008);
    expect(closeFrame.payload.subarray(2).toString("utf8")).toBe("slow consumer");
    // It never got the must-deliver event nor any of the skipped presence broadcasts.
    const got = slow.json();
    expect(got.some((f) => f.event === "test.event")).toBe(false);
    expect(got.some((f) => f.event === "presence")).toBe(false);
    expect(got.filter((f) => f.event === "test.fill").length).toBeLessThanOrEqual(fills);
    slow.end();
    normal.client.close();
  });
});
