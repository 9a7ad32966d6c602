/**
 * One record per event: its payload's shape and who receives it. The gateway's publisher is
 * keyed by these records, so an event's audience is decided here, once, not at each send.
 */
import type { Scope } from "./scopes.ts";
import type { Schema, Static } from "./schema-builder.ts";

/**
 * - `all`: every authenticated connection, operators and nodes.
 * - `{ scope }`: operators holding that scope (admin implies every scope).
 * - `connection`: one connection, named at send time; carries no frame `seq`.
 * - `subscribers`: the connections subscribed to one topic (a run, a session).
 */
export type Audience = "all" | { scope: Scope } | "connection" | "subscribers";

export interface EventRecord<P extends Schema = Schema> {
  payload: P;
  audience: Audience;
  /** A receiver that is behind skips this event instead of being disconnected as a slow consumer. */
  dropIfSlow: boolean;
  /** The frame carries `stateVersion` (presence and health versions), so clients can spot stale state. */
  stateVersion: boolean;
}

export function event<P extends Schema, const A extends Audience>(
  payload: P,
  options: { audience: A; dropIfSlow?: boolean; stateVersion?: boolean },
): EventRecord<P> & { audience: A } {
  return Object.freeze({ payload, dropIfSlow: false, stateVersion: false, ...options });
}

export type PayloadOfRecord<E> = E extends EventRecord<infer P> ? Static<P> : never;
