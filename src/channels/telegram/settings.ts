/**
 * The adapter's own keys of an account section (channels-and-models.md §3.3), read once into
 * plain values. Out-of-range numbers are clamped rather than refused: they tune behaviour, and
 * a gateway that will not start over a timeout is worse than one that uses the nearest sane value.
 */
export const DEFAULT_API_ROOT = "https://api.telegram.org";
export const DEFAULT_WEBHOOK_PATH = "/telegram-webhook";
/** OpenClaw's default chunk size; Telegram's hard limit is 4096. */
export const DEFAULT_TEXT_LIMIT = 4000;
export const TELEGRAM_TEXT_MAX = 4096;
/** The long-poll `timeout` we ask Telegram for (seconds). */
export const POLL_TIMEOUT_SECONDS = 30;
/** How long past the poll timeout an unanswered `getUpdates` counts as wedged. */
export const STALL_MARGIN_MS = 15_000;

const SECRET_TOKEN = /^[A-Za-z0-9_-]{1,256}$/;

export interface TelegramSettings {
  apiRoot: string;
  textLimit: number;
  /** grammY's per-request timeout for everything but the long poll (seconds). */
  requestTimeoutSeconds: number;
  stallThresholdMs: number;
  linkPreview: boolean;
  webhook: { url: string; secret: string; path: string } | null;
}

export type SettingsResult = { ok: true; settings: TelegramSettings } | { ok: false; problem: string };

function num(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

function str(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
}

/** `webhookPath` with one leading slash; the route the gateway must serve. */
export function webhookPathOf(section: Readonly<Record<string, unknown>>): string {
  const path = str(section.webhookPath) ?? DEFAULT_WEBHOOK_PATH;
  return path.startsWith("/") ? path : `/${path}`;
}

function apiRootOf(value: unknown): { ok: true; root: string } | { ok: false; problem: string } {
  const root = (str(value) ?? DEFAULT_API_ROOT).replace(/\/+$/, "");
  let url: URL;
  try {
    url = new URL(root);
  } catch {
    return { ok: false, problem: "apiRoot is not a URL" };
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return { ok: false, problem: "apiRoot must be an http(s) URL" };
  // grammY appends `/bot<token>/<method>` itself; a root that already has it would put the token twice.
  if (/\/bot[^/]*/.test(url.pathname)) return { ok: false, problem: "apiRoot must be the Bot API root, without /bot<token>" };
  return { ok: true, root };
}

export function readTelegramSettings(section: Readonly<Record<string, unknown>>): SettingsResult {
  const apiRoot = apiRootOf(section.apiRoot);
  if (!apiRoot.ok) return apiRoot;

  const webhookUrl = str(section.webhookUrl);
  const webhookSecret = str(section.webhookSecret);
  let webhook: TelegramSettings["webhook"] = null;
  if (webhookUrl || webhookSecret) {
    // Half a webhook config must not fall back to polling: polling deletes the user's webhook.
    if (!webhookUrl) return { ok: false, problem: "webhookSecret is set but webhookUrl is not" };
    if (!webhookSecret) return { ok: false, problem: "webhookUrl needs webhookSecret (Telegram's secret_token)" };
    if (!SECRET_TOKEN.test(webhookSecret)) return { ok: false, problem: "webhookSecret must be 1-256 characters of A-Z a-z 0-9 _ -" };
    if (!/^https?:\/\//i.test(webhookUrl)) return { ok: false, problem: "webhookUrl must be an https URL" };
    webhook = { url: webhookUrl, secret: webhookSecret, path: webhookPathOf(section) };
  }

  const minStall = POLL_TIMEOUT_SECONDS * 1000 + 5000;
  const stall = num(section.pollingStallThresholdMs);
  return {
    ok: true,
    settings: {
      apiRoot: apiRoot.root,
      textLimit: Math.floor(clamp(num(section.textChunkLimit) ?? DEFAULT_TEXT_LIMIT, 1, TELEGRAM_TEXT_MAX)),
      requestTimeoutSeconds: clamp(num(section.timeoutSeconds) ?? 60, 5, 500),
      stallThresholdMs: stall === undefined ? POLL_TIMEOUT_SECONDS * 1000 + STALL_MARGIN_MS : clamp(stall, Math.max(30_000, minStall), 600_000),
      linkPreview: section.linkPreview !== false,
      webhook,
    },
  };
}
