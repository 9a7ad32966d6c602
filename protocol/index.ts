/**
 * The wire contract in one place: supported protocol versions, policy limits, every named
 * definition (the source of `schema/protocol.schema.json`), and the method and event records.
 *
 * Definitions are collected from the modules' exports, and methods and events from their
 * area records, so adding a method means editing its `methods/<area>.ts` only.
 */
import * as agentArea from "./methods/agent.ts";
import * as channelsArea from "./methods/channels.ts";
import * as chatArea from "./methods/chat.ts";
import * as configArea from "./methods/config.ts";
import * as devicesArea from "./methods/devices.ts";
import * as logsArea from "./methods/logs.ts";
import * as nodesArea from "./methods/nodes.ts";
import * as pairingArea from "./methods/pairing.ts";
import * as sessionsArea from "./methods/sessions.ts";
import * as systemArea from "./methods/system.ts";
import * as webLoginArea from "./methods/web-login.ts";
import * as eventsModule from "./events.ts";
import * as frames from "./frames.ts";
import * as handshake from "./handshake.ts";
import type { MethodRecord, ParamsOfRecord, ResultOfRecord } from "./method-record.ts";
import type { EventRecord, PayloadOfRecord } from "./event-record.ts";
import { isSchema, type Schema } from "./schema-builder.ts";
import { Scopes, type Scope } from "./scopes.ts";

/** Protocol versions this gateway speaks, oldest first. */
export const PROTOCOL_VERSIONS = [3, 4] as const;
export const LATEST_PROTOCOL = 4;

/** Limits advertised in `hello-ok.policy`. */
export const DEFAULT_POLICY = Object.freeze({
  maxPayload: 26_214_400,
  maxBufferedBytes: 52_428_800,
  tickIntervalMs: 30_000,
});

/** Frames received before `connect` succeeds may not exceed this size. */
export const MAX_PREAUTH_FRAME_BYTES = 64 * 1024;
/** A socket that has not completed `connect` by then is closed. */
export const HANDSHAKE_TIMEOUT_MS = 10_000;
/** `device.signedAt` may differ from the gateway clock by at most this much. */
export const DEVICE_SIGNATURE_SKEW_MS = 10 * 60_000;

/** Every method the gateway implements, in the order `hello-ok.features.methods` lists them. */
export const methods = {
  ...systemArea.systemMethods,
  ...logsArea.logsMethods,
  ...nodesArea.nodeMethods,
  ...devicesArea.deviceMethods,
  ...pairingArea.pairingMethods,
  ...configArea.configMethods,
  ...agentArea.agentMethods,
  ...chatArea.chatMethods,
  ...sessionsArea.sessionMethods,
  ...channelsArea.channelMethods,
  ...webLoginArea.webLoginMethods,
} satisfies Record<string, MethodRecord>;
export type MethodName = keyof typeof methods;
export type ParamsOf<M extends MethodName> = ParamsOfRecord<(typeof methods)[M]>;
export type ResultOf<M extends MethodName> = ResultOfRecord<(typeof methods)[M]>;

/** Every event the gateway emits, with its audience. */
export const events = eventsModule.eventRecords satisfies Record<string, EventRecord>;
export type EventName = keyof typeof events;
export type PayloadOf<E extends EventName> = PayloadOfRecord<(typeof events)[E]>;

type EventsWhere<A> = { [E in EventName]: (typeof events)[E]["audience"] extends A ? E : never }[EventName];
/** Events sent to everyone or to the holders of a scope. */
export type BroadcastEventName = EventsWhere<"all" | { scope: Scope }>;
/** Events sent to one connection named at send time. */
export type ConnectionEventName = EventsWhere<"connection">;
/** Events sent to the subscribers of a topic (a run, a session). */
export type TopicEventName = EventsWhere<"subscribers">;

/** Event names for `hello-ok.features.events`. */
export const eventNames = Object.keys(events) as EventName[];

/** The record of `name`, looked up without touching the prototype (`__proto__` is just unknown). */
export function methodRecord(name: string): MethodRecord | undefined {
  return Object.hasOwn(methods, name) ? (methods as Record<string, MethodRecord>)[name] : undefined;
}

/** The scope a method needs (null: none beyond its role); unknown methods need admin (fail closed). */
export function requiredScope(name: string): Scope | null {
  const record = methodRecord(name);
  return record ? record.scope : Scopes.ADMIN;
}

function collectDefinitions(...modules: Record<string, unknown>[]): Record<string, Schema> {
  const found: Record<string, Schema> = {};
  for (const module of modules) {
    for (const [name, value] of Object.entries(module)) {
      if (!isSchema(value)) continue;
      if (Object.hasOwn(found, name) && found[name] !== value) throw new Error(`protocol: two definitions named ${name}`);
      found[name] = value;
    }
  }
  return found;
}

/** Every exported schema by its export name; `protocol:gen` emits them under `definitions`. */
export const definitions = collectDefinitions(frames, handshake, systemArea, logsArea, nodesArea, devicesArea, pairingArea, configArea, sessionsArea, agentArea, chatArea, channelsArea, webLoginArea, eventsModule);
export type DefinitionName = keyof typeof definitions;

export { ErrorCodes, CloseCodes } from "./errors.ts";
