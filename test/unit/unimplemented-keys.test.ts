/**
 * Accepted-but-ignored config keys are named, implemented ones are not, and every row of the
 * table is a key the schema really accepts (a typo would never match a real config).
 */
import { describe, expect, test } from "bun:test";
import { OpenClawConfig } from "../../protocol/config-schema.ts";
import type { JsonSchema } from "../../protocol/schema-builder.ts";
import { checkConfig } from "../../src/config/read-config.ts";
import { UNIMPLEMENTED_KEYS, unimplementedKeys } from "../../src/config/unimplemented-keys.ts";

/** Every key this build implements, set to something that would matter. */
const IMPLEMENTED = {
  $schema: "https://example.invalid/openclaw.schema.json",
  meta: { lastTouchedVersion: "2026.9.6", lastTouchedAt: "2026-09-06T00:00:00.000Z" },
  wizard: { lastRunAt: "2026-09-06T00:00:00.000Z", lastRunCommand: "onboard" },
  gateway: {
    port: 18789,
    mode: "local",
    bind: "lan",
    customBindHost: "10.0.0.2",
    auth: { mode: "token", token: "abcdefabcdefabcdef", password: "pw", rateLimit: { maxAttempts: 5, windowMs: 1000, lockoutMs: 0, exemptLoopback: false } },
    trustedProxies: ["10.0.0.1"],
    controlUi: { allowedOrigins: ["https://ui.example"] },
    remote: { url: "wss://gw.example", transport: "direct", token: "t", password: "p" },
    reload: { mode: "hot", debounceMs: 100 },
    http: { endpoints: { chatCompletions: { enabled: true }, responses: { enabled: true } } },
    nodes: { allowCommands: ["camera.snap"], denyCommands: ["system.run"] },
  },
  logging: { level: "debug", file: "/tmp/x.log", consoleLevel: "warn" },
  canvasHost: { enabled: false, root: "/tmp/canvas", port: 18800 },
  agents: { defaults: { workspace: "~/work" } },
  commands: { restart: true },
  channels: {
    telegram: { botToken: "1:x", dmPolicy: "allowlist", allowFrom: ["1"], groups: { "*": { requireMention: true } }, accounts: { work: { botToken: "2:y", textChunkLimit: 3000 } } },
    defaults: { groupPolicy: "open" },
  },
};

/** A config written for the reference gateway, using much of what this build ignores. */
const REFERENCE = {
  ...IMPLEMENTED,
  gateway: {
    ...IMPLEMENTED.gateway,
    auth: { ...IMPLEMENTED.gateway.auth, allowTailscale: true, trustedProxy: { userHeader: "x-user" } },
    controlUi: { enabled: true, basePath: "/ui", root: "/srv/ui", allowedOrigins: ["https://ui.example"], allowInsecureAuth: true, dangerouslyDisableDeviceAuth: true },
    remote: { url: "wss://gw.example", transport: "ssh", sshTarget: "me@host", sshIdentity: "~/.ssh/id", tlsFingerprint: "AA:BB" },
    tls: { enabled: true, autoGenerate: true },
    http: { endpoints: { chatCompletions: { enabled: true }, responses: { enabled: true, maxBodyBytes: 1000, files: { allowUrl: false } } } },
    nodes: { allowCommands: ["camera.snap"], browser: { mode: "auto" } },
    tools: { deny: ["exec"] },
    tailscale: { mode: "serve" },
    channelHealthCheckMinutes: 5,
  },
  logging: { level: "info", consoleStyle: "json", redactSensitive: "off", redactPatterns: ["sk-[a-z]+"] },
  canvasHost: { liveReload: true },
  agents: { defaults: { workspace: "~/work", model: { primary: "anthropic/claude" }, heartbeat: { every: "30m" } }, list: [{ id: "main" }] },
  commands: { restart: true, native: "auto" },
  channels: { telegram: { botToken: "1:x", streaming: { mode: "partial" }, accounts: { work: { botToken: "2:y", replyToMode: "first" } } }, whatsapp: { dmPolicy: "pairing" } },
  hooks: { enabled: true, token: "hook-token" },
  session: { scope: "per-sender" },
  models: { providers: {}, mode: "merge" },
  tools: { profile: "coding" },
  plugins: { entries: {}, enabled: true },
  cron: { enabled: true },
  env: { vars: { FOO: "1" } },
};

