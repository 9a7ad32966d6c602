/** Devices waiting for approval (`device.pair.list` → pending): approve or reject each. */
import type { DevicePairRequest } from "../../../../protocol/methods/devices.ts";
import type { Actions } from "./use-action.ts";
import { exactTime, timeAgo } from "./time-ago.ts";
import type { GatewayClient } from "../../gateway/client.ts";

export const deviceName = (d: { displayName?: string; clientId?: string; deviceId: string }) => d.displayName || d.clientId || `device ${d.deviceId.slice(0, 8)}`;

interface Props {
  requests: DevicePairRequest[];
  gateway: GatewayClient;
  actions: Actions;
  onChange(): void;
}

export function DeviceRequests({ requests, gateway, actions, onChange }: Props) {
  if (requests.length === 0) return <p class="muted">No device is waiting for approval.</p>;
  const decide = (r: DevicePairRequest, verb: "approve" | "reject") =>
    actions.run(
      `req:${r.requestId}`,
      `${verb} ${deviceName(r)}`,
      () => gateway.request(`device.pair.${verb}`, { requestId: r.requestId }),
      () => {
        onChange();
        return verb === "approve" ? `${deviceName(r)} is approved; it connects by itself now.` : `${deviceName(r)} was rejected.`;
      },
    );
  return (
    <ul class="card-list" aria-label="Devices waiting for approval">
      {requests.map((r) => {
        const busy = actions.busy.has(`req:${r.requestId}`);
        return (
          <li class="card" key={r.requestId} data-request-id={r.requestId}>
            <div class="card-head">
              <strong>{deviceName(r)}</strong>
              {r.isRepair && <span class="badge tone-warn">asks again</span>}
            </div>
            <dl class="facts">
              <dt>Asks for</dt>
              <dd>
                {r.role}
                {r.scopes.length > 0 && ` (${r.scopes.join(", ")})`}
              </dd>
              {r.platform && (
                <>
                  <dt>Platform</dt>
                  <dd>{r.platform}</dd>
                </>
              )}
              {r.remoteIp && (
                <>
                  <dt>From</dt>
                  <dd>{r.remoteIp}</dd>
                </>
              )}
              <dt>Asked</dt>
              <dd title={exactTime(r.ts)}>{timeAgo(r.ts)}</dd>
              <dt>Device id</dt>
              <dd class="mono" title={r.deviceId}>
                {r.deviceId.slice(0, 16)}…
              </dd>
            </dl>
            <div class="actions">
              <button type="button" class="button primary" disabled={busy} onClick={() => decide(r, "approve")} aria-label={`Approve ${deviceName(r)}`}>
                Approve
              </button>
              <button type="button" disabled={busy} onClick={() => decide(r, "reject")} aria-label={`Reject ${deviceName(r)}`}>
                Reject
              </button>
            </div>
          </li>
        );
      })}
    </ul>
  );
}
