/**
 * One attempt to link a WhatsApp account as a device: the state machine the CLI, the RPC and
 * a UI share (user-needs B5). It runs on a staged auth state (`login-staged-auth.ts`):
 *
 *   connecting → qr (rotating; each new one replaces the last) ─┐
 *   connecting → code (pairing code, asked for on the first QR) ─┴→ pairing → linked
 *                                                                  (515: reopen with the saved
 *                                                                   creds, no user restart)
 *   any state → failed | timeout            (nothing was written: no half-linked creds)
 *
 * "linked" means the socket reached `open`, was closed cleanly, and `commit` copied the creds
 * into the account's store (and started the account). Waiting is event-driven: `waitFor`
 * resolves on the change a caller asked for, or with the unchanged snapshot at its deadline.
 */
import type { AuthenticationCreds, ConnectionState } from "@whiskeysockets/baileys";
import { systemClock, type Clock, type TimerHandle } from "./clock.ts";
import { createStagedAuth, type StagedAuth } from "./login-staged-auth.ts";
import { e164OfJid } from "./jid.ts";
import { closeVerdict } from "./login-close.ts";
import { LOGIN_ENDED, type WhatsAppLoginOptions, type WhatsAppLoginSnapshot } from "./login-types.ts";

export type { WhatsAppLoginOptions } from "./login-types.ts";
import type { WaSocket } from "./socket.ts";

export const DEFAULT_LOGIN_TIMEOUT_MS = 180_000;
/** Extra time a device the phone already accepted gets to finish (the 515 restart and `open`). */
export const PAIRED_GRACE_MS = 60_000;
export const DEFAULT_MAX_RECONNECTS = 3;

type Outcome = { kind: "open"; sock: WaSocket } | { kind: "close"; error: unknown } | { kind: "aborted" };

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error ?? "closed"));

export class WhatsAppLogin {
  readonly sessionKey: string;
  readonly accountId: string;
  /** Settles with the final snapshot; never rejects. */
  readonly done: Promise<WhatsAppLoginSnapshot>;
  private readonly options: WhatsAppLoginOptions;
  private readonly clock: Clock;
  private readonly state: WhatsAppLoginSnapshot;
  private readonly watchers = new Set<() => void>();
  private readonly abort = new AbortController();
  private resolveDone!: (snapshot: WhatsAppLoginSnapshot) => void;
  private timer: TimerHandle | null = null;
  private socket: { sock: WaSocket; detach: () => void } | null = null;
  private paired = false;
  private committing = false;
  private codeRequested = false;
  private running: Promise<void> = Promise.resolve();

  constructor(options: WhatsAppLoginOptions) {
    this.options = options;
    this.sessionKey = options.sessionKey;
    this.accountId = options.accountId;
    this.clock = options.clock ?? systemClock;
    const startedAt = this.clock.now();
    this.state = {
      sessionKey: options.sessionKey,
      accountId: options.accountId,
      mode: options.pairingPhone ? "pairing-code" : "qr",
      status: "connecting",
      qrCount: 0,
      startedAt,
      expiresAt: startedAt + (options.timeoutMs ?? DEFAULT_LOGIN_TIMEOUT_MS),
      version: 0,
    };
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
  }

  /** Opens the first socket; call once. */
  start(): this {
    this.arm();
    this.running = this.run().catch((error) => this.end("failed", { error: `the login failed: ${messageOf(error)}` }));
    return this;
  }

  get ended(): boolean {
    return LOGIN_ENDED.has(this.state.status);
  }

  snapshot(): WhatsAppLoginSnapshot {
    return { ...this.state };
  }

  /** The snapshot once `until` holds for it (or the login ended), else as it is after `timeoutMs`. */
  waitFor(until: (snapshot: WhatsAppLoginSnapshot) => boolean, timeoutMs: number): Promise<WhatsAppLoginSnapshot> {
    return new Promise((resolve) => {
      const finish = () => {
        this.clock.clearTimeout(timer);
        this.watchers.delete(check);
        resolve(this.snapshot());
      };
      const check = () => {
        if (this.ended || until(this.state)) finish();
      };
      const timer = this.clock.setTimeout(finish, Math.max(0, timeoutMs));
      this.watchers.add(check);
      check();
    });
  }

  /** Ends the attempt as `failed` (unless it already ended or is saving a finished link) and closes its socket. */
  async cancel(reason: string): Promise<WhatsAppLoginSnapshot> {
    if (!this.committing) this.end("failed", { error: `cancelled: ${reason}` });
    await this.running;
    return this.done;
  }

  private async run(): Promise<void> {
    const auth = await createStagedAuth();
    let reopensLeft = this.options.maxReconnects ?? DEFAULT_MAX_RECONNECTS;
    while (!this.ended) {
      const outcome = await this.connect(auth);
      if (this.ended || outcome.kind === "aborted") return;
      if (outcome.kind === "open") return this.finish(outcome.sock, auth);
      const offered = this.state.qrCount > 0 || this.codeRequested;
      const verdict = closeVerdict({ error: outcome.error, paired: this.paired, mode: this.state.mode, offered, reopensLeft });
      if (verdict.action === "end") return this.end(verdict.status, { error: verdict.error });
      reopensLeft--;
      // The creds the phone just approved are in the staged state: the next socket logs in with them.
      this.options.log.info(`whatsapp/${this.accountId}: connection closed (${messageOf(outcome.error)}); reopening`);
    }
  }

