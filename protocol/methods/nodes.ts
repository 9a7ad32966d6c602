/** Nodes: listing, describing, invoking commands on them, and node pairing (protocol.md §6 Nodes). */
import { method } from "../method-record.ts";
import { t, type Static } from "../schema-builder.ts";
import { Scopes } from "../scopes.ts";
import { EmptyParams } from "./system.ts";

const id = (maxLength = 256) => t.string({ minLength: 1, maxLength });
const strings = (maxItems = 1024) => t.optional(t.array(t.string({ maxLength: 256 }), { maxItems }));

export const NodeInfo = t.object({
  nodeId: t.string(),
  displayName: t.optional(t.string()),
  platform: t.optional(t.string()),
  version: t.optional(t.string()),
  coreVersion: t.optional(t.string()),
  uiVersion: t.optional(t.string()),
  deviceFamily: t.optional(t.string()),
  modelIdentifier: t.optional(t.string()),
  remoteIp: t.optional(t.string()),
  caps: t.array(t.string()),
  commands: t.array(t.string()),
  pathEnv: t.optional(t.string()),
  permissions: t.optional(t.record(t.boolean())),
  connectedAtMs: t.optional(t.integer()),
  paired: t.boolean(),
  connected: t.boolean(),
});
export type NodeInfo = Static<typeof NodeInfo>;

export const NodeListResult = t.object({ ts: t.integer(), nodes: t.array(NodeInfo) });
export const NodeIdParams = t.object({ nodeId: id() });
export type NodeIdParams = Static<typeof NodeIdParams>;
export const NodeRenameParams = t.object({ nodeId: id(), displayName: t.string({ minLength: 1, maxLength: 256 }) });
export type NodeRenameParams = Static<typeof NodeRenameParams>;

export const NodeInvokeParams = t.object({
  nodeId: id(),
  command: id(),
  params: t.optional(t.unknown()),
  timeoutMs: t.optional(t.integer({ minimum: 1, maximum: 600_000 })),
  idempotencyKey: id(),
});
export type NodeInvokeParams = Static<typeof NodeInvokeParams>;

export const NodeInvokeResult = t.object({
  ok: t.literal(true),
  nodeId: t.string(),
  command: t.string(),
  payload: t.unknown(),
  payloadJSON: t.nullable(t.string()),
});
export type NodeInvokeResult = Static<typeof NodeInvokeResult>;

/** Sent to the target node only (no `seq`). */
export const NodeInvokeRequestEvent = t.object({
  id: t.string(),
  nodeId: t.string(),
  command: t.string(),
  paramsJSON: t.nullable(t.string()),
  timeoutMs: t.optional(t.integer()),
  idempotencyKey: t.optional(t.string()),
});
export type NodeInvokeRequestEvent = Static<typeof NodeInvokeRequestEvent>;

/** A node's answer to `node.invoke.request`. */
export const NodeInvokeResultParams = t.object({
  id: id(),
  nodeId: id(),
  ok: t.boolean(),
  payload: t.optional(t.unknown()),
  payloadJSON: t.optional(t.nullable(t.string())),
  error: t.optional(t.object({ code: t.optional(t.string()), message: t.optional(t.string()) })),
});
export type NodeInvokeResultParams = Static<typeof NodeInvokeResultParams>;

export const NodeEventParams = t.object({
  event: id(),
  payload: t.optional(t.unknown()),
  payloadJSON: t.optional(t.nullable(t.string())),
});
export type NodeEventParams = Static<typeof NodeEventParams>;

export const NodePairRequestParams = t.object({
  nodeId: id(),
  displayName: t.optional(t.string({ maxLength: 256 })),
  platform: t.optional(t.string({ maxLength: 128 })),
  version: t.optional(t.string({ maxLength: 128 })),
  coreVersion: t.optional(t.string({ maxLength: 128 })),
  uiVersion: t.optional(t.string({ maxLength: 128 })),
  deviceFamily: t.optional(t.string({ maxLength: 128 })),
  modelIdentifier: t.optional(t.string({ maxLength: 128 })),
  caps: strings(256),
  commands: strings(),
  remoteIp: t.optional(t.string({ maxLength: 64 })),
  silent: t.optional(t.boolean()),
});
export type NodePairRequestParams = Static<typeof NodePairRequestParams>;

export const RequestIdParams = t.object({ requestId: id() });
export type RequestIdParams = Static<typeof RequestIdParams>;

export const NodePairVerifyParams = t.object({ nodeId: id(), token: t.string({ minLength: 1, maxLength: 512 }) });
export type NodePairVerifyParams = Static<typeof NodePairVerifyParams>;

export const NodePairResolvedEvent = t.object({
  requestId: t.string(),
  nodeId: t.string(),
  decision: t.enum(["approved", "rejected", "expired"]),
  ts: t.integer(),
});

/** Nodes and node pairing, in the order `hello-ok.features.methods` lists them. */
export const nodeMethods = {
  "node.list": method({ params: EmptyParams, result: NodeListResult, scope: Scopes.READ }),
  "node.describe": method({ params: NodeIdParams, result: NodeInfo, scope: Scopes.READ }),
  "node.rename": method({ params: NodeRenameParams, scope: Scopes.PAIRING }),
  "node.invoke": method({ params: NodeInvokeParams, result: NodeInvokeResult, scope: Scopes.WRITE, idempotent: true }),
  "node.invoke.result": method({ params: NodeInvokeResultParams, roles: ["node"], scope: null }),
  "node.event": method({ params: NodeEventParams, roles: ["node"], scope: null }),
  "node.pair.request": method({ params: NodePairRequestParams, scope: Scopes.PAIRING }),
  "node.pair.list": method({ params: EmptyParams, scope: Scopes.PAIRING }),
  "node.pair.approve": method({ params: RequestIdParams, scope: Scopes.PAIRING }),
  "node.pair.reject": method({ params: RequestIdParams, scope: Scopes.PAIRING }),
  "node.pair.verify": method({ params: NodePairVerifyParams, scope: Scopes.PAIRING }),
};
