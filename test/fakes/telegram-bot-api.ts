/**
 * A fake Telegram Bot API on 127.0.0.1 (port 0) speaking the real wire shape, for grammY's
 * `client.apiRoot`: `POST /bot<token>/<method>` with JSON, urlencoded or multipart bodies (GET
 * with a query works too), answers `{ok: true, result}` or `{ok: false, error_code,
 * description, parameters?}` with the error code as HTTP status; files at
 * `GET /file/bot<token>/<file_path>`. Unknown tokens get 401, unknown methods 404.
 *
 *   const tg = startFakeTelegram();                 // one bot: tg.token, tg.bot.info.username "fake_test_bot"
 *   apiRoot: tg.apiRoot                              // "http://127.0.0.1:<port>"
 *   tg.pushMessage({ text: "hi" })                   // a user writes (defaults: private chat with user 1001 "Ada")
 *   tg.pushMessage({ chatId: -1001, text: "@fake_test_bot hi", threadId: 7, replyTo: 12, photo: true })
 *   tg.pushUpdate({ edited_message: … })             // any update; update_id assigned unless given
 *   await tg.waitFor("a reply", () => tg.sent[0])    // re-checked on every request, no sleeping
 *   tg.changed                                       // that Condition: wake it from your own code to share waits
 *   tg.sent[0]  // { method, chat_id: "1001", message_id, text, parse_mode, reply_parameters, message_thread_id, file? }
 *   tg.failNext("sendMessage", { error_code: 429, description: "Too Many Requests: retry after 30", retry_after: 30 })
 *   tg.stall() / tg.unstall()                        // getUpdates stops answering (only the client aborting ends it)
 *   tg.confirmedOffset, tg.pending, tg.callCount("getUpdates"), tg.calls, tg.conflicts, tg.bot.webhook
 *   await tg.deliverWebhook()                        // POSTs pending updates to the set webhook, like Telegram
 *   await tg.stop();
 *
 * Methods: getMe, deleteWebhook, setWebhook, getWebhookInfo, getUpdates, sendMessage,
 * sendChatAction, sendPhoto, sendDocument, getFile.
 *
 * getUpdates follows Telegram: a positive `offset` confirms (drops) every update below it
 * (`confirmedOffset`); `timeout` holds the request until an update is pushed or the timeout
 * passes; a second getUpdates while one is held makes the FIRST answer 409 "Conflict: terminated
 * by other getUpdates request; make sure that only one bot instance is running" (`conflicts`
 * counts them); with a webhook set it answers 409 "can't use getUpdates method while webhook is
 * active". A client that goes away frees its poll. sendMessage and captions are checked like
 * Telegram does: empty text, over 4096 (1024 for captions) visible characters, and for
 * `parse_mode: "HTML"` unknown/unclosed/crossed tags → 400 "Bad Request: can't parse entities: …".
 *
 * Several bots: `startFakeTelegram({ bots: [{ token: "1:a…" }, { token: "2:b…", username: "other_bot" }] })`;
 * `tg.botFor(token)` gives each one's state (`FakeBot`); the top-level helpers act on the first.
 */
import { Condition } from "../helpers/condition.ts";
import { FakeBot, type ApiAnswer, type FakeApiError, type PushMessageInput, type RecordedCall, type SentFile, type SentMessage } from "./telegram-fake-bot.ts";

export { FakeBot, DEFAULT_SENDER } from "./telegram-fake-bot.ts";
export type { FakeApiError, PushMessageInput, RecordedCall, SentFile, SentMessage } from "./telegram-fake-bot.ts";

/** Token shape as Telegram issues them; tests must never see it in a log line. */
export const FAKE_TELEGRAM_TOKEN = "123456789:AAFakeTokenForTests_abcdefghijklmnopq";

export interface FakeBotOptions {
  /** Default `FAKE_TELEGRAM_TOKEN` for the first bot. */
  token?: string;
  /** Default the number before ":" in the token. */
  id?: number;
  /** Default "fake_test_bot" (then "fake_test_bot2", …). */
  username?: string;
  /** Default "Fake Bot". */
  firstName?: string;
}

export interface FakeTelegramOptions {
  bots?: FakeBotOptions[];
  /** The first update_id handed out. Default 1. */
  firstUpdateId?: number;
}

