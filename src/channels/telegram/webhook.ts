/**
 * Webhook ingress on the gateway's own port. Bun's route table is fixed once the server
 * listens, so the routes are computed from the config at gateway start
 * (`telegramWebhookRoutes(config)`) and look up, per request, the account currently running in
 * webhook mode on that path (registered by `run`). Several accounts may share a path: the
 * secret header tells them apart.
 *
 * A request is answered 200 only after `ctx.receive` resolved (the update is in the durable
 * inbox); the agent turn runs later, so a slow reply never makes Telegram redeliver. 401 on a
 * wrong or missing secret (compared in constant time), 503 while no account listens on the
 * path, 500 if storing failed: Telegram retries everything that is not 2xx.
 */
import type { Update } from "grammy/types";
import { createHash, timingSafeEqual } from "node:crypto";
import type { OpenClawConfig } from "../../../protocol/config-schema.ts";
import type { Env } from "../../config/paths.ts";
import { mergedSection, telegramAccountIds } from "./accounts.ts";
import { readTelegramSettings } from "./settings.ts";

/** Updates are a few KB; anything near this is not from Telegram. */
const MAX_BODY_BYTES = 1024 * 1024;
export const SECRET_HEADER = "x-telegram-bot-api-secret-token";

export interface WebhookReceiver {
  accountId: string;
  secret: string;
  /** Stores the update; resolves once it is durable. */
  handle(update: Update): Promise<void>;
}

interface Registered {
  receiver: WebhookReceiver;
  digest: Buffer;
}

const receivers = new Map<string, Set<Registered>>();

function digest(value: string): Buffer {
  // Hashing first makes the comparison constant-time whatever the lengths are.
  return createHash("sha256").update(value).digest();
}

/** Makes `receiver` answer webhook requests on `path`; returns the function that removes it. */
export function registerWebhookReceiver(path: string, receiver: WebhookReceiver): () => void {
  const entry: Registered = { receiver, digest: digest(receiver.secret) };
  let set = receivers.get(path);
  if (!set) receivers.set(path, (set = new Set()));
  set.add(entry);
  return () => {
    set.delete(entry);
    if (set.size === 0 && receivers.get(path) === set) receivers.delete(path);
  };
}

function text(status: number, body: string, headers: Record<string, string> = {}): Response {
  return new Response(body, { status, headers: { "content-type": "text/plain; charset=utf-8", ...headers } });
}

/** The body, at most `MAX_BODY_BYTES`, or null when it is larger. */
async function readLimited(request: Request): Promise<string | null> {
  if (Number(request.headers.get("content-length") ?? "0") > MAX_BODY_BYTES) return null;
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > MAX_BODY_BYTES) {
      reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function findReceiver(path: string, secret: string | null): WebhookReceiver | null {
  const given = digest(secret ?? "");
  let found: WebhookReceiver | null = null;
  // Every candidate is compared, so the time taken does not say which one matched.
  for (const entry of receivers.get(path) ?? []) {
    if (timingSafeEqual(entry.digest, given) && secret !== null) found = entry.receiver;
  }
  return found;
}

/** Handles one webhook request for `path`. */
export async function handleTelegramWebhook(request: Request, path: string): Promise<Response> {
  if (request.method !== "POST") return text(405, "method not allowed", { allow: "POST" });
  if (!receivers.get(path)?.size) return text(503, "no telegram account is receiving on this path");
  const receiver = findReceiver(path, request.headers.get(SECRET_HEADER));
  if (!receiver) return text(401, "unauthorized");
  const body = await readLimited(request).catch(() => null);
  if (body === null) return text(413, "request body too large or unreadable");
  let update: unknown;
  try {
    update = JSON.parse(body);
  } catch {
    return text(400, "body is not JSON");
  }
  if (typeof update !== "object" || update === null || !Number.isSafeInteger((update as { update_id?: unknown }).update_id)) {
    return text(400, "body is not a Telegram update");
  }
  try {
    await receiver.handle(update as Update);
  } catch {
    return text(500, "could not store the update; Telegram will retry");
  }
  return new Response(null, { status: 200, headers: { "x-openclaw-delivery-accepted": "durable" } });
}

/** `(request) => Response` for one path, for a route table. */
export function telegramWebhookHandler(path: string): (request: Request) => Promise<Response> {
  return (request) => handleTelegramWebhook(request, path);
}

export interface TelegramWebhookRoute {
  path: string;
  methods: readonly string[];
  handler(request: Request): Promise<Response>;
}

/**
 * The routes the gateway must serve for `config`: one per distinct `webhookPath` of the
 * enabled accounts that have `webhookUrl` and `webhookSecret`. Compatible with the gateway's
 * `HttpRoute`; the route must not demand the gateway's bearer token (Telegram cannot send it;
 * the secret header is the authentication).
 */
export function telegramWebhookRoutes(config: Readonly<OpenClawConfig>, env: Env = {}): TelegramWebhookRoute[] {
  const channels = (config.channels ?? {}) as Record<string, unknown>;
  const root = channels.telegram;
  if (typeof root !== "object" || root === null || Array.isArray(root) || (root as Record<string, unknown>).enabled === false) return [];
  const section = root as Record<string, unknown>;
  const paths = new Set<string>();
  for (const accountId of telegramAccountIds(section, env)) {
    const merged = mergedSection(section, accountId);
    if (merged.enabled === false) continue;
    const settings = readTelegramSettings(merged);
    if (settings.ok && settings.settings.webhook) paths.add(settings.settings.webhook.path);
  }
  return [...paths].map((path) => ({ path, methods: ["POST"], handler: telegramWebhookHandler(path) }));
}
