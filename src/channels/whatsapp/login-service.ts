/**
 * WhatsApp linking as the gateway offers it (`web.login.*`, and through them the CLI and a UI):
 * which account a request means, whether it is linked already, and the one login per account
 * (`login-registry.ts`) running the shared state machine (`login.ts`). A finished link is
 * committed while the account is stopped, and the account is then started afresh by the
 * channel manager, so the new creds are used at once, with no gateway restart.
 */
import type { Database } from "bun:sqlite";
import type { Options } from "../../config/load.ts";
import type { Logger } from "../../log/logger.ts";
import { WhatsAppAuthStore } from "../../store/whatsapp-auth.ts";
import { VERSION } from "../../version.ts";
import { DEFAULT_ACCOUNT_ID, whatsappAccountIds } from "./accounts.ts";
import { whatsAppAccountDir } from "./auth-backup.ts";
import { e164OfJid } from "./jid.ts";
import { systemClock, type Clock } from "./clock.ts";
import { baileysLogger } from "./logger.ts";
import { WhatsAppLogin, DEFAULT_LOGIN_TIMEOUT_MS } from "./login.ts";
import { commitStagedAuth } from "./login-commit.ts";
import { WhatsAppLoginError } from "./login-errors.ts";
import { WhatsAppLogins, type LoginRequest, type LoginStart } from "./login-registry.ts";
import { realSocketFactory, type WaSocketFactory, type WaSocketOptions } from "./socket.ts";

/**
 * How the linked device is listed on the phone (Linked devices): "OpenClaw" rather than
 * Baileys' default "Mac OS", which is wrong on most gateways. Fixed at pairing time.
 */
export const LOGIN_BROWSER: [string, string, string] = ["OpenClaw", "Chrome", VERSION];

export interface WhatsAppLoginServiceOptions {
  /** The gateway store, migrated (the `whatsapp_*` auth tables). */
  db: Database;
  /** The running options (config and state dir), read on every use. */
  options: () => Readonly<Options>;
  /** Stops the account, runs `change`, starts it afresh; false when the config has no such account. */
  restartAccount: (accountId: string, change: () => Promise<void>) => Promise<boolean>;
  /** Builds the login's sockets. Default: `realSocketFactory` (Baileys). */
  socketFactory?: WaSocketFactory;
  /** Socket settings besides auth and logger (a test server URL). Default `browser`: `LOGIN_BROWSER`. */
  socket?: Omit<WaSocketOptions, "auth" | "logger">;
  /** The `whatsapp`-tagged logger. */
  log: Logger;
  /** Timers and wall time of the logins. Default: the system clock. */
  clock?: Clock;
}

/** A start request as the RPC passes it on. */
export interface LoginStartRequest {
  /** Default: `defaultAccountId()`. */
  accountId?: string;
  /** Link again although linked; replace a running attempt. */
  force?: boolean;
  /** Digits with country code (`pairingPhoneDigits`), for a pairing code instead of a QR. */
  pairingPhone?: string;
  /** Default 180 000 ms. */
  timeoutMs?: number;
}

export type LoginStartOutcome = (LoginStart & { accountId: string }) | { accountId: string; alreadyLinked: { phone?: string } };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export class WhatsAppLoginService {
  private readonly logins: WhatsAppLogins;
  private readonly store: WhatsAppAuthStore;
  private readonly now: () => number;

  constructor(private readonly deps: WhatsAppLoginServiceOptions) {
    this.store = new WhatsAppAuthStore(deps.db);
    const clock = deps.clock ?? systemClock;
    this.now = () => clock.now();
    this.logins = new WhatsAppLogins({ create: (request, sessionKey) => this.create(request, sessionKey), now: this.now });
  }

  /** `channels.whatsapp.defaultAccount` when it names an account, else the config's first (`default` first), else `default`. */
  defaultAccountId(): string {
    const root = this.deps.options().config.channels?.whatsapp;
    if (!isRecord(root)) return DEFAULT_ACCOUNT_ID;
    const ids = whatsappAccountIds(root);
    const preferred = typeof root.defaultAccount === "string" ? root.defaultAccount.trim() : "";
    return ids.includes(preferred) ? preferred : (ids[0] ?? DEFAULT_ACCOUNT_ID);
  }

  /** Starts (or finds) the account's login; an account linked already is reported, not relinked, without `force`. */
  async start(request: LoginStartRequest): Promise<LoginStartOutcome> {
    const accountId = request.accountId ?? this.defaultAccountId();
    try {
      whatsAppAccountDir(this.deps.options().paths.stateDir, accountId);
    } catch (error) {
      throw new WhatsAppLoginError("invalid_account", (error as Error).message);
    }
    const running = this.logins.find({ accountId });
    const linkedAs = this.store.linkedAs(accountId);
    // A running attempt is returned even for a linked account: it is a forced re-link someone started.
    if (linkedAs && !request.force && (!running || running.ended)) return { accountId, alreadyLinked: { phone: e164OfJid(linkedAs) ?? undefined } };
    const started = await this.logins.start({ accountId, force: request.force, pairingPhone: request.pairingPhone, timeoutMs: request.timeoutMs });
    return { ...started, accountId };
  }

  find(query: { sessionKey?: string; accountId?: string }): WhatsAppLogin | null {
    return this.logins.find(query);
  }

  /** Cancels every running login (the gateway is stopping). */
  stop(): Promise<void> {
    return this.logins.stop();
  }

  private create(request: LoginRequest, sessionKey: string): WhatsAppLogin {
    const { accountId } = request;
    const log = this.deps.log;
    return new WhatsAppLogin({
      accountId,
      sessionKey,
      socketFactory: this.deps.socketFactory ?? realSocketFactory,
      socket: { browser: LOGIN_BROWSER, ...this.deps.socket, logger: baileysLogger(log, { accountId, login: true }) },
      pairingPhone: request.pairingPhone,
      timeoutMs: request.timeoutMs ?? DEFAULT_LOGIN_TIMEOUT_MS,
      log,
      clock: this.deps.clock,
      commit: async (auth) => {
        let backup: string | null = null;
        const configured = await this.deps.restartAccount(accountId, async () => {
          backup = await commitStagedAuth({ db: this.deps.db, stateDir: this.deps.options().paths.stateDir, accountId, auth, now: this.now });
        });
        if (backup) log.info(`whatsapp/${accountId}: the previous credentials were backed up to ${backup}`);
        if (configured) return;
        const where = accountId === DEFAULT_ACCOUNT_ID ? "channels.whatsapp" : `channels.whatsapp.accounts.${accountId}`;
        return { note: `the account is linked but not in the config: add ${where} to openclaw.json and the gateway starts it` };
      },
    });
  }
}