describe("unimplementedKeys", () => {
  test("an empty config names nothing", () => {
    expect(unimplementedKeys({})).toEqual([]);
  });

  test("implemented keys (gateway.auth.rateLimit included) are not named", () => {
    expect(checkConfig("test.json", IMPLEMENTED).warnings).toEqual([]);
    expect(unimplementedKeys(IMPLEMENTED as OpenClawConfig)).toEqual([]);
  });

  test("a reference config gets one line per ignored key, in table order, with its reason", () => {
    expect(checkConfig("test.json", REFERENCE).warnings).toEqual([]);
    expect(unimplementedKeys(REFERENCE as OpenClawConfig)).toEqual([
      "gateway.auth.allowTailscale (Tailscale identity auth is not supported yet)",
      "gateway.auth.trustedProxy (trusted-proxy auth is not supported yet)",
      "gateway.controlUi.root (the control UI is served from the built-in bundle; serving it from a directory is not supported yet)",
      "gateway.controlUi.allowInsecureAuth (device auth is always required)",
      "gateway.controlUi.dangerouslyDisableDeviceAuth (device auth is always required)",
      "gateway.remote.transport (SSH tunnels are not supported yet; clients connect to gateway.remote.url directly)",
      "gateway.remote.sshTarget (SSH tunnels are not supported yet; clients connect to gateway.remote.url directly)",
      "gateway.remote.sshIdentity (SSH tunnels are not supported yet; clients connect to gateway.remote.url directly)",
      "gateway.remote.tlsFingerprint (certificate pinning is not supported yet; wss:// is checked against the system CAs only)",
      "gateway.tls (TLS is not supported yet; the gateway serves plain HTTP and WS)",
      "gateway.http.endpoints.responses.files (only .enabled and .maxBodyBytes are read; file and image inputs are not supported yet)",
      "gateway.nodes.browser (browser control through nodes is not supported yet)",
      "gateway.tailscale (Tailscale serve/funnel is not supported yet)",
      "gateway.channelHealthCheckMinutes (there is no periodic channel health check; each account watches its own connection)",
      "logging.consoleStyle (console lines have one format)",
      "logging.redactSensitive (secrets are always redacted)",
      "logging.redactPatterns (custom redaction patterns are not applied yet; only built-in secret patterns are masked)",
      "canvasHost.liveReload (canvas live reload is not implemented yet)",
      "agents.defaults.heartbeat (only workspace, model, models (aliases), identity, timeoutSeconds, maxTurns and maxConcurrent are read)",
      "commands.native (only commands.restart is implemented)",
      "channels.telegram.streaming (this Telegram key is not implemented yet)",
      "channels.telegram.accounts.work.replyToMode (this Telegram key is not implemented yet)",
      "session (session scoping and reset policies are not implemented yet)",
      "models.mode (providers are always merged with the built-in ones)",
      "tools.profile (only tools.allow and tools.deny are applied)",
      "plugins (plugins are not supported yet)",
      "cron (cron jobs are not implemented yet)",
      "env (only used for model provider keys; not applied to the process environment)",
    ]);
  });

  test("values that ask for what already happens stay quiet", () => {
    const quiet = {
      gateway: {
        auth: { allowTailscale: false },
        controlUi: { enabled: false, allowInsecureAuth: false, dangerouslyDisableDeviceAuth: false },
        remote: { transport: "direct" },
        tls: { enabled: false, certPath: "/x" },
        tailscale: { mode: "off", resetOnExit: true },
        tools: {},
      },
      logging: { redactSensitive: "tools", redactPatterns: [] },
      canvasHost: { liveReload: false },
      agents: { list: [] },
      channels: { telegram: { enabled: false, botToken: "1:x" } },
      hooks: { token: "configured but not enabled" },
      browser: { enabled: false },
      session: {},
    };
    expect(checkConfig("test.json", quiet).warnings).toEqual([]);
    expect(unimplementedKeys(quiet as OpenClawConfig)).toEqual([]);
  });

  test("a `*` row reports every key under it but the implemented ones", () => {
    const config = { channels: { telegram: {}, whatsapp: { allowFrom: ["+1"] }, signal: { account: "x" } }, commands: { restart: false } };
    expect(unimplementedKeys(config as OpenClawConfig)).toEqual([
      // An empty section configures nothing.
      "channels.signal (only the Telegram and WhatsApp channels are implemented)",
    ]);
  });

  test("a key named __proto__ is reported as written, not followed into the prototype", () => {
    expect(unimplementedKeys(JSON.parse('{"channels":{"__proto__":{"x":1}}}'))).toEqual(["channels.__proto__ (only the Telegram and WhatsApp channels are implemented)"]);
  });
});

describe("the table", () => {
  /** The schema node a dotted path lands on, or null when the schema would call the key unknown. */
  function schemaAt(path: string): JsonSchema | null {
    let node: JsonSchema = OpenClawConfig;
    for (const segment of path.split(".")) {
      const properties = node.properties as Record<string, JsonSchema> | undefined;
      if (segment !== "*" && properties && Object.hasOwn(properties, segment)) node = properties[segment]!;
      else if (node.additionalProperties === false) return null;
      else node = (typeof node.additionalProperties === "object" ? node.additionalProperties : {}) as JsonSchema;
    }
    return node;
  }

  for (const row of UNIMPLEMENTED_KEYS) {
    test(`${row.path} is a key the schema accepts`, () => {
      expect(schemaAt(row.path)).not.toBeNull();
      for (const key of row.except ?? []) expect(schemaAt(row.path.replace("*", key))).not.toBeNull();
    });
  }

  test("paths are unique and gateway.auth.rateLimit is not listed (it is being implemented)", () => {
    const paths = UNIMPLEMENTED_KEYS.map((row) => row.path);
    expect(new Set(paths).size).toBe(paths.length);
    expect(paths.filter((p) => p.startsWith("gateway.auth.rateLimit"))).toEqual([]);
  });
});
