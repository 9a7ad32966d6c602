/**
 * Outbound pacing (user-needs B8): an outbox replay of 100 replies after a restart never goes
 * above the messages-per-minute cap in any 60 s, one chat's messages are spaced out, and
 * different chats share the account's budget.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { Pacer } from "../../src/channels/whatsapp/pacing.ts";
import { FakeClock } from "../fakes/whatsapp-clock.ts";
import { makeRig, type Rig } from "./whatsapp-rig.ts";

/** The most events in any 60 s window. */
function busiestMinute(times: readonly number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; j < sorted.length; j++) {
    while (sorted[j]! - sorted[i]! >= 60_000) i++;
    most = Math.max(most, j - i + 1);
  }
  return most;
}

describe("Pacer", () => {
  test("slots keep the cap in every window, with the gaps, in call order", () => {
    const clock = new FakeClock();
    const pacer = new Pacer({ clock, maxPerMinute: 20, accountGapMs: 300, chatGapMs: 1000, random: () => 0.5 });
    const slots = Array.from({ length: 100 }, (_, i) => pacer.reserve(`chat-${i % 7}`));
    expect(busiestMinute(slots)).toBe(20);
    for (let i = 1; i < slots.length; i++) expect(slots[i]! - slots[i - 1]!).toBeGreaterThanOrEqual(450);
    // 100 at 20 a minute take at least four minutes.
    expect(slots[99]! - slots[0]!).toBeGreaterThanOrEqual(4 * 60_000);
  });

  test("one chat's messages are further apart than the account gap", () => {
    const clock = new FakeClock();
    const pacer = new Pacer({ clock, maxPerMinute: 600, accountGapMs: 100, chatGapMs: 1000, random: () => 0 });
    const [a, b, c] = [pacer.reserve("x"), pacer.reserve("y"), pacer.reserve("x")];
    expect(b! - a!).toBe(100);
    expect(c! - a!).toBe(1000);
  });

  test("a quiet account sends at once", () => {
    const clock = new FakeClock();
    const pacer = new Pacer({ clock, maxPerMinute: 20 });
    expect(pacer.reserve("x")).toBe(clock.monotonic());
  });
});

describe("the adapter replaying 100 queued replies", () => {
  let rig: Rig;
  afterEach(async () => {
    await rig?.dispose();
  });

  test("never exceeds maxMessagesPerMinute, and every reply goes out once", async () => {
    rig = await makeRig({ settings: { maxMessagesPerMinute: 12 } });
    void rig.start();
    await rig.wa.waitForSockets(1);
    await rig.changed.waitFor("connected", () => (rig.status().connected ? true : undefined));
    // The outbox worker sends one item per chat at a time, chats in parallel: 10 chats × 10 replies.
    const lanes = Array.from({ length: 10 }, async (_, chat) => {
      for (let n = 0; n < 10; n++) await rig.adapter.send({ to: `+1555000${String(chat).padStart(4, "0")}`, text: `reply ${n}` });
    });
    const all = Promise.all(lanes);
    let done = false;
    void all.then(() => (done = true));
    for (let minute = 0; minute < 20 && !done; minute++) await rig.clock.advance(60_000);
    await all;
    const sent = rig.wa.current!.sent;
    expect(sent.length).toBe(100);
    expect(new Set(sent.map((s) => s.id)).size).toBe(100);
    expect(busiestMinute(sent.map((s) => s.at))).toBeLessThanOrEqual(12);
  });
});
