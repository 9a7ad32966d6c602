/**
 * Devices and nodes: who waits for approval, who is paired (with their tokens), and the nodes
 * with their commands. Each list loads on its own, so a missing scope or a slow call in one
 * never blanks the others; pairing and presence events refresh the lists as they happen.
 */
import type { DevicePairListResult } from "../../../protocol/methods/devices.ts";
import type { NodeInfo } from "../../../protocol/methods/nodes.ts";
import type { Static } from "../../../protocol/schema-builder.ts";
import type { ComponentChildren } from "preact";
import { useEffect, useState } from "preact/hooks";
import { useEvent, useGateway } from "../gateway/context.ts";
import { loadIdentity } from "../gateway/device-identity.ts";
import { DeviceRequests } from "./devices/device-requests.tsx";
import { NodeList, NodeRequests, type NodeRequest } from "./devices/nodes.tsx";
import { PairedDevices } from "./devices/paired-devices.tsx";
import { useActions } from "./devices/use-action.ts";
import { useResource, type Resource } from "./devices/use-resource.ts";
import "./devices/admin.css";

type DeviceLists = Static<typeof DevicePairListResult>;

function Section<T>({ id, title, resource, children, showError = true }: { id: string; title: string; resource: Resource<T>; children: (data: T) => ComponentChildren; showError?: boolean }) {
  return (
    <section aria-labelledby={id} aria-busy={resource.loading}>
      <h2 id={id}>{title}</h2>
      {showError && resource.error && (
        <p class="error-text" role="alert">
          {resource.error}{" "}
          <button type="button" onClick={resource.reload}>
            Retry
          </button>
        </p>
      )}
      {resource.data ? children(resource.data) : !resource.error && <p class="muted">Loading…</p>}
    </section>
  );
}

export default function DevicesPage() {
  const gateway = useGateway();
  const actions = useActions();
  const [selfId, setSelfId] = useState<string | null>(null);
  useEffect(() => {
    loadIdentity().then(
      (identity) => setSelfId(identity.deviceId),
      () => setSelfId(null),
    );
  }, []);
  const devices = useResource((g) => g.request<DeviceLists>("device.pair.list", {}), "list the devices");
  const nodePairing = useResource((g) => g.request<{ pending: NodeRequest[] }>("node.pair.list", {}), "list the node requests");
  const nodes = useResource((g) => g.request<{ nodes: NodeInfo[] }>("node.list", {}), "list the nodes");

  useEvent("device.pair.requested", devices.reloadSoon);
  useEvent("device.pair.resolved", devices.reloadSoon);
  useEvent("node.pair.requested", nodePairing.reloadSoon);
  useEvent("node.pair.resolved", () => {
    nodePairing.reloadSoon();
    nodes.reloadSoon();
  });
  // Clients come and go as presence changes: nodes connect, devices get and use tokens.
  useEvent("presence", () => {
    nodes.reloadSoon();
    devices.reloadSoon();
  });

  return (
    <div class="page admin-page">
      <h1>Devices and nodes</h1>
      <p class="notice-line" role="status" aria-live="polite">
        {actions.notice && (
          <span class={actions.notice.kind === "error" ? "error-text" : "ok-text"}>
            {actions.notice.text}{" "}
            <button type="button" class="link-button" onClick={actions.dismiss} aria-label="Dismiss the message">
              ×
            </button>
          </span>
        )}
      </p>
      <Section id="dev-pending" title="Waiting for approval" resource={devices}>
        {(d) => <DeviceRequests requests={d.pending} gateway={gateway} actions={actions} onChange={devices.reloadSoon} />}
      </Section>
      <Section id="dev-paired" title="Paired devices" resource={devices} showError={false}>
        {(d) => <PairedDevices devices={d.paired} selfId={selfId} gateway={gateway} actions={actions} onChange={devices.reloadSoon} />}
      </Section>
      <Section id="node-pending" title="Nodes waiting for pairing" resource={nodePairing}>
        {(d) => <NodeRequests requests={d.pending} gateway={gateway} actions={actions} onChange={() => (nodePairing.reloadSoon(), nodes.reloadSoon())} />}
      </Section>
      <Section id="node-list" title="Nodes" resource={nodes}>
        {(d) => <NodeList nodes={d.nodes} />}
      </Section>
    </div>
  );
}
