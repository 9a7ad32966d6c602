/**
 * The event publisher over WebSocket connections: each event goes to the audience its
 * protocol record names, serialised once for all receivers. A slow consumer (more than
 * `maxBufferedBytes` waiting in its socket) skips droppable events and is closed 1008
 * "slow consumer" when an event must not be dropped, so one stuck client never holds memory
 * for everyone else.
 */
import { CloseCodes } from "../../../protocol/errors.ts";
import type { Audience } from "../../../protocol/event-record.ts";
import type { StateVersion } from "../../../protocol/frames.ts";
import { events, type BroadcastEventName, type ConnectionEventName, type PayloadOf, type TopicEventName } from "../../../protocol/index.ts";
import { scopeSatisfied } from "../../../protocol/scopes.ts";
import type { EventPublisher } from "../../core/event-publisher.ts";
import type { Session } from "../rpc/caller.ts";
import { RawJson } from "../../core/raw-json.ts";

/** What the publisher needs of a connection. */
export interface EventReceiver {
  readonly connId: string;
  readonly session: Session | null;
  readonly closed: boolean;
  bufferedAmount(): number;
  sendEvent(event: string, payload: unknown): void;
  sendBroadcast(event: string, payloadJson: string, stateVersion?: StateVersion): void;
  close(code: number, reason?: string): void;
}

export interface ReceiverSource {
  authenticated(): Iterable<EventReceiver>;
  get(connId: string): EventReceiver | undefined;
}

/** Told about every event sent or dropped (metrics). */
export type EventObserver = (event: string, sent: number, dropped: number) => void;

export interface PublisherOptions {
  receivers: ReceiverSource;
  maxBufferedBytes: number;
  /** The versions stamped on events whose record asks for `stateVersion`. */
  stateVersion: () => StateVersion;
  observe?: EventObserver;
}

function mayReceive(audience: Audience, session: Session): boolean {
  if (typeof audience === "object") return session.role === "operator" && scopeSatisfied(session.scopes, audience.scope);
  return true;
}

export class ConnectionPublisher implements EventPublisher {
  private readonly topics = new Map<string, Set<string>>();
  private readonly topicsByConn = new Map<string, Set<string>>();
  private readonly observe: EventObserver;

  constructor(private readonly options: PublisherOptions) {
    this.observe = options.observe ?? (() => {});
  }

  publish<E extends BroadcastEventName>(event: E, payload: PayloadOf<E> | RawJson<PayloadOf<E>>): void {
    this.fanOut(event, payload, this.options.receivers.authenticated());
  }

  sendTo<E extends ConnectionEventName>(connId: string, event: E, payload: PayloadOf<E>): boolean {
    const receiver = this.options.receivers.get(connId);
    if (!receiver?.session || receiver.closed) return false;
    if (this.tooSlow(receiver, events[event].dropIfSlow)) {
      this.observe(event, 0, 1);
      return false;
    }
    receiver.sendEvent(event, payload);
    this.observe(event, 1, 0);
    return true;
  }

  publishToTopic<E extends TopicEventName>(topics: string | readonly string[], event: E, payload: PayloadOf<E>, options: { requireCap?: string } = {}): void {
    const connIds = new Set<string>();
    for (const topic of typeof topics === "string" ? [topics] : topics) for (const connId of this.topics.get(topic) ?? []) connIds.add(connId);
    if (connIds.size === 0) return;
    const receivers: EventReceiver[] = [];
    for (const connId of connIds) {
      const receiver = this.options.receivers.get(connId);
      if (!receiver?.session) continue;
      if (options.requireCap && !receiver.session.caps.includes(options.requireCap)) continue;
      receivers.push(receiver);
    }
    this.fanOut(event, payload, receivers);
  }

  subscribe(topic: string, connId: string): void {
    let members = this.topics.get(topic);
    if (!members) this.topics.set(topic, (members = new Set()));
    members.add(connId);
    let joined = this.topicsByConn.get(connId);
    if (!joined) this.topicsByConn.set(connId, (joined = new Set()));
    joined.add(topic);
  }

  unsubscribe(topic: string, connId: string): void {
    const members = this.topics.get(topic);
    members?.delete(connId);
    if (members?.size === 0) this.topics.delete(topic);
    this.topicsByConn.get(connId)?.delete(topic);
  }

  dropTopic(topic: string): void {
    for (const connId of this.topics.get(topic) ?? []) this.topicsByConn.get(connId)?.delete(topic);
    this.topics.delete(topic);
  }

  /** A connection closed: it leaves every topic. */
  connectionClosed(connId: string): void {
    for (const topic of this.topicsByConn.get(connId) ?? []) this.unsubscribe(topic, connId);
    this.topicsByConn.delete(connId);
  }

  private fanOut(event: string, payload: unknown, receivers: Iterable<EventReceiver>): void {
    const record = events[event as keyof typeof events];
    const json = payload instanceof RawJson ? payload.text : JSON.stringify(payload ?? null);
    const stateVersion = record.stateVersion ? this.options.stateVersion() : undefined;
    let sent = 0;
    let dropped = 0;
    for (const receiver of receivers) {
      if (receiver.closed || !mayReceive(record.audience, receiver.session!)) continue;
      if (this.tooSlow(receiver, record.dropIfSlow)) {
        dropped++;
        continue;
      }
      receiver.sendBroadcast(event, json, stateVersion);
      sent++;
    }
    this.observe(event, sent, dropped);
  }

  /** Behind by more than the limit: droppable events are skipped, others close the socket. */
  private tooSlow(receiver: EventReceiver, dropIfSlow: boolean): boolean {
    if (receiver.bufferedAmount() <= this.options.maxBufferedBytes) return false;
    if (!dropIfSlow) receiver.close(CloseCodes.POLICY_VIOLATION, "slow consumer");
    return true;
  }
}