  /** One socket's life, until it opens or closes (or the attempt ends from outside). */
  private async connect(auth: StagedAuth): Promise<Outcome> {
    const sock = await this.options.socketFactory({ ...this.options.socket, auth: auth.state });
    if (this.ended) {
      void sock.end(undefined).catch(() => {});
      return { kind: "aborted" };
    }
    return new Promise<Outcome>((resolve) => {
      const settle = (outcome: Outcome) => {
        detach();
        this.abort.signal.removeEventListener("abort", aborted);
        resolve(outcome);
      };
      const aborted = () => settle({ kind: "aborted" });
      const onUpdate = (update: Partial<ConnectionState>) => {
        if (update.qr) this.gotQr(sock, update.qr);
        if (update.isNewLogin) this.gotPaired();
        if (update.connection === "open") settle({ kind: "open", sock });
        else if (update.connection === "close") {
          settle({ kind: "close", error: update.lastDisconnect?.error });
        }
      };
      // Baileys merges creds updates itself; doing it again keeps any socket honest.
      const onCreds = (update: Partial<AuthenticationCreds>) => void Object.assign(auth.state.creds, update);
      const detach = () => {
        sock.ev.off("connection.update", onUpdate);
        sock.ev.off("creds.update", onCreds);
        if (this.socket?.sock === sock) this.socket = null;
      };
      this.socket = { sock, detach };
      sock.ev.on("connection.update", onUpdate);
      sock.ev.on("creds.update", onCreds);
      this.abort.signal.addEventListener("abort", aborted, { once: true });
    });
  }

  private gotQr(sock: WaSocket, qr: string): void {
    if (this.paired || this.ended) return;
    const phone = this.options.pairingPhone;
    if (!phone) return this.update({ status: "qr", qr, qrCount: this.state.qrCount + 1 });
    // A code can be asked for once the server has offered pairing, i.e. on the first QR.
    if (this.codeRequested) return;
    this.codeRequested = true;
    sock.requestPairingCode(phone).then(
      (code) => {
        if (!this.ended && !this.paired) this.update({ status: "code", code });
      },
      // Once the phone has paired, a late failure of the request (its socket closed for the 515) is moot.
      (error) => void (this.paired || this.end("failed", { error: `WhatsApp did not give a pairing code: ${messageOf(error)}` })),
    );
  }

  private gotPaired(): void {
    if (this.paired || this.ended) return;
    this.paired = true;
    this.options.log.info(`whatsapp/${this.accountId}: the phone accepted the link; finishing`);
    // The phone shows "logging in…" now: give the restart a fair chance even near the deadline.
    this.update({ status: "pairing", qr: undefined, code: undefined, expiresAt: Math.max(this.state.expiresAt, this.clock.now() + PAIRED_GRACE_MS) });
    this.arm();
  }

  private async finish(sock: WaSocket, auth: StagedAuth): Promise<void> {
    this.committing = true;
    await sock.end(undefined).catch((error) => this.options.log.debug(`whatsapp/${this.accountId}: closing the login socket: ${messageOf(error)}`));
    const me = auth.me?.id;
    if (!me) return this.end("failed", { error: "the connection opened but WhatsApp did not link this device" });
    let note: string | undefined;
    try {
      note = (await this.options.commit(auth))?.note;
    } catch (error) {
      return this.end("failed", { error: `linked on the phone, but the credentials could not be saved: ${messageOf(error)}; remove the device in WhatsApp → Linked devices and try again` });
    } finally {
      this.committing = false;
    }
    const phone = e164OfJid(me) ?? undefined;
    this.options.log.info(`whatsapp/${this.accountId}: linked${phone ? ` as ${phone}` : ""}`);
    this.end("linked", { ...(phone ? { phone } : {}), ...(note ? { note } : {}) });
  }

  private arm(): void {
    if (this.timer) this.clock.clearTimeout(this.timer);
    this.timer = this.clock.setTimeout(() => {
      if (this.committing) return;
      const error = this.paired ? "the phone accepted the link but WhatsApp did not finish it in time" : `nobody completed the link in time`;
      this.end("timeout", { error });
    }, Math.max(0, this.state.expiresAt - this.clock.now()));
  }

  private end(status: "linked" | "failed" | "timeout", fields: Partial<WhatsAppLoginSnapshot>): void {
    if (this.ended) return;
    if (this.timer) this.clock.clearTimeout(this.timer);
    this.timer = null;
    const current = this.socket;
    this.socket = null;
    if (current) {
      current.detach();
      void current.sock.end(undefined).catch(() => {});
    }
    if (status !== "linked") this.options.log.info(`whatsapp/${this.accountId}: login ${status}: ${fields.error ?? ""}`);
    this.update({ status, qr: undefined, code: undefined, ...fields, endedAt: this.clock.now() });
    this.abort.abort();
    this.resolveDone(this.snapshot());
  }

  private update(change: Partial<WhatsAppLoginSnapshot>): void {
    Object.assign(this.state, change, { version: this.state.version + 1 });
    for (const key of Object.keys(this.state) as (keyof WhatsAppLoginSnapshot)[]) if (this.state[key] === undefined) delete this.state[key];
    for (const watcher of [...this.watchers]) watcher();
  }
}
