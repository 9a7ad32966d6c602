/**
 * Stage 5 of `connect`: a device must be paired (protocol.md §3.8). Pairing decides (and
 * approves loopback devices on the spot); this stage only says what "pending" looks like on
 * the wire. Device-less clients have nothing to pair; the grant limits them instead.
 */
import { ErrorCodes } from "../../../protocol/errors.ts";
import type { DevicePairing } from "../../core/pairing/device-pairing.ts";
import type { Connection } from "../ws/connection.ts";
import type { ConnectRequest } from "./connect-request.ts";
import type { VerifiedDevice } from "./device-signature-check.ts";
import { refuse, type Verdict } from "./refusal.ts";

export interface AdmissionInput {
  request: ConnectRequest;
  device: VerifiedDevice | null;
  peer: Pick<Connection, "isLocal" | "remoteAddress">;
  pairing: DevicePairing;
}

export function admitDevice({ request, device, peer, pairing }: AdmissionInput): Verdict {
  if (!device) return { ok: true };
  const admission = pairing.admit({
    deviceId: device.deviceId,
    publicKey: device.publicKey,
    client: request.params.client,
    role: request.role,
    scopes: request.requestedScopes,
    isLocal: peer.isLocal,
    remoteIp: peer.remoteAddress,
  });
  if (admission.status === "approved") return { ok: true };
  const { requestId } = admission.request;
  return refuse({
    code: ErrorCodes.NOT_PAIRED,
    message: "pairing required",
    details: { code: "PAIRING_REQUIRED", reason: admission.reason, requestId },
    // Clients show the close reason; it tells the user what to do and which request is theirs.
    closeReason: `pairing required: approve the device on the gateway (requestId: ${requestId})`,
  });
}
