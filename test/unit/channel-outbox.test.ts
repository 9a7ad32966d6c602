/**
 * The outbox worker over the real sqlite outbox (temp dir) and a scripted adapter: sends once,
 * in order per chat, retries transient failures with backoff and `retry_after`, stops at
 * refusals and after its attempts, drops what is too old, waits for an account that is coming
 * back, picks up items left by an earlier process, and holds no timer when idle.
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import type { Database } from "bun:sqlite";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eventually } from "../helpers/condition.ts";
import { createChannelMetrics } from "../../src/channels/channel-metrics.ts";
import { OutboxWorker, type OutboxWorkerOptions, type SenderLookup } from "../../src/channels/outbox-worker.ts";
import { ChannelSendError, type ChannelAdapter, type OutboundMessage, type SendResult } from "../../src/channels/types.ts";
import { silentLogger } from "../../src/log/logger.ts";
import { MetricsRegistry } from "../../src/metrics/registry.ts";
import { openStore } from "../../src/store/database.ts";
import { SqliteOutboxStore } from "../../src/store/channel-outbox.ts";

let dir: string;
let db: Database;
let store: SqliteOutboxStore;
let registry: MetricsRegistry;
const workers: OutboxWorker[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "openclaw-outbox-"));
  db = openStore(dir);
  store = new SqliteOutboxStore(db);
  registry = new MetricsRegistry();
});

afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.stop()));
  db.close();
  await rm(dir, { recursive: true, force: true });
});

type Step = SendResult | Error | ((message: OutboundMessage) => SendResult | Error);

/** An adapter whose n-th send does what the n-th step says (then succeeds). */
function scripted(steps: Step[] = []) {
  const sent: { message: OutboundMessage; at: number }[] = [];
  let n = 0;
  let nextId = 100;
  const adapter: ChannelAdapter = {
    channel: "test",
    accountId: "a",
    textLimit: 4000,
    run: async () => {},
    send: async (message) => {
      const step = steps[n++];
      const outcome = typeof step === "function" ? step(message) : step;
      if (outcome instanceof Error) throw outcome;
      sent.push({ message, at: Date.now() });
      return outcome ?? { messageId: String(nextId++), chatId: message.to };
    },
  };
  return { adapter, sent, calls: () => n };
}

function worker(options: Partial<OutboxWorkerOptions> & { sender: OutboxWorkerOptions["sender"] }): OutboxWorker {
  const metrics = createChannelMetrics(registry, { outboxDepth: () => store.depth(), accounts: () => [], now: Date.now });
  const w = new OutboxWorker({ store, metrics, log: silentLogger(), now: Date.now, backoff: { initialMs: 20, maxMs: 20, random: () => 1 }, ...options });
  workers.push(w);
  return w;
}

const via = (adapter: ChannelAdapter) => (): SenderLookup => ({ adapter });
const request = (key: string, to = "chat-1", text = key) => ({ idempotencyKey: key, channel: "test", accountId: "a", message: { to, text }, now: Date.now() });

