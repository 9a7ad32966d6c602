/**
 * Overview: is the gateway well, what runs in it, and who is connected. It starts from the
 * `hello-ok` snapshot (so it shows something at once), follows `health` and `presence` events,
 * and re-fetches both after a reconnect or a `seq` gap (events are never replayed).
 */
import { useEffect, useState } from "preact/hooks";
import type { HealthSummary, PresenceEntry } from "../../../protocol/methods/system.ts";
import { RESYNC_EVENT } from "../gateway/client.ts";
import { useConnection, useEvent, useGateway } from "../gateway/context.ts";
import { describeError } from "../components/describe-error.ts";
import { StateBadge } from "../components/state-badge.tsx";
import { formatDuration, formatAgo } from "../components/format.ts";
import "./overview.css";

function useNow(intervalMs: number): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

export default function OverviewPage() {
  const gateway = useGateway();
  const { status, hello } = useConnection();
  const [health, setHealth] = useState<HealthSummary | null>(null);
  const [presence, setPresence] = useState<PresenceEntry[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [refreshing, setRefreshing] = useState(false);
  const [connectedAt, setConnectedAt] = useState(Date.now());
  const now = useNow(1000);

  useEffect(() => {
    if (!hello) return;
    setConnectedAt(Date.now());
    const snapshot = hello.snapshot.health as HealthSummary;
    if (snapshot && typeof snapshot === "object" && "ok" in snapshot) setHealth(snapshot);
    setPresence(hello.snapshot.presence);
  }, [hello]);

  const refresh = async () => {
    setRefreshing(true);
    try {
      const [h, p] = await Promise.all([gateway.request<HealthSummary>("health"), gateway.request<PresenceEntry[]>("system-presence")]);
      setHealth(h);
      setPresence(p);
      setError(null);
    } catch (e) {
      setError(describeError(e, "refresh the overview"));
    } finally {
      setRefreshing(false);
    }
  };

  useEvent("health", (payload: HealthSummary) => setHealth(payload));
  useEvent("presence", (payload: { presence: PresenceEntry[] }) => setPresence(payload.presence));
  useEvent(RESYNC_EVENT, () => void refresh());

  const uptimeMs = hello ? hello.snapshot.uptimeMs + (now - connectedAt) : null;
  const parts = Object.entries(health?.parts ?? {});
  const channelIds = health ? [...new Set([...health.channelOrder, ...Object.keys(health.channels)])] : [];

  return (
    <div class="page overview" data-testid="overview" data-live={status === "connected" && health ? "true" : "false"}>
      <div class="page-head">
        <h1>Overview</h1>
        <button type="button" class="button" onClick={refresh} disabled={status !== "connected" || refreshing}>
          {refreshing ? "Refreshing…" : "Refresh"}
        </button>
      </div>
      {error ? <p class="error-text" role="alert">{error}</p> : null}

      <section class="cards" aria-label="Gateway">
        <div class="card">
          <h2>Health</h2>
          <p class="big" data-testid="health-state">
            {health ? <StateBadge state={health.ok ? "ok" : "degraded"} /> : <span class="muted">{status === "connected" ? "loading…" : "unknown (not connected)"}</span>}
          </p>
          {health ? <p class="muted">checked {formatAgo(health.ts, now)}</p> : null}
        </div>
        <div class="card">
          <h2>Version</h2>
          <p class="big" data-testid="version">{hello?.server.version ?? "—"}</p>
          <p class="muted">protocol {hello?.protocol ?? "—"}</p>
        </div>
        <div class="card">
          <h2>Uptime</h2>
          <p class="big" data-testid="uptime">{uptimeMs === null ? "—" : formatDuration(uptimeMs)}</p>
        </div>
        <div class="card">
          <h2>Clients</h2>
          <p class="big" data-testid="client-count">{presence ? presence.filter((p) => p.mode !== "gateway").length : "—"}</p>
          <p class="muted">connected (CLI calls are not listed)</p>
        </div>
      </section>

      <section aria-labelledby="parts-h">
        <h2 id="parts-h">Parts</h2>
        {parts.length === 0 ? (
          <p class="muted">{health ? "The gateway reports no parts." : "No data yet."}</p>
        ) : (
          <ul class="list" data-testid="parts">
            {parts.map(([name, part]) => (
              <li key={name} class="list-row" data-part={name}>
                <span class="name">{name}</span>
                <StateBadge state={part.state} />
                {part.detail ? <span class="detail">{part.detail}</span> : null}
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="channels-h">
        <h2 id="channels-h">Channels</h2>
        {channelIds.length === 0 ? (
          <p class="muted">{health ? "No channel is configured. Add one on the Channels page." : "No data yet."}</p>
        ) : (
          <ul class="list" data-testid="channels">
            {channelIds.map((id) => {
              const channel = health!.channels[id] ?? {};
              const state = !channel.configured ? "not configured" : channel.linked ? "linked" : "not linked";
              return (
                <li key={id} class="list-row" data-channel={id}>
                  <span class="name">{health!.channelLabels[id] ?? id}</span>
                  <StateBadge state={state} />
                </li>
              );
            })}
          </ul>
        )}
      </section>

      <section aria-labelledby="presence-h">
        <h2 id="presence-h">Connected clients</h2>
        {!presence ? (
          <p class="muted">No data yet.</p>
        ) : (
          <ul class="list" data-testid="presence">
            {presence.map((entry, i) => (
              <li key={entry.deviceId ?? entry.instanceId ?? i} class="list-row">
                <span class="name">{entry.host ?? entry.instanceId ?? "unknown"}</span>
                <span class="tag">{entry.mode ?? "?"}</span>
                <span class="detail">
                  {[entry.platform, entry.version, entry.ip].filter(Boolean).join(" · ")} {entry.reason ? `· ${entry.reason}` : ""} · {formatAgo(entry.ts, now)}
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
