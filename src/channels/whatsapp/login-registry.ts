/**
 * The gateway's WhatsApp logins: at most one running per account, found again by session key
 * or account, kept a while after they end so a late `web.login.wait` still learns the outcome.
 * A second start for the same account gets the running attempt when it asks for the same thing,
 * and a clear refusal otherwise (`force` replaces it instead).
 */
import type { WhatsAppLogin } from "./login.ts";
import { WhatsAppLoginError } from "./login-errors.ts";

/** Ended logins stay findable this long. */
export const ENDED_LOGIN_KEEP_MS = 10 * 60_000;

export interface LoginRequest {
  accountId: string;
  /** Digits with country code for a pairing code; absent for a QR. */
  pairingPhone?: string;
  /** Replace a running attempt for the account instead of reusing or refusing it. */
  force?: boolean;
  /** The attempt's own deadline (see `WhatsAppLoginOptions.timeoutMs`). */
  timeoutMs?: number;
}

export interface WhatsAppLoginsOptions {
  /** Builds (does not start) the login for a request; the registry adds the session key. */
  create: (request: LoginRequest, sessionKey: string) => WhatsAppLogin;
  /** Default `Date.now`. */
  now?: () => number;
  /** Default `ENDED_LOGIN_KEEP_MS`. */
  keepEndedMs?: number;
}

export type LoginStart = { login: WhatsAppLogin; reused: boolean };

export class WhatsAppLogins {
  private readonly logins = new Map<string, { login: WhatsAppLogin; request: LoginRequest }>();
  private readonly now: () => number;
  private stopped = false;

  constructor(private readonly options: WhatsAppLoginsOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Starts a login for the account, or returns the one already running (see the file comment). */
  async start(request: LoginRequest): Promise<LoginStart> {
    if (this.stopped) throw new WhatsAppLoginError("busy", "the gateway is stopping");
    this.prune();
    const running = this.runningFor(request.accountId);
    if (running) {
      if (!request.force) {
        if (running.request.pairingPhone === request.pairingPhone) return { login: running.login, reused: true };
        const what = running.request.pairingPhone ? "a pairing-code login" : "a QR login";
        throw new WhatsAppLoginError(
          "busy",
          `${what} for WhatsApp account ${request.accountId} is already running (session ${running.login.sessionKey}); wait for it to end, or start again with force to replace it`,
        );
      }
      await running.login.cancel("replaced by a new login");
    }
    const sessionKey = crypto.randomUUID();
    const login = this.options.create(request, sessionKey);
    this.logins.set(sessionKey, { login, request });
    return { login: login.start(), reused: false };
  }

  /** The login a session key names, else the account's latest (running first). */
  find(query: { sessionKey?: string; accountId?: string }): WhatsAppLogin | null {
    this.prune();
    if (query.sessionKey !== undefined) {
      const entry = this.logins.get(query.sessionKey);
      return entry && (query.accountId === undefined || entry.login.accountId === query.accountId) ? entry.login : null;
    }
    if (query.accountId === undefined) return null;
    const ofAccount = [...this.logins.values()].filter((e) => e.login.accountId === query.accountId).map((e) => e.login);
    return ofAccount.find((l) => !l.ended) ?? ofAccount.at(-1) ?? null;
  }

  /** Cancels every running login and refuses new ones (the gateway is stopping). */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all([...this.logins.values()].map(({ login }) => login.cancel("the gateway is stopping")));
  }

  private runningFor(accountId: string) {
    for (const entry of this.logins.values()) if (entry.login.accountId === accountId && !entry.login.ended) return entry;
    return null;
  }

  private prune(): void {
    const keep = this.options.keepEndedMs ?? ENDED_LOGIN_KEEP_MS;
    for (const [key, { login }] of this.logins) {
      const endedAt = login.snapshot().endedAt;
      if (endedAt !== undefined && this.now() - endedAt > keep) this.logins.delete(key);
    }
  }
}

