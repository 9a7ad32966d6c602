/**
 * The state of one bot on the fake Bot API (`telegram-bot-api.ts` documents the public API):
 * its update queue with Telegram's offset semantics, the single long poll it allows, what was
 * sent through it, scripted failures and files. The server turns requests into calls here.
 */
import type { Message, Update, User } from "grammy/types";
import type { Condition } from "../helpers/condition.ts";
import { checkTelegramHtml } from "./telegram-fake-html.ts";
import { buildMessage, type PushMessageInput } from "./telegram-fake-message.ts";

export { DEFAULT_SENDER, type PushMessageInput } from "./telegram-fake-message.ts";

export interface FakeApiError {
  error_code: number;
  description: string;
  /** Sent as `parameters.retry_after` (429). */
  retry_after?: number;
  /** Sent as `parameters.migrate_to_chat_id` (400, group upgraded). */
  migrate_to_chat_id?: number;
}

/** A Bot API answer: the HTTP status is the error code, as Telegram does. */
export type ApiAnswer = { ok: true; result: unknown } | ({ ok: false } & FakeApiError);

export interface RecordedCall {
  method: string;
  params: Record<string, unknown>;
  at: number;
}

export type SentFile = { upload: true; name: string; size: number; type: string; bytes: Uint8Array } | { upload: false; ref: string };

export interface SentMessage {
  method: "sendMessage" | "sendPhoto" | "sendDocument";
  /** Always a string, however the client sent it. */
  chat_id: string;
  message_id: number;
  text?: string;
  caption?: string;
  parse_mode?: string;
  reply_parameters?: { message_id: number; allow_sending_without_reply?: boolean; [key: string]: unknown };
  message_thread_id?: number;
  link_preview_options?: Record<string, unknown>;
  /** sendPhoto/sendDocument: the upload, or the URL / file_id string that was given. */
  file?: SentFile;
}

interface StoredFile {
  bytes: Uint8Array;
  path: string;
  mimeType?: string;
}

interface Poll {
  offset: number;
  limit: number;
  finish(answer: ApiAnswer | null): void;
}

export class FakeBot {
  readonly token: string;
  readonly info: User & { username: string };
  /** Every call, in order, with its parsed parameters. */
  readonly calls: RecordedCall[] = [];
  /** Messages sent through sendMessage/sendPhoto/sendDocument that succeeded. */
  readonly sent: SentMessage[] = [];
  readonly chatActions: { chat_id: string; action: string; message_thread_id?: number }[] = [];
  /** The highest offset a getUpdates confirmed: updates below it are gone. */
  confirmedOffset = 0;
  /** getUpdates calls answered with 409 because a newer one took over. */
  conflicts = 0;
  webhook: { url: string; secret_token?: string; allowed_updates?: string[] } | null = null;
  /** Set to make every call answer 401 (a revoked token). */
  revoked = false;

  private queue: Update[] = [];
  private nextUpdateId: number;
  private nextMessageId = 1;
  private poll: Poll | null = null;
  private stalled = false;
  private readonly failures = new Map<string, FakeApiError[]>();
  private readonly messages = new Map<number, Message>();
  private readonly files = new Map<string, StoredFile>();

  constructor(
    options: { token: string; id: number; username: string; firstName: string; firstUpdateId: number },
    private readonly changed: Condition,
  ) {
    this.token = options.token;
    this.info = { id: options.id, is_bot: true, first_name: options.firstName, username: options.username };
    this.nextUpdateId = options.firstUpdateId;
  }

  /** Updates not yet confirmed (what a getUpdates without offset would see). */
  get pending(): Update[] {
    return [...this.queue];
  }

  /** Whether a getUpdates is being held open right now. */
  get polling(): boolean {
    return this.poll !== null;
  }

  callCount(method: string): number {
    return this.calls.filter((call) => call.method === method).length;
  }

  /** The next `times` calls of `method` fail with `error` (before anything else is checked). */
  failNext(method: string, error: FakeApiError, times = 1): void {
    const list = this.failures.get(method) ?? [];
    for (let i = 0; i < times; i++) list.push(error);
    this.failures.set(method, list);
  }

  /** getUpdates stops answering (held polls included) until `unstall()`; only the client giving up ends them. */
  stall(): void {
    this.stalled = true;
  }

  unstall(): void {
    this.stalled = false;
    this.wakePoll();
  }

  pushUpdate(update: Omit<Update, "update_id"> & { update_id?: number }): Update {
    const full = { ...update, update_id: update.update_id ?? this.nextUpdateId++ } as Update;
    this.nextUpdateId = Math.max(this.nextUpdateId, full.update_id + 1);
    if (full.message) this.messages.set(full.message.message_id, full.message);
    this.queue.push(full);
    this.wakePoll();
    this.changed.wake();
    return full;
  }

  pushMessage(input: PushMessageInput): Update {
    const message = buildMessage(input, {
      messageId: this.nextMessageId++,
      bot: this.info,
      addFile: (bytes, options) => this.addFile(bytes, options),
      known: (id) => this.messages.get(id),
    });
    return this.pushUpdate({ message: message as unknown as Update["message"] });
  }

  /** Stores a file for getFile and `/file/bot<token>/<path>`; returns its file_id. */
  addFile(bytes: Uint8Array, options: { fileName?: string; mimeType?: string } = {}): string {
    const id = `file-${this.files.size + 1}`;
    this.files.set(id, { bytes, path: `files/${id}${options.fileName ? `-${options.fileName}` : ""}`, mimeType: options.mimeType });
    return id;
  }

