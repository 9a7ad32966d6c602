/**
 * Channels: every account as the adapters observed it (`channels.status`, refreshed on each
 * `health` event, which the gateway sends when a channel links or drops), with its last error;
 * linking WhatsApp (QR or pairing code), setting a Telegram bot token, and logging out.
 * A probe asks the platforms now; the last picture stays on screen while it runs.
 */
import type { ChannelsStatusResult } from "../../../protocol/methods/channels.ts";
import { useGateway, useEvent } from "../gateway/context.ts";
import { AccountCard, type Account } from "./channels/account-card.tsx";
import { TelegramToken } from "./channels/telegram-token.tsx";
import { WhatsAppLink } from "./channels/whatsapp-link.tsx";
import { useActions } from "./devices/use-action.ts";
import { useResource } from "./devices/use-resource.ts";
import "./devices/admin.css";
import "./channels/channels.css";

const PROBE_TIMEOUT_MS = 8000;

export default function ChannelsPage() {
  const gateway = useGateway();
  const actions = useActions();
  const status = useResource((g) => g.request<ChannelsStatusResult>("channels.status", {}), "read the channel status");
  useEvent("health", status.reloadSoon);

  const probe = () =>
    actions.run(
      "probe",
      "probe the channels",
      () => gateway.request<ChannelsStatusResult>("channels.status", { probe: true, timeoutMs: PROBE_TIMEOUT_MS }, { timeoutMs: PROBE_TIMEOUT_MS + 5000 }),
      () => {
        status.reload();
        return "Probed: the platforms were asked just now.";
      },
    );
  const logout = (channel: string, label: string, a: Account) =>
    actions.run(
      `logout:${channel}:${a.accountId}`,
      `log out ${label} ${a.accountId}`,
      () => gateway.request<{ cleared: boolean }>("channels.logout", { channel, accountId: a.accountId }),
      (result) => {
        status.reloadSoon();
        return result.cleared
          ? `${label} ${a.accountId} is logged out and its link was forgotten; link it again below to use it.`
          : `${label} ${a.accountId} is stopped until the gateway restarts or its settings change. Its token stays in the config: remove it there to keep the bot off for good.`;
      },
    );

  const data = status.data;
  const order = data ? data.channelOrder : [];
  const accountsOf = (channel: string): Account[] => data?.channelAccounts[channel] ?? [];
  const whatsappAccounts = accountsOf("whatsapp");
  const telegramIds = accountsOf("telegram").map((a) => a.accountId);

  return (
    <div class="page admin-page channels-page">
      <div class="page-head">
        <h1>Channels</h1>
        <button type="button" class="button" disabled={actions.busy.has("probe")} onClick={probe}>
          {actions.busy.has("probe") ? "Probing…" : "Probe now"}
        </button>
      </div>
      <p class="notice-line" role="status" aria-live="polite">
        {actions.notice && <span class={actions.notice.kind === "error" ? "error-text" : "ok-text"}>{actions.notice.text}</span>}
      </p>
      {status.error && (
        <p class="banner banner-error" role="alert">
          {status.error}{" "}
          <button type="button" class="button small" onClick={status.reload}>
            Retry
          </button>
        </p>
      )}

      <section aria-labelledby="ch-accounts" aria-busy={status.loading}>
        <h2 id="ch-accounts">Accounts</h2>
        {!data && !status.error && <p class="muted">Loading…</p>}
        {data && order.every((c) => accountsOf(c).length === 0) && <p class="muted">No channel account is configured. Link WhatsApp or set a Telegram bot token below.</p>}
        {data && (
          <ul class="card-list" aria-label="Channel accounts">
            {order.flatMap((channel) =>
              accountsOf(channel).map((a) => {
                const label = data.channelLabels[channel] ?? channel;
                return (
                  <AccountCard
                    key={`${channel}:${a.accountId}`}
                    channel={channel}
                    label={label}
                    account={a}
                    busy={actions.busy.has(`logout:${channel}:${a.accountId}`)}
                    onLogout={() => logout(channel, label, a)}
                  />
                );
              }),
            )}
          </ul>
        )}
      </section>

      <section aria-labelledby="ch-whatsapp">
        <h2 id="ch-whatsapp">Link WhatsApp</h2>
        <WhatsAppLink accountIds={whatsappAccounts.map((a) => a.accountId)} linked={new Set(whatsappAccounts.filter((a) => a.linked).map((a) => a.accountId))} />
      </section>

      <section aria-labelledby="ch-telegram">
        <h2 id="ch-telegram">Telegram bot token</h2>
        <TelegramToken accountIds={telegramIds} />
      </section>
    </div>
  );
}
