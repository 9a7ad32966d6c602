/** `chat` events of one run: deltas at most one per interval (newest text wins), then exactly one end. */
import { expect, test } from "bun:test";
import { ChatStream } from "../../src/agent/chat-stream.ts";
import type { EventPublisher } from "../../src/core/event-publisher.ts";

function recorder() {
  const sent: { topic: unknown; payload: Record<string, unknown> }[] = [];
  let flushed: () => void = () => {};
  const events = {
    publishToTopic: (topic: unknown, _event: string, payload: Record<string, unknown>) => {
      sent.push({ topic, payload });
      flushed();
    },
  } as unknown as EventPublisher;
  const next = () => new Promise<void>((resolve) => (flushed = resolve));
  return { sent, events, next };
}

const usage = { inputTokens: 1, outputTokens: 2 };

test("the first delta goes at once; later ones within the interval merge into one with the newest text", async () => {
  let now = 1000;
  const r = recorder();
  const chat = new ChatStream({ runId: "r", sessionKey: "agent:main:main", events: r.events, topic: "session:agent:main:main", now: () => now, intervalMs: 40 });
  chat.delta("He");
  now += 5;
  const flushed = r.next();
  chat.delta("Hell");
  chat.delta("Hello");
  await flushed;
  expect(r.sent.map((s) => [s.payload.state, s.payload.seq, s.payload.deltaText])).toEqual([
    ["delta", 1, "He"],
    ["delta", 2, "llo"],
  ]);
  expect(r.sent[1]!.payload.message).toMatchObject({ role: "assistant", content: [{ type: "text", text: "Hello" }] });
  chat.finish("ok", "Hello!", undefined, usage, "stop");
  chat.finish("error", "", "late", usage, null);
  expect(r.sent.map((s) => s.payload.state)).toEqual(["delta", "delta", "final"]);
  expect(r.sent[2]!.payload).toMatchObject({ seq: 3, usage, stopReason: "stop", message: { content: [{ text: "Hello!" }] } });
});

test("the end cancels a pending delta; errors and aborts say so", () => {
  let now = 0;
  const r = recorder();
  const chat = new ChatStream({ runId: "r", sessionKey: "k", events: r.events, topic: "session:k", now: () => now });
  chat.delta("a");
  chat.delta("ab");
  chat.finish("error", "", "the model failed", usage, null);
  expect(r.sent.map((s) => [s.payload.state, s.payload.errorMessage])).toEqual([["delta", undefined], ["error", "the model failed"]]);
  const aborted = recorder();
  const other = new ChatStream({ runId: "r2", sessionKey: "k", events: aborted.events, topic: "session:k", now: () => now });
  other.delta("partial");
  other.finish("aborted", "", undefined, usage, null);
  expect(aborted.sent.at(-1)!.payload).toMatchObject({ state: "aborted", message: { content: [{ text: "partial" }] } });
});
