/**
 * Paired devices (`device.pair.list` → paired) with their per-role tokens: rotate or revoke a
 * token, remove a device. A rotated token is shown once, here only, so it can be handed to the
 * device; the list itself never carries token secrets.
 */
import { useState } from "preact/hooks";
import type { PairedDeviceInfo } from "../../../../protocol/methods/devices.ts";
import type { GatewayClient } from "../../gateway/client.ts";
import { CopyButton } from "../../components/copy-button.tsx";
import { ConfirmButton } from "./confirm-button.tsx";
import { deviceName } from "./device-requests.tsx";
import { exactTime, timeAgo } from "./time-ago.ts";
import type { Actions } from "./use-action.ts";

interface Props {
  devices: PairedDeviceInfo[];
  /** This browser's own device id: taking its access away signs this page out. */
  selfId: string | null;
  gateway: GatewayClient;
  actions: Actions;
  onChange(): void;
}

interface Rotated {
  deviceId: string;
  role: string;
  token: string;
}

export function PairedDevices({ devices, selfId, gateway, actions, onChange }: Props) {
  const [rotated, setRotated] = useState<Rotated | null>(null);
  if (devices.length === 0) return <p class="muted">No device is paired yet.</p>;

  const rotate = (d: PairedDeviceInfo, role: string) =>
    actions.run(
      `tok:${d.deviceId}:${role}`,
      `rotate the ${role} token of ${deviceName(d)}`,
      () => gateway.request<{ token: string }>("device.token.rotate", { deviceId: d.deviceId, role }),
      (result) => {
        setRotated({ deviceId: d.deviceId, role, token: result.token });
        onChange();
        return `The ${role} token of ${deviceName(d)} was rotated; its connections with the old token were closed.`;
      },
    );
  const revoke = (d: PairedDeviceInfo, role: string) =>
    actions.run(
      `tok:${d.deviceId}:${role}`,
      `revoke the ${role} token of ${deviceName(d)}`,
      () => gateway.request("device.token.revoke", { deviceId: d.deviceId, role }),
      () => {
        onChange();
        return `The ${role} token of ${deviceName(d)} was revoked; it must pair again to connect with it.`;
      },
    );
  const remove = (d: PairedDeviceInfo) =>
    actions.run(
      `dev:${d.deviceId}`,
      `remove ${deviceName(d)}`,
      () => gateway.request("device.pair.remove", { deviceId: d.deviceId }),
      () => {
        onChange();
        return `${deviceName(d)} was removed and disconnected; it has to ask for pairing again.`;
      },
    );

  return (
    <ul class="card-list" aria-label="Paired devices">
      {devices.map((d) => (
        <li class="card" key={d.deviceId} data-device-id={d.deviceId}>
          <div class="card-head">
            <strong>{deviceName(d)}</strong>
            {d.deviceId === selfId && <span class="badge tone-good">this browser</span>}
            <span class="muted">{[d.platform, d.clientMode].filter(Boolean).join(" · ")}</span>
          </div>
          <dl class="facts">
            <dt>Roles</dt>
            <dd>{d.roles.join(", ") || "none"}</dd>
            <dt>Scopes</dt>
            <dd>{d.scopes.join(", ") || "none"}</dd>
            <dt>Approved</dt>
            <dd title={exactTime(d.approvedAtMs)}>{timeAgo(d.approvedAtMs)}</dd>
            {d.remoteIp && (
              <>
                <dt>Last address</dt>
                <dd>{d.remoteIp}</dd>
              </>
            )}
            <dt>Device id</dt>
            <dd class="mono" title={d.deviceId}>
              {d.deviceId.slice(0, 16)}…
            </dd>
          </dl>
          {d.tokens.length > 0 && (
            <table class="tokens">
              <caption class="sr-only">Tokens of {deviceName(d)}</caption>
              <thead>
                <tr>
                  <th scope="col">Token</th>
                  <th scope="col">Last used</th>
                  <th scope="col">Actions</th>
                </tr>
              </thead>
              <tbody>
                {d.tokens.map((t) => {
                  const busy = actions.busy.has(`tok:${d.deviceId}:${t.role}`);
                  const revoked = t.revokedAtMs !== undefined;
                  return (
                    <tr key={t.role}>
                      <td>
                        {t.role}
                        {revoked ? <span class="badge tone-bad"> revoked</span> : t.rotatedAtMs ? <span class="muted"> (rotated {timeAgo(t.rotatedAtMs)})</span> : null}
                      </td>
                      <td title={exactTime(t.lastUsedAtMs)}>{timeAgo(t.lastUsedAtMs)}</td>
                      <td class="actions">
                        <button type="button" disabled={busy} onClick={() => rotate(d, t.role)} aria-label={`Rotate the ${t.role} token of ${deviceName(d)}`}>
                          Rotate
                        </button>
                        {!revoked && (
                          <ConfirmButton label="Revoke" question={d.deviceId === selfId ? `Revoke it? This page is signed out.` : `Revoke the ${t.role} token?`} disabled={busy} ariaLabel={`Revoke the ${t.role} token of ${deviceName(d)}`} onConfirm={() => revoke(d, t.role)} />
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )}
          {rotated?.deviceId === d.deviceId && (
            <div class="secret-once" role="status">
              <label>
                New {rotated.role} token (shown once; give it to the device, then close this):
                <input type="text" readOnly value={rotated.token} onFocus={(e) => e.currentTarget.select()} spellcheck={false} autoComplete="off" />
              </label>
              <div class="row">
                <CopyButton text={rotated.token} label="Copy token" />
                <button type="button" class="button" onClick={() => setRotated(null)}>
                  Close
                </button>
              </div>
            </div>
          )}
          <div class="actions">
            <ConfirmButton label="Remove" question={d.deviceId === selfId ? "Remove this browser? This page is signed out." : `Remove ${deviceName(d)}?`} disabled={actions.busy.has(`dev:${d.deviceId}`)} ariaLabel={`Remove ${deviceName(d)}`} onConfirm={() => remove(d)} />
          </div>
        </li>
      ))}
    </ul>
  );
}
