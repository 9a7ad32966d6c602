/**
 * The schema of `openclaw.json`. Known sections are closed (`additionalProperties: false`) so
 * the loader can tell unknown keys (a warning) from wrong values (an error). Sections that
 * later features own are open objects for now, so a config written for the reference
 * gateway loads without noise.
 */
import { t, type Static } from "./schema-builder.ts";

const closed = { additionalProperties: false } as const;
const open = () => t.optional(t.record(t.unknown()));
const strings = () => t.optional(t.array(t.string()));

const GatewayAuth = t.object(
  {
    mode: t.optional(t.enum(["none", "token", "password", "trusted-proxy"])),
    token: t.optional(t.string()),
    password: t.optional(t.string()),
    allowTailscale: t.optional(t.boolean()),
    rateLimit: t.optional(
      t.object(
        {
          maxAttempts: t.optional(t.integer({ minimum: 1 })),
          windowMs: t.optional(t.integer({ minimum: 1 })),
          lockoutMs: t.optional(t.integer({ minimum: 0 })),
          exemptLoopback: t.optional(t.boolean()),
        },
        closed,
      ),
    ),
    trustedProxy: open(),
  },
  closed,
);

const Gateway = t.object(
  {
    port: t.optional(t.integer({ minimum: 0, maximum: 65535 })),
    mode: t.optional(t.enum(["local", "remote"])),
    bind: t.optional(t.enum(["loopback", "lan", "auto", "tailnet", "custom"])),
    customBindHost: t.optional(t.string()),
    auth: t.optional(GatewayAuth),
    trustedProxies: strings(),
    controlUi: t.optional(
      t.object(
        {
          enabled: t.optional(t.boolean()),
          basePath: t.optional(t.string()),
          root: t.optional(t.string()),
          allowedOrigins: strings(),
          allowInsecureAuth: t.optional(t.boolean()),
          dangerouslyDisableDeviceAuth: t.optional(t.boolean()),
        },
        closed,
      ),
    ),
    remote: t.optional(
      t.object(
        {
          url: t.optional(t.string()),
          transport: t.optional(t.enum(["ssh", "direct"])),
          token: t.optional(t.string()),
          password: t.optional(t.string()),
          tlsFingerprint: t.optional(t.string()),
          sshTarget: t.optional(t.string()),
          sshIdentity: t.optional(t.string()),
        },
        closed,
      ),
    ),
    reload: t.optional(
      t.object(
        {
          mode: t.optional(t.enum(["off", "restart", "hot", "hybrid"])),
          debounceMs: t.optional(t.integer({ minimum: 0, maximum: 60_000 })),
        },
        closed,
      ),
    ),
    tls: open(),
    http: t.optional(
      t.object(
        {
          endpoints: t.optional(
            t.object(
              {
                chatCompletions: t.optional(t.object({ enabled: t.optional(t.boolean()) })),
                responses: t.optional(t.object({ enabled: t.optional(t.boolean()) })),
              },
              closed,
            ),
          ),
        },
        closed,
      ),
    ),
    nodes: t.optional(
      t.object({ allowCommands: strings(), denyCommands: strings(), browser: open() }, closed),
    ),
    tools: t.optional(t.object({ deny: strings(), allow: strings() }, closed)),
    tailscale: open(),
    channelHealthCheckMinutes: t.optional(t.number({ minimum: 0 })),
  },
  closed,
);

const Logging = t.object(
  {
    level: t.optional(t.enum(["silent", "fatal", "error", "warn", "info", "debug", "trace"])),
    file: t.optional(t.string()),
    consoleLevel: t.optional(t.enum(["silent", "fatal", "error", "warn", "info", "debug", "trace"])),
    consoleStyle: t.optional(t.enum(["pretty", "compact", "json"])),
    redactSensitive: t.optional(t.string()),
    redactPatterns: strings(),
  },
  closed,
);

const CanvasHost = t.object(
  {
    enabled: t.optional(t.boolean()),
    root: t.optional(t.string()),
    port: t.optional(t.integer({ minimum: 0, maximum: 65535 })),
    liveReload: t.optional(t.boolean()),
  },
  closed,
);

const Agents = t.object(
  {
    defaults: t.optional(t.object({ workspace: t.optional(t.string()) })),
    list: t.optional(t.array(t.record(t.unknown()))),
  },
  closed,
);

export const OpenClawConfig = t.object(
  {
    $schema: t.optional(t.string()),
    meta: open(),
    gateway: t.optional(Gateway),
    logging: t.optional(Logging),
    canvasHost: t.optional(CanvasHost),
    agents: t.optional(Agents),
    commands: t.optional(t.object({ restart: t.optional(t.boolean()) })),
    // Owned by later features; accepted as they are so existing configs load quietly.
    channels: open(), hooks: open(), session: open(), identity: open(), wizard: open(), models: open(),
    tools: open(), bindings: t.optional(t.unknown()), audio: open(), agent: open(), routing: open(),
    messages: open(), talk: open(), skills: open(), ui: open(), plugins: open(), discovery: open(),
    browser: open(), cron: open(), web: open(), env: open(), auth: open(), update: open(),
  },
  closed,
);
export type OpenClawConfig = Static<typeof OpenClawConfig>;
