/**
 * How parts publish events without knowing about sockets. The audience of each event is in
 * its protocol record (`protocol/events.ts`); a part only names the event, the payload and,
 * for targeted events, the connection or topic.
 */
import type { BroadcastEventName, ConnectionEventName, PayloadOf, TopicEventName } from "../../protocol/index.ts";
import type { RawJson } from "./raw-json.ts";

export interface EventPublisher {
  /** To everyone the event's audience names (all, or the holders of a scope). */
  publish<E extends BroadcastEventName>(event: E, payload: PayloadOf<E> | RawJson<PayloadOf<E>>): void;
  /** To one connection; false when it is gone. */
  sendTo<E extends ConnectionEventName>(connId: string, event: E, payload: PayloadOf<E>): boolean;
  /**
   * To the connections subscribed to any of `topics` (e.g. `run:<id>`, `session:<key>`), each
   * once; `requireCap` limits it to connections that declared that cap (`tool-events`).
   */
  publishToTopic<E extends TopicEventName>(topics: string | readonly string[], event: E, payload: PayloadOf<E>, options?: { requireCap?: string }): void;
  /** Adds a connection to a topic's subscribers until it unsubscribes or closes. */
  subscribe(topic: string, connId: string): void;
  unsubscribe(topic: string, connId: string): void;
  /** Forgets a topic and its subscribers (a run that ended). */
  dropTopic(topic: string): void;
}
