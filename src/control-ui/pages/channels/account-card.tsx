/** One channel account as `channels.status` reports it: its state, its last error, log out. */
import type { Static } from "../../../../protocol/schema-builder.ts";
import type { ChannelAccountSnapshot } from "../../../../protocol/methods/channels.ts";
import { StateBadge } from "../../components/state-badge.tsx";
import { ConfirmButton } from "../devices/confirm-button.tsx";
import { exactTime, timeAgo } from "../devices/time-ago.ts";

export type Account = Static<typeof ChannelAccountSnapshot>;

/** The one word a person needs first; the details say why. */
export function accountState(a: Account): string {
  if (!a.enabled) return "disabled";
  if (!a.configured) return "not configured";
  if (a.connected) return "connected";
  if (a.running) return "connecting";
  if (a.stoppedReason === "logged out") return "logged out";
  if (!a.linked) return "not linked";
  return "stopped";
}

/** A probe is `{ok, error?}` (channels.status answers it as it came from the adapter). */
function probeText(probe: unknown): string {
  const p = (probe ?? {}) as { ok?: unknown; error?: unknown };
  if (p.ok === true) return "the platform answered";
  return `failed: ${typeof p.error === "string" ? p.error : "no answer"}`;
}

interface Props {
  channel: string;
  label: string;
  account: Account;
  busy: boolean;
  onLogout(): void;
}

export function AccountCard({ channel, label, account: a, busy, onLogout }: Props) {
  const who = a.self ? [a.self.name, a.self.username ? `@${a.self.username}` : null].filter(Boolean).join(" ") || a.self.id : null;
  return (
    <li class="card" data-channel={channel} data-account-id={a.accountId} data-state={accountState(a)}>
      <div class="card-head">
        <strong>
          {label} · {a.accountId}
        </strong>
        <StateBadge state={accountState(a)} />
      </div>
      {a.stoppedReason && (
        <p class="detail" data-testid="stopped-reason">
          Stopped: {a.stoppedReason}
        </p>
      )}
      {/* The reason it stopped is often the last error too: say it once. */}
      {a.lastError && a.lastError !== a.stoppedReason && (
        <p class="error-text" data-testid="last-error">
          Last error: {a.lastError}
        </p>
      )}
      <dl class="facts">
        {who && (
          <>
            <dt>As</dt>
            <dd>{who}</dd>
          </>
        )}
        <dt>Direct messages</dt>
        <dd>{a.dmPolicy}</dd>
        <dt>Connected</dt>
        <dd title={exactTime(a.lastConnectedAt)}>{timeAgo(a.lastConnectedAt)}</dd>
        <dt>Last message in</dt>
        <dd title={exactTime(a.lastInboundAt)}>{timeAgo(a.lastInboundAt)}</dd>
        <dt>Last message out</dt>
        <dd title={exactTime(a.lastOutboundAt)}>{timeAgo(a.lastOutboundAt)}</dd>
        {a.lastProbeAt !== undefined && (
          <>
            <dt>Probe</dt>
            <dd title={exactTime(a.lastProbeAt)} data-testid="probe">
              {probeText(a.probe)} ({timeAgo(a.lastProbeAt)})
            </dd>
          </>
        )}
        {a.reconnectAttempts > 0 && (
          <>
            <dt>Reconnects</dt>
            <dd>{a.reconnectAttempts}</dd>
          </>
        )}
      </dl>
      {(a.linked || a.running) && (
        <div class="actions">
          <ConfirmButton
            label="Log out"
            question={channel === "whatsapp" ? "Log out and forget this WhatsApp link?" : "Stop this account?"}
            disabled={busy}
            ariaLabel={`Log out ${label} ${a.accountId}`}
            onConfirm={onLogout}
          />
        </div>
      )}
    </li>
  );
}
