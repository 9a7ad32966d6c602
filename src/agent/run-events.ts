/**
 * A run's event emitter, apart from the runtime: it numbers the run's `agent` events, publishes
 * them to the run's and the session's topics, feeds the session's `chat` stream and the
 * starter's own listener. The runtime only decides what to emit and when.
 */
import type { EventPublisher } from "../core/event-publisher.ts";
import type { Logger } from "../log/logger.ts";
import { ChatStream } from "./chat-stream.ts";
import type { AgentEvent, AgentRunInput } from "./runner-types.ts";

export interface RunEventDeps {
  events: EventPublisher;
  now: () => number;
  /** Read at each failing listener: the runtime's logger is set when its part starts. */
  log: () => Logger | null;
}

export type RunEmitter = ReturnType<typeof emitterFor>;

/** `agent` events with the run's own seq, and the session's `chat` stream. */
export function emitterFor(deps: RunEventDeps, runId: string, input: AgentRunInput) {
  const topics = [`run:${runId}`, `session:${input.sessionKey}`];
  const chat = new ChatStream({ runId, sessionKey: input.sessionKey, events: deps.events, topic: `session:${input.sessionKey}`, now: deps.now });
  let seq = 0;
  return {
    emit: (event: AgentEvent) => {
      // Tool events go only to clients with the cap; they do not advance the run's seq, so the
      // others see no gap.
      if (event.stream !== "tool" || seq === 0) seq += 1;
      const payload = { runId, seq, stream: event.stream, ts: deps.now(), data: event.data as Record<string, unknown>, sessionKey: input.sessionKey };
      // Tool events carry arguments and results: only clients that asked for them get them.
      deps.events.publishToTopic(topics, "agent", payload, event.stream === "tool" ? { requireCap: "tool-events" } : {});
      if (event.stream === "assistant") chat.delta(event.data.text);
      try {
        input.onEvent?.(event);
      } catch (error) {
        deps.log()?.warn(`a listener of run ${runId} failed:`, error);
      }
    },
    finish: chat.finish.bind(chat),
  };
}
