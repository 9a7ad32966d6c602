/**
 * Config keys this build accepts but does not act on. The schema lets them through so a
 * config written for the reference gateway loads; the gateway names each one present at start,
 * so nobody believes TLS or a channel is running because the config says so. An issue that
 * implements a key deletes its row here.
 */
import type { OpenClawConfig } from "../../protocol/config-schema.ts";

export interface UnimplementedKey {
  /** Dotted path; a `*` segment matches any key and is reported by that key's name. */
  path: string;
  /** One line for the log: what this build does not do. */
  reason: string;
  /** Keys a `*` skips because they are implemented. */
  except?: readonly string[];
  /**
   * Whether the value asks for something this build does not do. Default: any non-empty
   * value does; values that ask for what already happens (`enabled: false` of something
   * absent) stay quiet, or every reference config would start with a page of warnings.
   */
  matters?: (value: unknown) => boolean;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function hasContent(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (Array.isArray(value)) return value.length > 0;
  if (isRecord(value)) return Object.keys(value).length > 0;
  return true;
}

/** A section that is on unless it says `enabled: false`. */
const turnedOn = (value: unknown) => hasContent(value) && !(isRecord(value) && value.enabled === false);
const tailscaleOn = (value: unknown) => isRecord(value) && value.mode !== undefined && value.mode !== "off";
const isTrue = (value: unknown) => value === true;

const NO_CHANNEL = "only the Telegram and WhatsApp channels are implemented";
/** The `channels.telegram` keys the Telegram channel reads (per account too). */
const TELEGRAM_KEYS = [
  "enabled", "botToken", "tokenFile", "accounts", "dmPolicy", "allowFrom", "groupPolicy", "groupAllowFrom", "groups",
  "apiRoot", "webhookUrl", "webhookSecret", "webhookPath", "textChunkLimit", "timeoutSeconds", "pollingStallThresholdMs", "linkPreview",
] as const;
const TELEGRAM_UNREAD = "this Telegram key is not implemented yet";
/** The `channels.whatsapp` keys the WhatsApp channel reads (per account too). */
const WHATSAPP_KEYS = [
  "enabled", "accounts", "dmPolicy", "allowFrom", "groupPolicy", "groupAllowFrom", "groups",
  "textChunkLimit", "sendReadReceipts", "mediaMaxMb", "maxMessagesPerMinute", "fetchLatestVersion", "selfChatMode",
] as const;
const WHATSAPP_UNREAD = "this WhatsApp key is not implemented yet";
const NO_CONTROL_UI_ROOT = "the control UI is served from the built-in bundle; serving it from a directory is not supported yet";
const NO_SSH = "SSH tunnels are not supported yet; clients connect to gateway.remote.url directly";

/**
 * Left out on purpose: `meta` and `wizard` (bookkeeping written by config tools, nothing to
 * implement), `$schema`, and `gateway.auth.rateLimit` (being implemented).
 */
export const UNIMPLEMENTED_KEYS: readonly UnimplementedKey[] = [
  { path: "gateway.auth.allowTailscale", reason: "Tailscale identity auth is not supported yet", matters: isTrue },
  { path: "gateway.auth.trustedProxy", reason: "trusted-proxy auth is not supported yet" },
  { path: "gateway.controlUi.root", reason: NO_CONTROL_UI_ROOT },
  { path: "gateway.controlUi.allowInsecureAuth", reason: "device auth is always required", matters: isTrue },
  { path: "gateway.controlUi.dangerouslyDisableDeviceAuth", reason: "device auth is always required", matters: isTrue },
  { path: "gateway.remote.transport", reason: NO_SSH, matters: (value) => value === "ssh" },
  { path: "gateway.remote.sshTarget", reason: NO_SSH },
  { path: "gateway.remote.sshIdentity", reason: NO_SSH },
  { path: "gateway.remote.tlsFingerprint", reason: "certificate pinning is not supported yet; wss:// is checked against the system CAs only" },
  { path: "gateway.tls", reason: "TLS is not supported yet; the gateway serves plain HTTP and WS", matters: turnedOn },
  { path: "gateway.http.endpoints.chatCompletions.*", except: ["enabled"], reason: "only .enabled is read; the body limit is 1 MiB and image inputs are not supported yet" },
  { path: "gateway.http.endpoints.responses.*", except: ["enabled", "maxBodyBytes"], reason: "only .enabled and .maxBodyBytes are read; file and image inputs are not supported yet" },
  { path: "gateway.nodes.browser", reason: "browser control through nodes is not supported yet" },
  { path: "gateway.tailscale", reason: "Tailscale serve/funnel is not supported yet", matters: tailscaleOn },
  { path: "gateway.channelHealthCheckMinutes", reason: "there is no periodic channel health check; each account watches its own connection" },
  { path: "logging.consoleStyle", reason: "console lines have one format" },
  { path: "logging.redactSensitive", reason: "secrets are always redacted", matters: (value) => value !== "tools" },
  { path: "logging.redactPatterns", reason: "custom redaction patterns are not applied yet; only built-in secret patterns are masked" },
  { path: "canvasHost.liveReload", reason: "canvas live reload is not implemented yet", matters: isTrue },
  {
    path: "agents.defaults.*",
    except: ["workspace", "model", "models", "identity", "timeoutSeconds", "maxTurns", "maxConcurrent"],
    reason: "only workspace, model, models (aliases), identity, timeoutSeconds, maxTurns and maxConcurrent are read",
  },
  { path: "commands.*", except: ["restart"], reason: "only commands.restart is implemented" },
  { path: "channels.*", except: ["telegram", "whatsapp", "defaults"], reason: NO_CHANNEL, matters: turnedOn },
  { path: "channels.defaults.*", except: ["groupPolicy"], reason: "only channels.defaults.groupPolicy is read" },
  { path: "channels.telegram.*", except: TELEGRAM_KEYS, reason: TELEGRAM_UNREAD },
  { path: "channels.telegram.accounts.*.*", except: TELEGRAM_KEYS, reason: TELEGRAM_UNREAD },
  { path: "channels.whatsapp.*", except: WHATSAPP_KEYS, reason: WHATSAPP_UNREAD },
  { path: "channels.whatsapp.accounts.*.*", except: WHATSAPP_KEYS, reason: WHATSAPP_UNREAD },
  { path: "web", reason: "web.* is not read: WhatsApp reconnects with the channel manager's backoff and watches its socket's keepalive" },
  { path: "hooks.*", except: ["enabled", "token", "path", "maxBodyBytes"], reason: "only the direct /wake and /agent hooks are served; mappings, presets and session policy are not implemented yet" },
  { path: "session", reason: "session scoping and reset policies are not implemented yet" },
  { path: "identity", reason: "use agents.list[].identity (or agents.defaults.identity)" },
  { path: "agent", reason: "the legacy agent section is not read; use agents.defaults" },
  { path: "models.mode", reason: "providers are always merged with the built-in ones" },
  { path: "auth", reason: "model provider auth profiles are not implemented yet" },
  { path: "tools.*", except: ["allow", "deny"], reason: "only tools.allow and tools.deny are applied" },
  { path: "bindings", reason: "agent routing bindings are not implemented yet" },
  { path: "routing", reason: "message routing is not implemented yet" },
  { path: "messages", reason: "message handling settings are not implemented yet" },
  { path: "audio", reason: "audio transcription is not implemented yet" },
  { path: "talk", reason: "talk mode is not implemented yet" },
  { path: "skills", reason: "skills are not implemented yet" },
  { path: "ui", reason: "the control UI does not read ui.* settings yet" },
  { path: "plugins", reason: "plugins are not supported yet" },
  { path: "discovery", reason: "LAN discovery is not implemented yet" },
  { path: "browser", reason: "browser control is not implemented yet", matters: turnedOn },
  { path: "cron", reason: "cron jobs are not implemented yet", matters: turnedOn },
  { path: "env", reason: "only used for model provider keys; not applied to the process environment" },
  { path: "update", reason: "update checks are not implemented yet" },
];

/** Concrete paths under `node` matching `segments`, with their values. */
function* resolve(node: unknown, segments: readonly string[], prefix: string, except: readonly string[]): Generator<[string, unknown]> {
  if (segments.length === 0) {
    yield [prefix, node];
    return;
  }
  if (!isRecord(node)) return;
  const [head, ...rest] = segments as [string, ...string[]];
  const keys = head === "*" ? Object.keys(node).filter((key) => !except.includes(key)) : Object.hasOwn(node, head) ? [head] : [];
  for (const key of keys) yield* resolve(node[key], rest, prefix ? `${prefix}.${key}` : key, except);
}

/** `path (reason)` for every accepted-but-ignored key present in `config`, in table order. */
export function unimplementedKeys(config: Readonly<OpenClawConfig>): string[] {
  const found: string[] = [];
  for (const row of UNIMPLEMENTED_KEYS) {
    const matters = row.matters ?? hasContent;
    for (const [path, value] of resolve(config, row.path.split("."), "", row.except ?? [])) {
      if (matters(value)) found.push(`${path} (${row.reason})`);
    }
  }
  return found;
}