export interface FakeTelegram {
  apiRoot: string;
  /** The first bot's token and state. */
  token: string;
  bot: FakeBot;
  bots: FakeBot[];
  botFor(token: string): FakeBot;
  pushUpdate: FakeBot["pushUpdate"];
  pushMessage(input: PushMessageInput): ReturnType<FakeBot["pushMessage"]>;
  failNext(method: string, error: FakeApiError, times?: number): void;
  stall(): void;
  unstall(): void;
  readonly sent: SentMessage[];
  readonly calls: RecordedCall[];
  readonly confirmedOffset: number;
  readonly pending: ReturnType<FakeBot["pushUpdate"]>[];
  readonly conflicts: number;
  callCount(method: string): number;
  /** Woken after every request, push and poll start; share it with your own waits. */
  changed: Condition;
  /** Resolves with the first defined value of `check`, re-checked after every request and push. */
  waitFor<T>(what: string, check: () => T | undefined, timeoutMs?: number): Promise<T>;
  /** Posts the first bot's pending updates to its webhook, in order; confirmed on 2xx. Returns the statuses. */
  deliverWebhook(): Promise<number[]>;
  stop(): Promise<void>;
}

function answer(body: ApiAnswer): Response {
  if (body.ok) return Response.json(body);
  const { error_code, description, retry_after, migrate_to_chat_id } = body;
  const parameters = retry_after !== undefined || migrate_to_chat_id !== undefined ? { parameters: { retry_after, migrate_to_chat_id } } : {};
  return Response.json({ ok: false, error_code, description, ...parameters }, { status: error_code });
}

