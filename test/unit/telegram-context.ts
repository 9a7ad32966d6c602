/**
 * A `ChannelContext` for driving the Telegram adapter in tests: it records what the adapter
 * received and reported, keeps the cursor in a Map (shared between adapter instances to model
 * the store surviving a restart) and captures every log line unredacted, so a test can prove
 * the token never reaches one.
 */
import { createConsola } from "consola/core";
import { formatWithOptions } from "node:util";
import type { ChannelAccountStatus, ChannelContext, InboundMessage } from "../../src/channels/types.ts";
import type { Condition } from "../helpers/condition.ts";

export interface TestContext {
  ctx: ChannelContext;
  received: InboundMessage[];
  reports: Partial<ChannelAccountStatus>[];
  lines: string[];
  cursor: Map<string, string>;
  /** Every value the cursor was set to, in order. */
  cursorWrites: string[];
  controller: AbortController;
  /** Everything observable, as text: for "the token appears nowhere". */
  transcript(): string;
}

export interface TestContextOptions {
  /** Woken on every receive, report and cursor write. */
  changed: Condition;
  /** Runs before a message counts as received; throw to model a failed store. */
  onReceive?: (message: InboundMessage, index: number) => void | Promise<void>;
  /** Share a cursor between contexts (a restart keeps the store). */
  cursor?: Map<string, string>;
}

export function createTestContext(options: TestContextOptions): TestContext {
  const received: InboundMessage[] = [];
  const reports: Partial<ChannelAccountStatus>[] = [];
  const lines: string[] = [];
  const cursorWrites: string[] = [];
  const cursor = options.cursor ?? new Map<string, string>();
  const controller = new AbortController();
  let receives = 0;
  const log = createConsola({
    level: 5,
    reporters: [{ log: (entry) => lines.push(formatWithOptions({ colors: false, depth: 6 }, ...entry.args)) }],
  });
  const ctx: ChannelContext = {
    async receive(message) {
      await options.onReceive?.(message, receives++);
      received.push(message);
      options.changed.wake();
    },
    cursor: {
      get: () => cursor.get("offset") ?? null,
      set: (value) => {
        cursor.set("offset", value);
        cursorWrites.push(value);
        options.changed.wake();
      },
    },
    report(update) {
      reports.push(update);
      options.changed.wake();
    },
    log,
    signal: controller.signal,
  };
  return {
    ctx,
    received,
    reports,
    lines,
    cursor,
    cursorWrites,
    controller,
    transcript: () => [...lines, JSON.stringify(reports), JSON.stringify(received)].join("\n"),
  };
}