  fileByPath(path: string): StoredFile | undefined {
    return [...this.files.values()].find((file) => file.path === path);
  }

  private wakePoll(): void {
    if (!this.poll || this.stalled) return;
    const ready = this.available(this.poll.offset, this.poll.limit);
    if (ready.length > 0) this.poll.finish({ ok: true, result: ready });
  }

  private available(offset: number, limit: number): Update[] {
    return this.queue.filter((update) => update.update_id >= offset).slice(0, limit);
  }

  /** A scripted failure for this call, if one is queued. */
  takeFailure(method: string): FakeApiError | undefined {
    return this.failures.get(method)?.shift();
  }

  /** Telegram's offset rules: a positive offset confirms everything below it; -N keeps the last N. */
  private confirm(offset: number): void {
    if (offset > 0) {
      this.queue = this.queue.filter((update) => update.update_id >= offset);
      this.confirmedOffset = Math.max(this.confirmedOffset, offset);
    } else if (offset < 0) {
      this.queue = this.queue.slice(offset);
    }
  }

  getUpdates(params: Record<string, unknown>, clientGone: AbortSignal): ApiAnswer | Promise<ApiAnswer | null> {
    if (this.webhook) return { ok: false, error_code: 409, description: "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first" };
    if (this.poll) {
      this.conflicts++;
      this.poll.finish({ ok: false, error_code: 409, description: "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running" });
    }
    const offset = Number(params.offset ?? 0);
    this.confirm(offset);
    const limit = Math.min(100, Math.max(1, Number(params.limit ?? 100)));
    const timeout = Math.max(0, Number(params.timeout ?? 0));
    const from = offset > 0 ? offset : 0;
    const ready = this.available(from, limit);
    if (!this.stalled && (ready.length > 0 || timeout === 0)) return { ok: true, result: ready };
    return new Promise((resolve) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const poll: Poll = {
        offset: from,
        limit,
        finish: (answer) => {
          if (this.poll !== poll) return;
          this.poll = null;
          if (timer) clearTimeout(timer);
          clientGone.removeEventListener("abort", onGone);
          resolve(answer);
          this.changed.wake();
        },
      };
      const onGone = () => poll.finish(null);
      this.poll = poll;
      const expire = () => {
        if (this.stalled) timer = setTimeout(expire, timeout * 1000);
        else poll.finish({ ok: true, result: this.available(from, limit) });
      };
      timer = setTimeout(expire, timeout * 1000);
      clientGone.addEventListener("abort", onGone, { once: true });
      this.changed.wake();
    });
  }

  /** A message the bot sends, after Telegram's checks (empty, too long, HTML entities). */
  recordSend(method: SentMessage["method"], params: Record<string, unknown>, file?: SentFile): ApiAnswer {
    const chatId = params.chat_id;
    if (chatId === undefined || chatId === "") return { ok: false, error_code: 400, description: "Bad Request: chat_id is empty" };
    const body = method === "sendMessage" ? params.text : params.caption;
    const limit = method === "sendMessage" ? 4096 : 1024;
    let visible = typeof body === "string" ? body : "";
    if (typeof body === "string" && params.parse_mode === "HTML") {
      const checked = checkTelegramHtml(body);
      if (!checked.ok) return { ok: false, error_code: 400, description: checked.description };
      visible = checked.visible;
    }
    if (method === "sendMessage" && visible.trim() === "") return { ok: false, error_code: 400, description: "Bad Request: message text is empty" };
    if (visible.length > limit) {
      return { ok: false, error_code: 400, description: method === "sendMessage" ? "Bad Request: message is too long" : "Bad Request: message caption is too long" };
    }
    if (method !== "sendMessage" && !file) return { ok: false, error_code: 400, description: `Bad Request: there is no ${method === "sendPhoto" ? "photo" : "document"} in the request` };
    const record: SentMessage = { method, chat_id: String(chatId), message_id: this.nextMessageId++ };
    for (const key of ["text", "caption", "parse_mode", "reply_parameters", "message_thread_id", "link_preview_options"] as const) {
      if (params[key] !== undefined) (record as unknown as Record<string, unknown>)[key] = params[key];
    }
    if (file) record.file = file;
    const numericChat = Number(chatId);
    const message = {
      message_id: record.message_id,
      date: Math.floor(Date.now() / 1000),
      chat: Number.isFinite(numericChat) ? { id: numericChat, type: numericChat > 0 ? "private" : "supergroup" } : { id: -1, type: "channel", title: String(chatId) },
      from: this.info,
      ...(record.text !== undefined ? { text: record.text } : {}),
      ...(record.caption !== undefined ? { caption: record.caption } : {}),
    } as unknown as Message;
    this.messages.set(record.message_id, message);
    this.sent.push(record);
    return { ok: true, result: message };
  }

  getFile(params: Record<string, unknown>): ApiAnswer {
    const id = String(params.file_id ?? "");
    const file = this.files.get(id);
    if (!file) return { ok: false, error_code: 400, description: "Bad Request: invalid file_id" };
    return { ok: true, result: { file_id: id, file_unique_id: `u${id}`, file_size: file.bytes.byteLength, file_path: file.path } };
  }

  /** A webhook request for this update was answered 2xx: Telegram forgets it. */
  confirmWebhookDelivery(updateId: number): void {
    this.queue = this.queue.filter((update) => update.update_id !== updateId);
  }

  /** Ends a held poll (the fake is stopping). */
  close(): void {
    this.poll?.finish(null);
  }
}
