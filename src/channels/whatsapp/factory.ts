/**
 * The WhatsApp channel for the channel manager: which accounts the config describes (and
 * whether each is linked), and the adapter of one, wired to the gateway store (auth state,
 * account lock, sent messages, LID map). The adapter module, and Baileys with it, is imported
 * only in `create`; Baileys' network version lookup runs only with `fetchLatestVersion: true`.
 */
import { join } from "node:path";
import { WhatsAppAuthStore } from "../../store/whatsapp-auth.ts";
import { WhatsAppMessageStore } from "../../store/whatsapp-messages.ts";
import type { ChannelAccountConfig, ChannelAdapter, ChannelFactory } from "../types.ts";
import { WHATSAPP_CHANNEL, whatsappAccounts } from "./accounts.ts";
import type { WhatsAppAdapterOptions } from "./adapter.ts";
import { whatsappMetrics } from "./metrics.ts";
import { readWhatsAppSettings } from "./settings.ts";
import { realSocketFactory } from "./socket.ts";
import { existingWhatsappStore, whatsappStore } from "./store-handle.ts";

/** What tests (and embedders) may swap: the socket, the clock, timing. Everything else comes from the store. */
export type WhatsAppFactoryOverrides = Partial<
  Pick<WhatsAppAdapterOptions, "socketFactory" | "clock" | "socketOptions" | "session" | "pacing" | "sendConnectWaitMs" | "maxQuickRestarts" | "logoutTimeoutMs">
>;

/** How long `run` waits for this process's previous run of the account to let go of its lock (ms). */
const LOCK_WAIT_MS = 5000;

export function createWhatsAppFactory(overrides: WhatsAppFactoryOverrides = {}): ChannelFactory {
  return {
    channel: WHATSAPP_CHANNEL,

    accounts(config, _env, where) {
      const db = where ? existingWhatsappStore(where.stateDir) : null;
      const auth = db ? new WhatsAppAuthStore(db) : null;
      return whatsappAccounts(config, { isLinked: auth ? (accountId) => auth.linkedAs(accountId) !== null : undefined });
    },

    async create(account: ChannelAccountConfig, deps): Promise<ChannelAdapter> {
      const settings = readWhatsAppSettings(account.raw);
      const { accountId } = account;
      const db = whatsappStore(deps.stateDir);
      const [{ WhatsAppAdapter }, { openWhatsAppAuthState }, { acquireWhatsAppAuthLock }, { SqliteLidMap, SqliteSentMessages, protoMessageCodec }, baileys] = await Promise.all([
        import("./adapter.ts"),
        import("./auth-state.ts"),
        import("./auth-lock.ts"),
        import("./store-bridge.ts"),
        import("@whiskeysockets/baileys"),
      ]);
      const messages = new WhatsAppMessageStore(db);
      const workspace = deps.workspace ?? join(deps.stateDir, "workspace");
      let version: Promise<[number, number, number] | undefined> | null = null;
      const metrics = deps.metrics ? whatsappMetrics(deps.metrics) : undefined;
      return new WhatsAppAdapter({
        accountId,
        settings,
        socketFactory: overrides.socketFactory ?? realSocketFactory,
        // The store is opened again by every run: a new link replaces the rows under it.
        openAuth: () => openWhatsAppAuthState({ db: whatsappStore(deps.stateDir), accountId, stateDir: deps.stateDir, metrics }),
        lock: (signal) => acquireWhatsAppAuthLock({ db: whatsappStore(deps.stateDir), accountId, waitMs: LOCK_WAIT_MS, signal }),
        lidMap: new SqliteLidMap(messages, accountId),
        sent: new SqliteSentMessages(messages, accountId, protoMessageCodec(baileys.proto)),
        mediaDir: join(workspace, "inbox", "whatsapp"),
        metrics,
        // Asked once per adapter; Baileys falls back to its bundled version itself when GitHub is unreachable.
        resolveVersion: () => (version ??= baileys.fetchLatestBaileysVersion().then((latest) => latest.version, () => undefined)),
        ...overrides,
      });
    },
  };
}

export const whatsappFactory: ChannelFactory = createWhatsAppFactory();
