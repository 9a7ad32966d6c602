/**
 * The wire contract in one place: supported protocol versions, policy limits, every named
 * definition (the source of `schema/protocol.schema.json`), and the method and event registry.
 */
import type { Schema } from "./schema-builder.ts";
import { ErrorShape, EventFrame, RequestFrame, ResponseFrame, StateVersion } from "./frames.ts";
import { ConnectChallenge, ConnectParams, HelloOk, Policy, Snapshot } from "./handshake.ts";
import {
  ChannelHealth, EmptyParams, HealthParams, HealthSummary, SessionsSummary, HeartbeatEvent, OkResult, PresenceEntry, StatusSummary,
  SystemEventParams,
} from "./methods/system.ts";
import { DevicePairResolvedEvent, PresenceEvent, ShutdownEvent, TickEvent } from "./events.ts";
import {
  NodeEventParams, NodeIdParams, NodeInfo, NodeInvokeParams, NodeInvokeRequestEvent, NodeInvokeResult,
  NodeInvokeResultParams, NodeListResult, NodePairRequestParams, NodePairResolvedEvent, NodePairVerifyParams,
  NodeRenameParams, RequestIdParams,
} from "./methods/nodes.ts";
import {
  DeviceIdParams, DevicePairListResult, DevicePairRequest, DeviceTokenRevokeParams, DeviceTokenRotateParams,
  DeviceTokenRotateResult, PairedDeviceInfo,
} from "./methods/devices.ts";
import { LogsTailParams, LogsTailResult } from "./methods/logs.ts";
import { ConfigSnapshot, ConfigWriteParams } from "./methods/config.ts";

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

/** Every named definition; `protocol:gen` emits them under `definitions`. */
export const definitions = {
  ErrorShape, RequestFrame, ResponseFrame, EventFrame, StateVersion,
  ConnectChallenge, ConnectParams, HelloOk, Policy, Snapshot,
  PresenceEntry, HealthSummary, SessionsSummary, ChannelHealth, StatusSummary, HeartbeatEvent, OkResult,
  HealthParams, EmptyParams, SystemEventParams,
  TickEvent, PresenceEvent, ShutdownEvent, DevicePairResolvedEvent,
  NodeInfo, NodeListResult, NodeIdParams, NodeRenameParams, NodeInvokeParams, NodeInvokeResult, NodeInvokeRequestEvent,
  NodeInvokeResultParams, NodeEventParams, NodePairRequestParams, RequestIdParams, NodePairVerifyParams,
  NodePairResolvedEvent,
  DeviceIdParams, DeviceTokenRotateParams, DeviceTokenRevokeParams, PairedDeviceInfo, DevicePairRequest,
  DevicePairListResult, DeviceTokenRotateResult,
  LogsTailParams, LogsTailResult, ConfigWriteParams, ConfigSnapshot,
} satisfies Record<string, Schema>;
export type DefinitionName = keyof typeof definitions;

/** A method the gateway implements: the definition its params must match. */
export interface MethodContract {
  params: DefinitionName;
}

/** Methods implemented by this gateway, in the order `hello-ok.features.methods` lists them. */
export const methods = {
  health: { params: "HealthParams" },
  status: { params: "EmptyParams" },
  "system-presence": { params: "EmptyParams" },
  "system-event": { params: "SystemEventParams" },
  "last-heartbeat": { params: "EmptyParams" },
  "logs.tail": { params: "LogsTailParams" },
  "config.get": { params: "EmptyParams" },
  "config.schema": { params: "EmptyParams" },
  "config.set": { params: "ConfigWriteParams" },
  "config.patch": { params: "ConfigWriteParams" },
  "config.apply": { params: "ConfigWriteParams" },
  "node.list": { params: "EmptyParams" },
  "node.describe": { params: "NodeIdParams" },
  "node.rename": { params: "NodeRenameParams" },
  "node.invoke": { params: "NodeInvokeParams" },
  "node.invoke.result": { params: "NodeInvokeResultParams" },
  "node.event": { params: "NodeEventParams" },
  "node.pair.request": { params: "NodePairRequestParams" },
  "node.pair.list": { params: "EmptyParams" },
  "node.pair.approve": { params: "RequestIdParams" },
  "node.pair.reject": { params: "RequestIdParams" },
  "node.pair.verify": { params: "NodePairVerifyParams" },
  "device.pair.list": { params: "EmptyParams" },
  "device.pair.approve": { params: "RequestIdParams" },
  "device.pair.reject": { params: "RequestIdParams" },
  "device.pair.remove": { params: "DeviceIdParams" },
  "device.token.rotate": { params: "DeviceTokenRotateParams" },
  "device.token.revoke": { params: "DeviceTokenRevokeParams" },
} as const satisfies Record<string, MethodContract>;
export type MethodName = keyof typeof methods;

/** Events this gateway emits, as listed in `hello-ok.features.events`. */
export const events = [
  "connect.challenge", "tick", "presence", "health", "shutdown",
  "device.pair.requested", "device.pair.resolved",
  "node.invoke.request", "node.pair.requested", "node.pair.resolved",
] as const;

export { ErrorCodes, CloseCodes } from "./errors.ts";
