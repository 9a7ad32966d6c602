/**
 * `openclaw message send --target <dest> --message "…" [--media <path|url>]…`: one outbound
 * message through the gateway's channels (protocol.md §6 Messaging, `send`). The gateway owns the
 * channel connection; when it is down the command fails at once and never talks to the platform
 * itself (runbook: "no fallback"). Every send carries an idempotency key, so a retry with the same
 * key (`--idempotency-key`) is delivered at most once. Flags follow the reference CLI.
 */
import { defineCommand } from "citty";
import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import type { SendResult } from "../../protocol/methods/channels.ts";
import { ClientError, GatewayClient } from "../client/gateway-client.ts";
import { CliError } from "./cli-error.ts";
import { commandHint, flagsProfile } from "./command-hint.ts";
import { CLI_SCOPES, cliErrorOf, connectionArgs, resolveClientOptions } from "./gateway-target.ts";
import { globalFlags } from "./global-flags.ts";

/** Above the connection default: the gateway answers once the platform has accepted the message. */
const SEND_TIMEOUT_MS = "30000";

const args = {
  target: { type: "string", alias: "t", description: "Recipient: Telegram chat id or @username, WhatsApp E.164 or group JID" },
  message: { type: "string", alias: "m", description: "Message body (required unless --media is set)" },
  media: { type: "string", description: "Attach media: a local path or an http(s) URL; repeat to attach several" },
  channel: { type: "string", description: "Channel: telegram | whatsapp (default: the gateway's linked channel)" },
  account: { type: "string", description: "Channel account id (accountId)" },
  "thread-id": { type: "string", description: "Thread id (Telegram forum topic)" },
  "idempotency-key": { type: "string", description: "Reuse a key to retry a send safely (default: a fresh one)" },
  "dry-run": { type: "boolean", description: "Print the request and send nothing", default: false },
  ...connectionArgs,
  timeout: { ...connectionArgs.timeout, default: SEND_TIMEOUT_MS },
} as const;

const isUrl = (value: string) => /^https?:\/\//i.test(value);

/** Every `--media` value in order: citty keeps only the last of a repeated flag. */
export function mediaFlags(rawArgs: readonly string[]): string[] {
  const values: string[] = [];
  for (let i = 0; i < rawArgs.length; i++) {
    const arg = rawArgs[i]!;
    if (arg === "--") break;
    if (arg === "--media" && rawArgs[i + 1] !== undefined) values.push(rawArgs[++i]!);
    else if (arg.startsWith("--media=")) values.push(arg.slice("--media=".length));
  }
  return values;
}

/** A local file becomes an absolute path (the gateway runs elsewhere in the file system); it must exist. */
async function mediaSource(value: string): Promise<string> {
  if (!value.trim()) throw new CliError("--media must not be blank");
  if (isUrl(value)) return value;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) throw new CliError(`unsupported --media ${value}: use a local path or an http(s) URL`);
  const path = resolve(value);
  const info = await stat(path).catch(() => null);
  if (!info) throw new CliError(`media file not found: ${value}`);
  if (!info.isFile()) throw new CliError(`media is not a regular file: ${value}`);
  return path;
}

function nonBlank(flag: string, value: string | undefined): string | undefined {
  if (value !== undefined && !value.trim()) throw new CliError(`--${flag} must not be blank`);
  return value?.trim();
}

/** The `send` params; bad flags fail here, before connecting. */
export async function sendParams(flags: Record<string, unknown>, rawArgs: readonly string[]): Promise<Record<string, unknown>> {
  const text = (name: string) => (typeof flags[name] === "string" ? (flags[name] as string) : undefined);
  const to = nonBlank("target", text("target"));
  if (!to) throw new CliError('missing --target: use openclaw message send --target <dest> --message "…"');
  const message = text("message");
  const media = await Promise.all(mediaFlags(rawArgs).map(mediaSource));
  if (!message?.trim() && media.length === 0) throw new CliError("nothing to send: use --message <text> and/or --media <path|url>");
  const optional = {
    channel: nonBlank("channel", text("channel"))?.toLowerCase(),
    accountId: nonBlank("account", text("account")),
    threadId: nonBlank("thread-id", text("thread-id")),
  };
  return {
    to,
    ...(message?.trim() ? { message } : {}),
    ...(media.length === 1 ? { mediaUrl: media[0] } : media.length > 1 ? { mediaUrls: media } : {}),
    ...Object.fromEntries(Object.entries(optional).filter(([, value]) => value !== undefined)),
    idempotencyKey: nonBlank("idempotency-key", text("idempotency-key")) ?? crypto.randomUUID(),
  };
}

export function describeSent(result: SendResult, to: string): string {
  return `Sent via ${result.channel} to ${result.chatId ?? to}. Message ID: ${result.messageId}`;
}

/** Writes and waits until it is handed off, so nothing is cut when the process exits. */
const out = (text: string) => new Promise<void>((done) => process.stdout.write(text + "\n", () => done()));

const sendCommand = defineCommand({
  meta: { name: "send", description: "Send a message to a channel target through the gateway" },
  args,
  async run({ args: flags, rawArgs }) {
    const params = await sendParams(flags, rawArgs);
    if (flags["dry-run"]) return await out(JSON.stringify({ method: "send", params }, null, 2));
    const key = params.idempotencyKey as string;
    const client = new GatewayClient(await resolveClientOptions(flags, CLI_SCOPES));
    /** `--json` carries the gateway's own message; stderr says it in a sentence. */
    const fail = async (message: string, code?: string, raw = message): Promise<never> => {
      if (flags.json) await out(JSON.stringify({ ok: false, idempotencyKey: key, error: { code: code ?? null, message: raw } }, null, 2));
      throw new CliError(message);
    };
    let sent = false;
    try {
      await client.connect();
      sent = true;
      const res = await client.request("send", params);
      if (!res.ok) {
        const reason = res.error?.message ?? "unknown error";
        // Still in the gateway's outbox (a platform outage, a rate limit): it keeps retrying on its own.
        const queued = res.error?.details?.queued === true ? `; the same key never sends twice: --idempotency-key ${key}` : "";
        // An account that is configured but reconnecting says why in the status table.
        const linked = res.error?.code === "NOT_LINKED" ? ` (see: ${commandHint(flagsProfile(globalFlags()), "channels status")})` : "";
        return await fail(`send failed: ${reason}${queued}${linked}`, res.error?.code, reason);
      }
      const result = res.payload as SendResult;
      await out(flags.json ? JSON.stringify(result, null, 2) : describeSent(result, params.to as string));
    } catch (error) {
      if (!(error instanceof ClientError)) throw error;
      if (!sent) return await fail(cliErrorOf(error, client.url).message, error.code);
      // The request went out: the gateway may have queued or delivered it. The same key never sends twice.
      await fail(`${error.message}; the message may still be delivered: to retry without sending it twice, repeat with --idempotency-key ${key}`, error.code);
    } finally {
      client.close();
    }
  },
});

export default defineCommand({
  meta: { name: "message", description: "Send messages through the gateway's channels" },
  subCommands: { send: sendCommand },
});
