/**
 * The publisher decides who gets an event from its protocol record: everyone, the holders of a
 * scope, one connection, or a topic's subscribers; slow receivers skip droppable events and
 * are closed for others. Receivers here are plain objects implementing `EventReceiver`.
 */
import { expect, test } from "bun:test";
import type { StateVersion } from "../../protocol/frames.ts";
import type { Session } from "../../src/gateway/rpc/caller.ts";
import { ConnectionPublisher, type EventReceiver } from "../../src/gateway/events/publisher.ts";
import { RawJson } from "../../src/core/raw-json.ts";

interface Received {
  event: string;
  payload: unknown;
  seq: boolean;
  stateVersion?: StateVersion;
}

class Receiver implements EventReceiver {
  readonly got: Received[] = [];
  closed = false;
  closedWith: string | null = null;
  buffered = 0;
  constructor(
    readonly connId: string,
    readonly session: Session | null,
  ) {}
  bufferedAmount() {
    return this.buffered;
  }
  sendEvent(event: string, payload: unknown) {
    this.got.push({ event, payload, seq: false });
  }
  sendBroadcast(event: string, payloadJson: string, stateVersion?: StateVersion) {
    this.got.push({ event, payload: JSON.parse(payloadJson), seq: true, ...(stateVersion ? { stateVersion } : {}) });
  }
  close(_code: number, reason?: string) {
    this.closed = true;
    this.closedWith = reason ?? "";
  }
}

function session(role: "operator" | "node", scopes: string[]): Session {
  return { protocol: 4, role, scopes, client: { id: "t", version: "1", platform: "t", mode: "t" }, deviceId: null, authMethod: "token", caps: [], presenceKey: null, node: null };
}

function setup() {
  const reader = new Receiver("reader", session("operator", ["operator.read"]));
  const admin = new Receiver("admin", session("operator", ["operator.admin"]));
  const pairer = new Receiver("pairer", session("operator", ["operator.pairing"]));
  const node = new Receiver("node", session("node", []));
  const pending = new Receiver("pending", null);
  const all = [reader, admin, pairer, node, pending];
  const counts: Record<string, [number, number]> = {};
  const publisher = new ConnectionPublisher({
    receivers: { authenticated: () => all.filter((r) => r.session && !r.closed), get: (id) => all.find((r) => r.connId === id) },
    maxBufferedBytes: 1000,
    stateVersion: () => ({ presence: 7, health: 9 }),
    observe: (event, sent, dropped) => {
      const [s, d] = counts[event] ?? [0, 0];
      counts[event] = [s + sent, d + dropped];
    },
  });
  return { publisher, reader, admin, pairer, node, pending, counts };
}

test("`all` events reach every authenticated connection, with seq, and stateVersion where the record asks", () => {
  const h = setup();
  h.publisher.publish("tick", { ts: 1 });
  h.publisher.publish("presence", new RawJson('{"presence":[]}'));
  for (const r of [h.reader, h.admin, h.pairer, h.node]) {
    expect(r.got).toEqual([
      { event: "tick", payload: { ts: 1 }, seq: true },
      { event: "presence", payload: { presence: [] }, seq: true, stateVersion: { presence: 7, health: 9 } },
    ]);
  }
  expect(h.pending.got).toEqual([]);
  expect(h.counts).toEqual({ tick: [4, 0], presence: [4, 0] });
});

test("scoped events reach only operators holding the scope (admin implies it); never nodes", () => {
  const h = setup();
  h.publisher.publish("device.pair.resolved", { requestId: "r", deviceId: "d", decision: "approved", ts: 1 });
  expect([h.reader, h.admin, h.pairer, h.node].map((r) => r.got.length)).toEqual([0, 1, 1, 0]);
});

test("connection events go to one connection without seq; a gone or unauthenticated one gets nothing", () => {
  const h = setup();
  const request = { id: "i", nodeId: "node", command: "x", paramsJSON: null };
  expect(h.publisher.sendTo("node", "node.invoke.request", request)).toBe(true);
  expect(h.node.got).toEqual([{ event: "node.invoke.request", payload: request, seq: false }]);
  expect(h.publisher.sendTo("pending", "node.invoke.request", request)).toBe(false);
  expect(h.publisher.sendTo("nobody", "node.invoke.request", request)).toBe(false);
  expect(h.reader.got).toEqual([]);
});

test("a slow receiver skips droppable events and is closed for the others", () => {
  const h = setup();
  h.reader.buffered = 5000;
  h.publisher.publish("tick", { ts: 2 });
  expect(h.reader.got).toEqual([]);
  expect(h.reader.closed).toBe(false);
  expect(h.counts.tick).toEqual([3, 1]);
  h.publisher.publish("shutdown", { reason: "bye", restartExpectedMs: null });
  expect(h.reader.closed).toBe(true);
  expect(h.reader.closedWith).toBe("slow consumer");
  expect(h.admin.got.at(-1)).toEqual({ event: "shutdown", payload: { reason: "bye", restartExpectedMs: null }, seq: true });
});

test("topics: subscribers only, and a closed connection leaves every topic", () => {
  const h = setup();
  const event = (seq: number) => ({ runId: "1", seq, stream: "assistant" as const, ts: 1, data: {} });
  h.publisher.subscribe("run:1", "reader");
  h.publisher.subscribe("run:1", "admin");
  h.publisher.subscribe("session:s", "reader");
  h.publisher.subscribe("run:2", "reader");
  // Subscribed to both topics, the reader still gets the event once.
  h.publisher.publishToTopic(["run:1", "session:s"], "agent", event(1));
  expect([h.reader.got.length, h.admin.got.length, h.pairer.got.length]).toEqual([1, 1, 0]);
  h.publisher.unsubscribe("run:1", "admin");
  h.publisher.connectionClosed("reader");
  h.publisher.publishToTopic("run:1", "agent", event(2));
  h.publisher.publishToTopic("run:2", "agent", event(3));
  expect([h.reader.got.length, h.admin.got.length]).toEqual([1, 1]);
});

test("topic events can require a cap (tool events go to clients that declared tool-events)", () => {
  const h = setup();
  h.admin.session!.caps.push("tool-events");
  h.publisher.subscribe("run:1", "reader");
  h.publisher.subscribe("run:1", "admin");
  h.publisher.publishToTopic("run:1", "agent", { runId: "1", seq: 1, stream: "tool", ts: 1, data: { phase: "start" } }, { requireCap: "tool-events" });
  expect([h.reader.got.length, h.admin.got.length]).toEqual([0, 1]);
});
