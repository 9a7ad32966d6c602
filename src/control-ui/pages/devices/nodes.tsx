/**
 * Nodes: the ones waiting for pairing (`node.pair.list` → pending, approve/reject) and every
 * known node (`node.list`) with whether it is connected and the commands it offers.
 */
import type { NodeInfo } from "../../../../protocol/methods/nodes.ts";
import type { GatewayClient } from "../../gateway/client.ts";
import { exactTime, timeAgo } from "./time-ago.ts";
import type { Actions } from "./use-action.ts";

/** A pending node request as `node.pair.list` lists it (the `node.pair.requested` payload). */
export interface NodeRequest {
  requestId: string;
  nodeId: string;
  displayName?: string;
  platform?: string;
  version?: string;
  commands?: string[];
  remoteIp?: string;
  isRepair: boolean;
  ts: number;
}

const nodeName = (n: { displayName?: string; nodeId: string }) => n.displayName || n.nodeId;

interface RequestProps {
  requests: NodeRequest[];
  gateway: GatewayClient;
  actions: Actions;
  onChange(): void;
}

export function NodeRequests({ requests, gateway, actions, onChange }: RequestProps) {
  if (requests.length === 0) return <p class="muted">No node is waiting for pairing.</p>;
  const decide = (r: NodeRequest, verb: "approve" | "reject") =>
    actions.run(
      `node-req:${r.requestId}`,
      `${verb} node ${nodeName(r)}`,
      () => gateway.request(`node.pair.${verb}`, { requestId: r.requestId }),
      () => {
        onChange();
        return verb === "approve" ? `Node ${nodeName(r)} is paired.` : `Node ${nodeName(r)} was rejected.`;
      },
    );
  return (
    <ul class="card-list" aria-label="Nodes waiting for pairing">
      {requests.map((r) => {
        const busy = actions.busy.has(`node-req:${r.requestId}`);
        return (
          <li class="card" key={r.requestId}>
            <div class="card-head">
              <strong>{nodeName(r)}</strong>
              <span class="muted">{[r.platform, r.version].filter(Boolean).join(" · ")}</span>
              {r.isRepair && <span class="badge tone-warn">asks again</span>}
            </div>
            <p class="muted" title={exactTime(r.ts)}>
              Asked {timeAgo(r.ts)}
              {r.remoteIp && ` from ${r.remoteIp}`}
              {r.commands && r.commands.length > 0 && `; offers ${r.commands.length} command${r.commands.length === 1 ? "" : "s"}`}
            </p>
            <div class="actions">
              <button type="button" class="button primary" disabled={busy} onClick={() => decide(r, "approve")} aria-label={`Approve node ${nodeName(r)}`}>
                Approve
              </button>
              <button type="button" disabled={busy} onClick={() => decide(r, "reject")} aria-label={`Reject node ${nodeName(r)}`}>
                Reject
              </button>
            </div>
          </li>
        );
      })}
    </ul>
  );
}

export function NodeList({ nodes }: { nodes: NodeInfo[] }) {
  if (nodes.length === 0) return <p class="muted">No node has connected or paired yet. A node joins with `openclaw node run`.</p>;
  return (
    <ul class="card-list" aria-label="Nodes">
      {nodes.map((n) => (
        <li class="card" key={n.nodeId} data-node-id={n.nodeId}>
          <div class="card-head">
            <strong>{nodeName(n)}</strong>
            <span class={`badge ${n.connected ? "tone-good" : "tone-off"}`}>{n.connected ? "connected" : "offline"}</span>
            {!n.paired && <span class="badge tone-warn">not paired</span>}
          </div>
          <dl class="facts">
            {(n.platform || n.version) && (
              <>
                <dt>Runs</dt>
                <dd>{[n.platform, n.version, n.deviceFamily].filter(Boolean).join(" · ")}</dd>
              </>
            )}
            {n.connected && n.connectedAtMs && (
              <>
                <dt>Connected</dt>
                <dd title={exactTime(n.connectedAtMs)}>{timeAgo(n.connectedAtMs)}</dd>
              </>
            )}
            {n.remoteIp && (
              <>
                <dt>Address</dt>
                <dd>{n.remoteIp}</dd>
              </>
            )}
            {n.caps.length > 0 && (
              <>
                <dt>Capabilities</dt>
                <dd>{n.caps.join(", ")}</dd>
              </>
            )}
          </dl>
          <details open={n.commands.length <= 8}>
            <summary>
              {n.commands.length} command{n.commands.length === 1 ? "" : "s"}
            </summary>
            <ul class="chips" aria-label={`Commands of ${nodeName(n)}`}>
              {n.commands.map((c) => (
                <li key={c} class="chip mono">
                  {c}
                </li>
              ))}
            </ul>
          </details>
        </li>
      ))}
    </ul>
  );
}