describe("the outbox worker", () => {
  test("sends an item once; a repeat key is the same item and sends nothing", async () => {
    const { adapter, sent } = scripted();
    const settled: string[] = [];
    const w = worker({ sender: via(adapter), onSettled: (item) => settled.push(`${item.idempotencyKey}:${item.state}`) });
    w.start();
    expect(w.enqueue(request("k1")).isNew).toBe(true);
    const item = await w.settled("k1", 2000);
    expect(item).toMatchObject({ state: "sent", attempts: 1, result: { messageId: "100", chatId: "chat-1" } });
    expect(w.enqueue(request("k1", "elsewhere")).isNew).toBe(false);
    expect((await w.settled("k1", 2000))?.result).toEqual({ messageId: "100", chatId: "chat-1" });
    expect(sent).toHaveLength(1);
    expect(settled).toEqual(["k1:sent"]);
    // Idle means no timer at all: nothing wakes the process until something is enqueued.
    await eventually("the worker to go idle", () => (w.idle ? true : undefined));
    expect(registry.render()).toContain('openclaw_channel_outbound_messages_total{channel="test",outcome="sent"} 1');
  });

  test("a transient failure is retried; the platform's retry_after wins over a shorter backoff", async () => {
    const { adapter, sent } = scripted([new ChannelSendError("429: Too Many Requests", { kind: "transient", retryAfterMs: 300 })]);
    const w = worker({ sender: via(adapter) });
    w.start();
    const started = Date.now();
    w.enqueue(request("k1"));
    const item = await w.settled("k1", 3000);
    expect(item).toMatchObject({ state: "sent", attempts: 2 });
    expect(sent[0]!.at - started).toBeGreaterThanOrEqual(290);
  });

  test("a refusal is final at once, with the platform's reason", async () => {
    const { adapter, calls } = scripted([new ChannelSendError("Bad Request: chat not found", { kind: "refused" })]);
    const w = worker({ sender: via(adapter) });
    w.start();
    w.enqueue(request("k1"));
    expect(await w.settled("k1", 2000)).toMatchObject({ state: "failed", attempts: 1, lastError: "Bad Request: chat not found" });
    expect(calls()).toBe(1);
  });

  test("attempts are bounded; the last error is kept", async () => {
    const failing = () => new ChannelSendError("502 Bad Gateway", { kind: "transient" });
    const { adapter, calls } = scripted([failing, failing, failing, failing]);
    const w = worker({ sender: via(adapter), maxAttempts: 3 });
    w.start();
    w.enqueue(request("k1"));
    expect(await w.settled("k1", 3000)).toMatchObject({ state: "failed", attempts: 3, lastError: "gave up after 3 attempts: 502 Bad Gateway" });
    expect(calls()).toBe(3);
    await eventually("the worker to go idle", () => (w.idle ? true : undefined));
  });

  test("the messages of one chat keep their order when the first must be retried; other chats do not wait", async () => {
    const { adapter, sent } = scripted([new ChannelSendError("network down", { kind: "transient", retryAfterMs: 150 })]);
    const w = worker({ sender: via(adapter) });
    w.start();
    w.enqueue(request("x1", "chat-x"));
    w.enqueue(request("x2", "chat-x"));
    w.enqueue(request("y1", "chat-y"));
    await w.settled("x2", 3000);
    expect(sent.map((s) => s.message.text)).toEqual(["y1", "x1", "x2"]);
  });

  test("an item older than the age limit is dropped, not sent late", async () => {
    const { adapter, sent } = scripted();
    store.enqueue({ ...request("old"), now: Date.now() - 2 * 60 * 60_000 });
    const w = worker({ sender: via(adapter) });
    w.start();
    expect(await w.settled("old", 2000)).toMatchObject({ state: "failed", lastError: "expired: not sent within 60 min" });
    expect(sent).toEqual([]);
  });

  test("an account that is not linked fails the item; one coming back is waited for without using attempts", async () => {
    const { adapter, sent } = scripted();
    let lookup: SenderLookup = { unavailable: "transient", reason: "test/a is connecting" };
    let asked = 0;
    const w = worker({
      sender: (channel) => {
        if (channel === "gone") return { unavailable: "not_linked", reason: "gone/a is not configured" };
        asked += 1;
        return lookup;
      },
    });
    w.start();
    w.enqueue({ ...request("lost"), channel: "gone" });
    expect(await w.settled("lost", 2000)).toMatchObject({ state: "failed", attempts: 0, lastError: "gone/a is not configured" });
    w.enqueue(request("later"));
    await eventually("the worker to find the account connecting", () => (asked >= 2 ? true : undefined));
    expect(store.get("later")).toMatchObject({ state: "pending", attempts: 0, lastError: "test/a is connecting" });
    lookup = { adapter };
    expect(await w.settled("later", 2000)).toMatchObject({ state: "sent", attempts: 1 });
    expect(sent).toHaveLength(1);
  });

  test("items an earlier process left (pending or mid-send) are sent at start", async () => {
    store.enqueue(request("left-pending"));
    const { item } = store.enqueue(request("left-sending"));
    store.markSending(item.id);
    const { adapter, sent } = scripted();
    const w = worker({ sender: via(adapter) });
    w.start();
    await w.settled("left-sending", 2000);
    await w.settled("left-pending", 2000);
    expect(sent.map((s) => s.message.text).sort()).toEqual(["left-pending", "left-sending"]);
  });

  test("stop answers waiters with the item as it stands", async () => {
    const { adapter } = scripted([new ChannelSendError("down", { kind: "transient", retryAfterMs: 60_000 })]);
    const w = worker({ sender: via(adapter) });
    w.start();
    w.enqueue(request("k1"));
    const waiting = w.settled("k1", 30_000);
    await eventually("the first attempt to fail", () => (store.get("k1")?.lastError ? true : undefined));
    await w.stop();
    expect(await waiting).toMatchObject({ state: "pending", lastError: "down" });
  });
});
