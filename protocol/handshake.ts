/** The connect handshake: challenge, connect params, hello-ok (protocol.md §3). */
import { t, type Static } from "./schema-builder.ts";
import { StateVersion } from "./frames.ts";
import { HealthSummary, PresenceEntry } from "./methods/system.ts";

export const ConnectChallenge = t.object({
  nonce: t.string({ minLength: 1 }),
  ts: t.integer({ minimum: 0 }),
});
export type ConnectChallenge = Static<typeof ConnectChallenge>;

export const ClientInfo = t.object({
  /** `cli`, `openclaw-macos`, `node-host`, … (any string is accepted; older clients use other ids). */
  id: t.string({ minLength: 1, maxLength: 128 }),
  displayName: t.optional(t.string({ maxLength: 256 })),
  version: t.string({ maxLength: 128 }),
  platform: t.string({ maxLength: 128 }),
  deviceFamily: t.optional(t.string({ maxLength: 128 })),
  modelIdentifier: t.optional(t.string({ maxLength: 128 })),
  /** `cli`, `ui`, `webchat`, `backend`, `node`, `probe`, `test`. */
  mode: t.string({ minLength: 1, maxLength: 64 }),
  instanceId: t.optional(t.string({ maxLength: 256 })),
});
export type ClientInfo = Static<typeof ClientInfo>;

export const DeviceBlock = t.object({
  /** Lowercase hex SHA-256 of the raw 32-byte Ed25519 public key. */
  id: t.string({ minLength: 1, maxLength: 128 }),
  /** base64url of the raw key (a PEM SPKI is accepted too). */
  publicKey: t.string({ minLength: 1, maxLength: 4096 }),
  /** base64url (or base64) Ed25519 signature over the `|`-joined payload. */
  signature: t.string({ minLength: 1, maxLength: 512 }),
  signedAt: t.integer({ minimum: 0 }),
  nonce: t.optional(t.string({ maxLength: 256 })),
});
export type DeviceBlock = Static<typeof DeviceBlock>;

export const ConnectAuth = t.object({
  token: t.optional(t.string({ maxLength: 4096 })),
  password: t.optional(t.string({ maxLength: 4096 })),
  /** Sent by newer clients next to (or instead of) `token`. */
  deviceToken: t.optional(t.string({ maxLength: 4096 })),
  bootstrapToken: t.optional(t.string({ maxLength: 4096 })),
});
export type ConnectAuth = Static<typeof ConnectAuth>;

export const ConnectParams = t.object({
  minProtocol: t.integer({ minimum: 1 }),
  maxProtocol: t.integer({ minimum: 1 }),
  client: ClientInfo,
  caps: t.optional(t.array(t.string({ maxLength: 128 }), { maxItems: 256 })),
  commands: t.optional(t.array(t.string({ maxLength: 256 }), { maxItems: 1024 })),
  permissions: t.optional(t.record(t.boolean())),
  pathEnv: t.optional(t.string({ maxLength: 65536 })),
  role: t.optional(t.string({ maxLength: 64 })),
  scopes: t.optional(t.array(t.string({ maxLength: 128 }), { maxItems: 64 })),
  device: t.optional(DeviceBlock),
  auth: t.optional(ConnectAuth),
  locale: t.optional(t.string({ maxLength: 64 })),
  userAgent: t.optional(t.string({ maxLength: 1024 })),
});
export type ConnectParams = Static<typeof ConnectParams>;

export const Policy = t.object({
  maxPayload: t.integer({ minimum: 1 }),
  maxBufferedBytes: t.integer({ minimum: 1 }),
  tickIntervalMs: t.integer({ minimum: 1 }),
});
export type Policy = Static<typeof Policy>;

export const SessionDefaults = t.object({
  defaultAgentId: t.string(),
  mainKey: t.string(),
  mainSessionKey: t.string(),
  scope: t.optional(t.string()),
});

export const Snapshot = t.object({
  presence: t.array(PresenceEntry),
  health: t.union([HealthSummary, t.object({})]),
  stateVersion: StateVersion,
  uptimeMs: t.integer({ minimum: 0 }),
  configPath: t.optional(t.string()),
  stateDir: t.optional(t.string()),
  sessionDefaults: t.optional(SessionDefaults),
  authMode: t.optional(t.enum(["none", "token", "password", "trusted-proxy"])),
});
export type Snapshot = Static<typeof Snapshot>;

export const HelloAuth = t.object({
  role: t.string(),
  scopes: t.array(t.string()),
  deviceToken: t.optional(t.string()),
  issuedAtMs: t.optional(t.integer({ minimum: 0 })),
  /** How the connection authenticated: `token`, `password`, `device-token` or `none`. */
  method: t.optional(t.string()),
});
export type HelloAuth = Static<typeof HelloAuth>;

export const HelloOk = t.object({
  type: t.literal("hello-ok"),
  protocol: t.integer({ minimum: 1 }),
  server: t.object({
    version: t.string(),
    connId: t.string(),
    host: t.optional(t.string()),
  }),
  features: t.object({
    methods: t.array(t.string()),
    events: t.array(t.string()),
  }),
  snapshot: Snapshot,
  /** Optional in protocol 3, always present in protocol 4. */
  auth: t.optional(HelloAuth),
  policy: Policy,
});
export type HelloOk = Static<typeof HelloOk>;