/** Form fields as grammY sends them: objects as JSON text, numbers as text. */
function fieldValue(value: string): unknown {
  if (/^[[{]/.test(value)) {
    try {
      return JSON.parse(value);
    } catch {
      return value;
    }
  }
  return /^-?\d+$/.test(value) && Number.isSafeInteger(Number(value)) ? Number(value) : value;
}

interface ParsedRequest {
  params: Record<string, unknown>;
  files: Map<string, File>;
}

async function parseParams(request: Request, url: URL): Promise<ParsedRequest> {
  const params: Record<string, unknown> = {};
  const files = new Map<string, File>();
  for (const [key, value] of url.searchParams) params[key] = fieldValue(value);
  const type = request.headers.get("content-type") ?? "";
  if (type.includes("application/json")) {
    const text = await request.text();
    if (text) Object.assign(params, JSON.parse(text));
  } else if (type.includes("multipart/form-data") || type.includes("application/x-www-form-urlencoded")) {
    for (const [key, value] of (await request.formData()).entries()) {
      if (typeof value === "string") params[key] = fieldValue(value);
      else files.set(key, value);
    }
  }
  return { params, files };
}

/** The file a sendPhoto/sendDocument carried: `attach://<part>` → the uploaded part, else the string (URL or file_id). */
async function fileOf(value: unknown, files: Map<string, File>): Promise<SentFile | undefined> {
  if (typeof value !== "string" || value === "") return undefined;
  const attached = /^attach:\/\/(.+)$/.exec(value);
  if (!attached) return { upload: false, ref: value };
  const part = files.get(attached[1]!);
  if (!part) return undefined;
  return { upload: true, name: part.name, size: part.size, type: part.type, bytes: new Uint8Array(await part.arrayBuffer()) };
}

export function startFakeTelegram(options: FakeTelegramOptions = {}): FakeTelegram {
  const changed = new Condition();
  const specs = options.bots && options.bots.length > 0 ? options.bots : [{}];
  const bots = specs.map((spec, index) => {
    const token = spec.token ?? (index === 0 ? FAKE_TELEGRAM_TOKEN : `${987654320 + index}:AAFakeTokenForTests_other${index}_abcdefghij`);
    return new FakeBot(
      {
        token,
        id: spec.id ?? Number(token.split(":")[0]),
        username: spec.username ?? (index === 0 ? "fake_test_bot" : `fake_test_bot${index + 1}`),
        firstName: spec.firstName ?? "Fake Bot",
        firstUpdateId: options.firstUpdateId ?? 1,
      },
      changed,
    );
  });
  const byToken = new Map(bots.map((bot) => [bot.token, bot]));

  async function call(bot: FakeBot, method: string, request: Request, url: URL): Promise<ApiAnswer | null> {
    const { params, files } = await parseParams(request, url);
    bot.calls.push({ method, params, at: Date.now() });
    if (bot.revoked) return { ok: false, error_code: 401, description: "Unauthorized" };
    const failure = bot.takeFailure(method);
    if (failure) return { ok: false, ...failure };
    switch (method) {
      case "getMe":
        return { ok: true, result: { ...bot.info, can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false } };
      case "deleteWebhook":
        bot.webhook = null;
        return { ok: true, result: true };
      case "setWebhook": {
        const target = String(params.url ?? "");
        if (target === "") {
          bot.webhook = null;
          return { ok: true, result: true };
        }
        if (!URL.canParse(target)) return { ok: false, error_code: 400, description: "Bad Request: bad webhook: Failed to resolve host: Name or service not known" };
        bot.webhook = { url: target, secret_token: params.secret_token as string | undefined, allowed_updates: params.allowed_updates as string[] | undefined };
        return { ok: true, result: true };
      }
      case "getWebhookInfo":
        return { ok: true, result: { url: bot.webhook?.url ?? "", has_custom_certificate: false, pending_update_count: bot.pending.length } };
      case "getUpdates":
        return bot.getUpdates(params, request.signal);
      case "sendMessage":
        return bot.recordSend("sendMessage", params);
      case "sendPhoto":
        return bot.recordSend("sendPhoto", params, await fileOf(params.photo, files));
      case "sendDocument":
        return bot.recordSend("sendDocument", params, await fileOf(params.document, files));
      case "sendChatAction":
        bot.chatActions.push({ chat_id: String(params.chat_id), action: String(params.action), ...(params.message_thread_id !== undefined ? { message_thread_id: Number(params.message_thread_id) } : {}) });
        return { ok: true, result: true };
      case "getFile":
        return bot.getFile(params);
      default:
        return { ok: false, error_code: 404, description: "Not Found" };
    }
  }

  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(request, srv) {
      const url = new URL(request.url);
      const file = /^\/file\/bot([^/]+)\/(.+)$/.exec(url.pathname);
      if (file) {
        const stored = byToken.get(decodeURIComponent(file[1]!))?.fileByPath(file[2]!);
        return stored ? new Response(stored.bytes, { headers: { "content-type": stored.mimeType ?? "application/octet-stream" } }) : new Response("Not Found", { status: 404 });
      }
      const match = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(url.pathname);
      if (!match) return answer({ ok: false, error_code: 404, description: "Not Found" });
      const bot = byToken.get(decodeURIComponent(match[1]!));
      if (!bot) return answer({ ok: false, error_code: 401, description: "Unauthorized" });
      // Long polls are silent for up to `timeout` seconds; Bun would cut them at idleTimeout.
      if (match[2] === "getUpdates") srv.timeout(request, 0);
      try {
        const result = await call(bot, match[2]!, request, url);
        changed.wake();
        // null: the client went away (or the fake stopped); nobody reads this.
        return result ? answer(result) : new Response(null, { status: 499 });
      } catch (error) {
        changed.wake();
        return answer({ ok: false, error_code: 400, description: `Bad Request: ${(error as Error).message}` });
      }
    },
  });

  const first = bots[0]!;
  return {
    apiRoot: `http://127.0.0.1:${server.port}`,
    token: first.token,
    bot: first,
    bots,
    botFor(token) {
      const bot = byToken.get(token);
      if (!bot) throw new Error("no fake bot with that token");
      return bot;
    },
    pushUpdate: (update) => first.pushUpdate(update),
    pushMessage: (input) => first.pushMessage(input),
    failNext: (method, error, times) => first.failNext(method, error, times),
    stall: () => first.stall(),
    unstall: () => first.unstall(),
    get sent() {
      return first.sent;
    },
    get calls() {
      return first.calls;
    },
    get confirmedOffset() {
      return first.confirmedOffset;
    },
    get pending() {
      return first.pending;
    },
    get conflicts() {
      return first.conflicts;
    },
    callCount: (method) => first.callCount(method),
    changed,
    waitFor: (what, check, timeoutMs) => changed.waitFor(what, check, timeoutMs),
    async deliverWebhook() {
      const hook = first.webhook;
      if (!hook) throw new Error("no webhook is set");
      const statuses: number[] = [];
      for (const update of first.pending) {
        const headers: Record<string, string> = { "content-type": "application/json" };
        if (hook.secret_token) headers["x-telegram-bot-api-secret-token"] = hook.secret_token;
        const response = await fetch(hook.url, { method: "POST", headers, body: JSON.stringify(update) });
        await response.arrayBuffer();
        statuses.push(response.status);
        if (response.ok) first.confirmWebhookDelivery(update.update_id);
        else break;
      }
      changed.wake();
      return statuses;
    },
    async stop() {
      for (const bot of bots) bot.close();
      await server.stop(true);
    },
  };
}
